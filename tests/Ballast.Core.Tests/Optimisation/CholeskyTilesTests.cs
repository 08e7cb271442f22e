using Ballast.Optimisation;
using CsCheck;

namespace Ballast.Core.Tests.Optimisation;

public class CholeskyTilesTests
{
    [Fact]
    public void Factor_InPanels_IsBitForBitTheFactorOfFourRowsAtATime()
    {
        // The panel order changes which element is computed when, not how: the same factor, bit for bit, as the
        // plain order of four-row blocks (the reference below), on sizes across several panels.
        Gen.Select(Gen.Int[1, 90], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var matrix = RandomPositiveDefinite(n, new Random(seed));
            var stride = CholeskyTiles.Stride(n);
            var expected = new double[stride * stride];
            var actual = new double[stride * stride];

            Assert.True(FourRowsAtATime(matrix, n, expected));
            Assert.True(CholeskyTiles.Factor(matrix, n, actual));
            Assert.Equal(expected, actual);
        });
    }

    [Fact]
    public void Factor_WithADiagonalShift_IsBitForBitTheFactorOfTheShiftedCopy()
    {
        // Σ + diag(s) factored without writing it out equals the factor of the copy with the sums on its diagonal.
        Gen.Select(Gen.Int[1, 70], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var matrix = RandomPositiveDefinite(n, rng);
            var shift = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var shifted = (double[])matrix.Clone();
            for (var i = 0; i < n; i++)
            {
                shifted[(i * n) + i] += shift[i];
            }

            var stride = CholeskyTiles.Stride(n);
            var expected = new double[stride * stride];
            var actual = new double[stride * stride];

            Assert.True(CholeskyTiles.Factor(shifted, n, expected));
            Assert.True(CholeskyTiles.Factor(matrix, n, shift, actual));
            Assert.Equal(expected, actual);
        });
    }

    [Theory]
    [InlineData(256, 1)]
    [InlineData(300, 2)]
    [InlineData(333, 3)]
    public void Factor_OnTwoThreads_IsBitForBitTheFactorOfFourRowsAtATime(int n, int seed)
    {
        // From CholeskyTiles.ParallelFrom assets the columns before each panel are split between two threads.
        var matrix = RandomPositiveDefinite(n, new Random(seed));
        var stride = CholeskyTiles.Stride(n);
        var expected = new double[stride * stride];
        var actual = new double[stride * stride];

        Assert.True(FourRowsAtATime(matrix, n, expected));
        Assert.True(CholeskyTiles.Factor(matrix, n, null, actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Factor_IndefiniteMatrix_ReturnsFalse()
    {
        var matrix = RandomPositiveDefinite(40, new Random(7));
        matrix[(35 * 40) + 35] = -1;

        Assert.False(CholeskyTiles.Factor(matrix, 40, new double[40 * 40]));
    }

    /// <summary>B Bᵀ + I/10, row-major, B with entries in [−0.5, 0.5).</summary>
    private static double[] RandomPositiveDefinite(int n, Random rng)
    {
        var b = new double[n * n];
        for (var k = 0; k < b.Length; k++)
        {
            b[k] = rng.NextDouble() - 0.5;
        }

        var matrix = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = i == j ? 0.1 : 0;
                for (var k = 0; k < n; k++)
                {
                    sum += b[(i * n) + k] * b[(j * n) + k];
                }

                matrix[(i * n) + j] = sum;
                matrix[(j * n) + i] = sum;
            }
        }

        return matrix;
    }

    /// <summary>The reference order: row blocks of four in turn, each over every column block up to its own.</summary>
    private static bool FourRowsAtATime(double[] matrix, int n, double[] factor)
    {
        var stride = CholeskyTiles.Stride(n);
        Span<double> dots = stackalloc double[16];
        for (var i0 = 0; i0 < n; i0 += 4)
        {
            for (var j0 = 0; j0 <= i0; j0 += 4)
            {
                CholeskyTiles.TileDots(factor, stride, i0, j0, dots);
                for (var j = j0; j < Math.Min(j0 + 4, n); j++)
                {
                    for (var i = Math.Max(i0, j); i < Math.Min(i0 + 4, n); i++)
                    {
                        var residual = matrix[(i * n) + j] - dots[((i - i0) * 4) + (j - j0)] - CholeskyTiles.InBlock(factor, stride, i, j, j0);
                        if (i == j)
                        {
                            if (!(residual > 0))
                            {
                                return false;
                            }

                            factor[(i * stride) + i] = Math.Sqrt(residual);
                        }
                        else
                        {
                            factor[(i * stride) + j] = residual / factor[(j * stride) + j];
                        }
                    }
                }
            }
        }

        return true;
    }
}
