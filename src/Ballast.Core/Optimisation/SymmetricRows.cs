using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>
/// The rows of a dense covariance matrix as one flat row-major array, for the solvers' loops, without copying it when
/// that is not needed: MathNet stores a dense matrix column-major, and an exactly symmetric matrix is its own
/// transpose, so its storage already is its row-major array (an 8 MB copy saved at 1,000 assets).
/// </summary>
internal static class SymmetricRows
{
    /// <summary>
    /// The n × n <paramref name="matrix"/> row-major: its own storage when it is dense and exactly symmetric (the caller
    /// must not write to it), otherwise a row-major copy. Either way the same numbers in the same places.
    /// </summary>
    public static double[] RowMajor(Matrix<double> matrix)
    {
        var n = matrix.RowCount;
        return matrix.ColumnCount == n && matrix.AsColumnMajorArray() is { } storage && storage.Length == n * n && IsExactlySymmetric(storage, n)
            ? storage
            : matrix.ToRowMajorArray();
    }

    /// <summary>Whether element (i, j) equals (j, i) exactly for every pair, compared in tiles of 32 × 32 to stay in cache.</summary>
    public static bool IsExactlySymmetric(ReadOnlySpan<double> values, int n)
    {
        const int Tile = 32;
        for (var i0 = 0; i0 < n; i0 += Tile)
        {
            for (var j0 = 0; j0 <= i0; j0 += Tile)
            {
                for (var i = i0; i < Math.Min(i0 + Tile, n); i++)
                {
                    for (var j = j0; j < Math.Min(j0 + Tile, i); j++)
                    {
                        // Not !=: a NaN is never equal to itself, and such a matrix is copied as given.
                        if (!(values[(i * n) + j] == values[(j * n) + i]))
                        {
                            return false;
                        }
                    }
                }
            }
        }

        return true;
    }
}
