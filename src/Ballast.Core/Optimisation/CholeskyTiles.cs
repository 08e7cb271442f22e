using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ballast.Optimisation;

/// <summary>
/// The dense kernel behind the Cholesky factorisations of <see cref="SemidefiniteCheck"/> and of the risk-budgeting
/// Newton steps: a lower factor L stored row-major with a row stride padded to a multiple of four (the padding and
/// the upper triangle stay zero), filled four rows at a time. Each element Lᵢⱼ needs the dot product of rows i and j
/// over the columns before j; for a 4 × 4 tile of (i, j) the part over the whole column blocks before the tile is
/// computed at once, sixteen dot products sharing their loads (eight fused multiply-adds per six vector loads,
/// against one per two for a dot product at a time), and the caller finishes each element with the at most three
/// columns inside the tile's own block. Rows are taken in panels of <see cref="PanelRows"/>: the columns before a
/// panel first, tile column by tile column for all its rows, then the panel's own columns four rows at a time.
/// </summary>
/// <remarks>
/// The sums use <see cref="Vector256.FusedMultiplyAdd(Vector256{double}, Vector256{double}, Vector256{double})"/>,
/// which rounds once whatever the hardware (emulated where there is no FMA), and a fixed order (lane k collects the
/// columns ≡ k mod 4, then the lanes are added in order): the factor is the same, bit for bit, on every machine.
/// </remarks>
internal static class CholeskyTiles
{
    /// <summary>
    /// Rows factored together (a multiple of four): the columns before a panel are done tile column by tile column,
    /// each tile column's four finished rows loaded once for the panel's eight row blocks while they are in cache,
    /// instead of from the last level once per row block; the panel itself (256 KB at 1,000 assets) stays in the second.
    /// Only the order of the elements changes, not how any one is computed: the factor is the same, bit for bit.
    /// </summary>
    public const int PanelRows = 32;

    /// <summary>The padded row stride for <paramref name="n"/> columns.</summary>
    public static int Stride(int n) => (n + 3) & ~3;

    /// <summary>
    /// Fills <paramref name="dots"/> (16 values, row-major 4 × 4) with the dot products of rows i0..i0+3 and rows
    /// j0..j0+3 of <paramref name="factor"/> over columns 0..j0−1 (j0 and i0 multiples of 4, j0 ≤ i0; rows beyond the
    /// matrix are padding and give zeros).
    /// </summary>
    public static void TileDots(double[] factor, int stride, int i0, int j0, Span<double> dots)
    {
        unchecked
        {
            ref var origin = ref MemoryMarshal.GetArrayDataReference(factor);
            var a0 = (nuint)(i0 * stride);
            var s = (nuint)stride;
            for (var half = 0; half < 2; half++)
            {
                var p = (nuint)((j0 + (2 * half)) * stride);
                var q = p + s;
                var c00 = Vector256<double>.Zero;
                var c01 = c00;
                var c10 = c00;
                var c11 = c00;
                var c20 = c00;
                var c21 = c00;
                var c30 = c00;
                var c31 = c00;
                for (nuint k = 0; k < (nuint)j0; k += 4)
                {
                    var x0 = Vector256.LoadUnsafe(ref origin, p + k);
                    var x1 = Vector256.LoadUnsafe(ref origin, q + k);
                    var y = Vector256.LoadUnsafe(ref origin, a0 + k);
                    c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
                    c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
                    y = Vector256.LoadUnsafe(ref origin, a0 + s + k);
                    c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
                    c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
                    y = Vector256.LoadUnsafe(ref origin, a0 + (2 * s) + k);
                    c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
                    c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
                    y = Vector256.LoadUnsafe(ref origin, a0 + (3 * s) + k);
                    c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
                    c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
                }

                var o = 2 * half;
                dots[o] = Vector256.Sum(c00);
                dots[o + 1] = Vector256.Sum(c01);
                dots[4 + o] = Vector256.Sum(c10);
                dots[5 + o] = Vector256.Sum(c11);
                dots[8 + o] = Vector256.Sum(c20);
                dots[9 + o] = Vector256.Sum(c21);
                dots[12 + o] = Vector256.Sum(c30);
                dots[13 + o] = Vector256.Sum(c31);
            }
        }
    }

    /// <summary>
    /// Σ over k in [j0, j) of Lᵢₖ Lⱼₖ: the columns of element (i, j) inside its own column block, which
    /// <see cref="TileDots"/> leaves out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double InBlock(double[] factor, int stride, int i, int j, int j0)
    {
        unchecked
        {
            var sum = 0.0;
            for (var k = j0; k < j; k++)
            {
                sum += factor[(i * stride) + k] * factor[(j * stride) + k];
            }

            return sum;
        }
    }

    /// <summary>
    /// The Cholesky factor of the symmetric positive definite n × n matrix <paramref name="matrix"/> (row-major,
    /// lower triangle read) into <paramref name="factor"/> (stride <see cref="Stride"/>, zeroed by the caller or
    /// reused from an earlier call of the same n: every element of the lower triangle is written). False when a pivot
    /// is not positive (the matrix is not numerically positive definite).
    /// </summary>
    public static bool Factor(ReadOnlySpan<double> matrix, int n, double[] factor) => Factor(matrix, null, n, default, factor);

    /// <summary>
    /// <see cref="Factor(ReadOnlySpan{double}, int, double[])"/> of <paramref name="matrix"/> + diag(<paramref name="shift"/>)
    /// (no shift when it is null) without forming the sum: the same factor, bit for bit, as of the matrix with
    /// <c>matrix[i, i] + shift[i]</c> written on its diagonal, without an n × n copy to write it in. From
    /// <see cref="ParallelFrom"/> assets each panel's columns before it are computed on two threads (<see cref="SplitRows"/>).
    /// </summary>
    public static bool Factor(double[] matrix, int n, double[]? shift, double[] factor) => Factor(matrix, matrix, n, shift, factor);

    /// <summary>The factorisation; <paramref name="array"/> is the matrix as an array when it may be shared with a second thread.</summary>
    private static bool Factor(ReadOnlySpan<double> matrix, double[]? array, int n, ReadOnlySpan<double> shift, double[] factor)
    {
        unchecked
        {
            var stride = Stride(n);
            Span<double> dots = stackalloc double[16];
            for (var p0 = 0; p0 < n; p0 += PanelRows)
            {
                var panelEnd = Math.Min(p0 + PanelRows, n);

                // The columns before the panel: every row they need above the panel is final.
                if (array is not null && p0 > 0)
                {
                    BeforePanelSplit(array, n, factor, p0, panelEnd);
                }
                else
                {
                    BeforePanel(matrix, n, factor, p0, p0, panelEnd);
                }

                // The panel's own columns, four rows at a time.
                for (var i0 = p0; i0 < panelEnd; i0 += 4)
                {
                    for (var j0 = p0; j0 <= i0; j0 += 4)
                    {
                        TileDots(factor, stride, i0, j0, dots);
                        for (var j = j0; j < Math.Min(j0 + 4, n); j++)
                        {
                            for (var i = Math.Max(i0, j); i < Math.Min(i0 + 4, n); i++)
                            {
                                var element = i == j && !shift.IsEmpty ? matrix[(i * n) + j] + shift[i] : matrix[(i * n) + j];
                                var residual = element - dots[((i - i0) * 4) + (j - j0)] - InBlock(factor, stride, i, j, j0);
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
            }

            return true;
        }
    }

    /// <summary><see cref="BeforePanel"/> for the rows [<paramref name="p0"/>, <paramref name="end"/>) of a panel, split by <see cref="SplitRows"/>.</summary>
    private static void BeforePanelSplit(double[] matrix, int n, double[] factor, int p0, int end) =>
        SplitRows(n, p0, end, (_, from, to) => BeforePanel(matrix, n, factor, p0, from, to));

    /// <summary>
    /// Rows [<paramref name="from"/>, <paramref name="to"/>) of the panel starting at <paramref name="p0"/> (from a
    /// multiple of four), in the columns before the panel, whose pivots are positive.
    /// </summary>
    private static void BeforePanel(ReadOnlySpan<double> matrix, int n, double[] factor, int p0, int from, int to)
    {
        unchecked
        {
            var stride = Stride(n);
            Span<double> dots = stackalloc double[16];
            for (var j0 = 0; j0 < p0; j0 += 4)
            {
                for (var i0 = from; i0 < to; i0 += 4)
                {
                    TileDots(factor, stride, i0, j0, dots);
                    for (var j = j0; j < j0 + 4; j++)
                    {
                        for (var i = i0; i < Math.Min(i0 + 4, to); i++)
                        {
                            var residual = matrix[(i * n) + j] - dots[((i - i0) * 4) + (j - j0)] - InBlock(factor, stride, i, j, j0);
                            factor[(i * stride) + j] = residual / factor[(j * stride) + j];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// From this many assets a factorisation computes each panel's columns before it on two threads (a large
    /// matrix's factorisation takes tens of milliseconds; a small one's would not repay handing work to the pool).
    /// </summary>
    public const int ParallelFrom = 256;

    /// <summary>
    /// Runs <paramref name="rows"/>(part, from, to) on the rows [<paramref name="p0"/>, <paramref name="end"/>) of a
    /// panel: from <see cref="ParallelFrom"/> assets and with two processors, the second half (from a multiple of
    /// four) as part 1 on another thread while this one runs the first as part 0; otherwise all of them as part 0.
    /// The rows of the two halves are written by one thread each and read only rows above the panel, so the factor
    /// is the same, bit for bit, either way.
    /// </summary>
    public static void SplitRows(int n, int p0, int end, Action<int, int, int> rows)
    {
        var mid = p0 + ((((end - p0) / 2) + 3) & ~3);
        if (n < ParallelFrom || Environment.ProcessorCount < 2 || mid >= end)
        {
            rows(0, p0, end);
            return;
        }

        var second = Task.Run(() => rows(1, mid, end));
        rows(0, p0, mid);
        second.Wait();
    }

    /// <summary>Solves L Lᵀ <paramref name="solution"/> = <paramref name="rhs"/> with a factor from <see cref="Factor(ReadOnlySpan{double}, int, double[])"/>.</summary>
    public static void Solve(double[] factor, int n, ReadOnlySpan<double> rhs, Span<double> solution)
    {
        unchecked
        {
            var stride = Stride(n);
            for (var i = 0; i < n; i++)
            {
                solution[i] = (rhs[i] - VectorKernels.Dot(factor.AsSpan(i * stride, i), solution[..i])) / factor[(i * stride) + i];
            }

            // Lᵀ by rows of L: once solutionᵢ is final, take its share out of every earlier unknown.
            for (var i = n - 1; i >= 0; i--)
            {
                var value = solution[i] / factor[(i * stride) + i];
                solution[i] = value;
                VectorKernels.AddScaled(factor.AsSpan(i * stride, i), -value, solution[..i]);
            }
        }
    }
}
