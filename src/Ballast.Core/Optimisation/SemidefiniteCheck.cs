namespace Ballast.Optimisation;

/// <summary>
/// Whether a symmetric matrix is positive semidefinite, by a Cholesky factorisation Σ = LLᵀ that tolerates zero
/// pivots (O(n³/3), several times cheaper than an eigendecomposition; the dot products sixteen at a time by
/// <see cref="CholeskyTiles"/>) and names the first asset where it fails.
/// </summary>
/// <remarks>
/// <para>
/// The pivot of asset k, dₖ = σₖₖ − Σⱼ₍ⱼ﹤ₖ₎ Lₖⱼ², is the part of its variance not explained by the assets before it
/// (σₖₖ(1 − R²) of regressing it on them), so the ratio dₖ/σₖₖ is scale-free. A ratio below −τ means an impossible
/// set of correlations: the matrix is indefinite and the check fails at k. A ratio within ±τ is a zero pivot: asset k
/// is (numerically) a combination of the earlier ones, which a PSD but singular matrix allows (e.g. a sample
/// covariance of fewer returns than assets); its column of L is set to zero, and PSD then requires that its residual
/// covariance with every later asset i also be zero, |σᵢₖ − Σⱼ LᵢⱼLₖⱼ| ≤ √(τ σᵢᵢ σₖₖ) (a residual correlation of at
/// most √τ), or the check fails at i naming k. Near-singular matrices (ratios above τ) factor normally.
/// </para>
/// <para>
/// The default τ = 1e-10 lies well above the rounding of the factorisation (about n·2⁻⁵² relative, 2e-13 at 1,000
/// assets) and well below the ratio of any genuine asset (1e-10 means 99.999999995 % of its variance explained).
/// </para>
/// </remarks>
public static class SemidefiniteCheck
{
    /// <summary>The default relative pivot tolerance τ (see the remarks of <see cref="SemidefiniteCheck"/>).</summary>
    public const double DefaultTolerance = 1e-10;

    /// <summary>
    /// Checks a symmetric n×n matrix given row-major in <paramref name="matrix"/> (only the lower triangle is read).
    /// Every diagonal element must be positive.
    /// </summary>
    public static SemidefiniteResult Check(ReadOnlySpan<double> matrix, int n, double tolerance = DefaultTolerance) => Check(matrix, null, n, tolerance);

    /// <summary>
    /// <see cref="Check(ReadOnlySpan{double}, int, double)"/> of a matrix given as an array: from
    /// <see cref="CholeskyTiles.ParallelFrom"/> assets each panel's columns before it are checked on two threads
    /// (the same factor and the same verdict, see <see cref="CholeskyTiles.SplitRows"/>).
    /// </summary>
    public static SemidefiniteResult Check(double[] matrix, int n, double tolerance = DefaultTolerance) => Check(matrix, matrix, n, tolerance);

    private static SemidefiniteResult Check(ReadOnlySpan<double> matrix, double[]? array, int n, double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNotEqual(matrix.Length, n * n, nameof(matrix));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tolerance);
        for (var i = 0; i < n; i++)
        {
            if (!(matrix[(i * n) + i] > 0))
            {
                throw new ArgumentException($"the diagonal element {i} is {matrix[(i * n) + i]}; every variance must be > 0", nameof(matrix));
            }
        }

        // Row by row (Cholesky–Banachiewicz), in panels of CholeskyTiles.PanelRows rows: the columns before a panel
        // first, for all its rows, then its own columns four rows at a time; the bulk of each element's dot product
        // comes from CholeskyTiles, sixteen at a time (the same order of elements as CholeskyTiles.Factor). Rows of a
        // panel advance column by column together, so a failure is only final once the panel is done: the earliest
        // failing row wins (at its first failing column, as row by row), and rows after it stop.
        var stride = CholeskyTiles.Stride(n);
        var factor = new double[stride * stride];
        Span<double> dots = stackalloc double[16];
        var rank = 0;
        for (var p0 = 0; p0 < n; p0 += CholeskyTiles.PanelRows)
        {
            var end = Math.Min(p0 + CholeskyTiles.PanelRows, n);

            // The columns before the panel, where only a zero pivot's covariance can fail: the first failing row of
            // the panel there (with its first failing column), found on two threads for a large array.
            var failure = array is not null && p0 > 0 ? BeforePanelSplit(array, n, factor, p0, end, tolerance) : BeforePanel(matrix, n, factor, p0, p0, end, tolerance);
            if (failure is { FailingIndex: { } first })
            {
                end = first;
            }

            for (var i0 = p0; i0 < end; i0 += 4)
            {
                for (var j0 = p0; j0 <= i0; j0 += 4)
                {
                    CholeskyTiles.TileDots(factor, stride, i0, j0, dots);
                    for (var j = j0; j < Math.Min(j0 + 4, n); j++)
                    {
                        for (var i = Math.Max(i0, j); i < Math.Min(i0 + 4, end); i++)
                        {
                            var residual = matrix[(i * n) + j] - dots[((i - i0) * 4) + (j - j0)] - CholeskyTiles.InBlock(factor, stride, i, j, j0);
                            if (i == j)
                            {
                                var ratio = residual / matrix[(i * n) + i];
                                if (ratio < -tolerance)
                                {
                                    failure = new SemidefiniteResult(false, 0, i, null, ratio);
                                    end = i;
                                    break;
                                }

                                if (ratio > tolerance)
                                {
                                    factor[(i * stride) + i] = Math.Sqrt(residual);
                                    rank++;
                                }
                            }
                            else if (Off(factor, stride, matrix, n, i, j, residual, tolerance) is { } failed)
                            {
                                failure = failed;
                                end = i;
                                break;
                            }
                        }
                    }
                }
            }

            if (failure is { } found)
            {
                // The rows of the panel before the failing one have all been factored now: the rank counts them.
                return found with { Rank = rank };
            }
        }

        return new SemidefiniteResult(true, rank, null, null, double.NaN);
    }

    /// <summary><see cref="BeforePanel"/> on the two halves of the panel's rows (<see cref="CholeskyTiles.SplitRows"/>): the first half's failure, else the second's.</summary>
    private static SemidefiniteResult? BeforePanelSplit(double[] matrix, int n, double[] factor, int p0, int end, double tolerance)
    {
        var failures = new SemidefiniteResult?[2];
        CholeskyTiles.SplitRows(n, p0, end, (part, from, to) => failures[part] = BeforePanel(matrix, n, factor, p0, from, to, tolerance));
        return failures[0] ?? failures[1];
    }

    /// <summary>
    /// Rows [<paramref name="from"/>, <paramref name="to"/>) of the panel starting at <paramref name="p0"/> in the
    /// columns before it: the first of them that fails (at its first failing column; the rows after it stop), or null.
    /// </summary>
    private static SemidefiniteResult? BeforePanel(ReadOnlySpan<double> matrix, int n, double[] factor, int p0, int from, int to, double tolerance)
    {
        var stride = CholeskyTiles.Stride(n);
        Span<double> dots = stackalloc double[16];
        SemidefiniteResult? failure = null;
        for (var j0 = 0; j0 < p0; j0 += 4)
        {
            for (var i0 = from; i0 < to; i0 += 4)
            {
                CholeskyTiles.TileDots(factor, stride, i0, j0, dots);
                for (var j = j0; j < j0 + 4; j++)
                {
                    for (var i = i0; i < Math.Min(i0 + 4, to); i++)
                    {
                        var residual = matrix[(i * n) + j] - dots[((i - i0) * 4) + (j - j0)] - CholeskyTiles.InBlock(factor, stride, i, j, j0);
                        if (Off(factor, stride, matrix, n, i, j, residual, tolerance) is { } failed)
                        {
                            failure = failed;
                            to = i;
                            break;
                        }
                    }
                }
            }
        }

        return failure;
    }

    /// <summary>
    /// Element (i, j), j &lt; i, of the factor from its <paramref name="residual"/>: divided by pivot j when that is
    /// positive; after a zero pivot, the failure when row i still covaries with asset j beyond the tolerance, else null.
    /// </summary>
    private static SemidefiniteResult? Off(double[] factor, int stride, ReadOnlySpan<double> matrix, int n, int i, int j, double residual, double tolerance)
    {
        var pivot = factor[(j * stride) + j];
        if (pivot > 0)
        {
            factor[(i * stride) + j] = residual / pivot;
            return null;
        }

        var varianceI = matrix[(i * n) + i];
        if (Math.Abs(residual) > Math.Sqrt(tolerance * varianceI * matrix[(j * n) + j]))
        {
            // Asset j is a combination of earlier assets, yet still covaries with i beyond them: indefinite.
            return new SemidefiniteResult(false, 0, i, j, residual / Math.Sqrt(varianceI * matrix[(j * n) + j]));
        }

        return null;
    }
}

/// <summary>
/// The outcome of <see cref="SemidefiniteCheck.Check(ReadOnlySpan{double}, int, double)"/>. When the matrix is not positive semidefinite,
/// <see cref="FailingIndex"/> is the row where the factorisation failed and either <see cref="DependsOn"/> is null and
/// <see cref="Value"/> the negative pivot ratio dₖ/σₖₖ, or <see cref="DependsOn"/> is an earlier index with a zero
/// pivot and <see cref="Value"/> their residual correlation.
/// </summary>
/// <param name="IsPositiveSemidefinite">True when no pivot failed.</param>
/// <param name="Rank">The number of positive pivots up to the failure (the numerical rank when the matrix is PSD).</param>
/// <param name="FailingIndex">The row where the check failed, or null.</param>
/// <param name="DependsOn">The earlier zero-pivot row that row <see cref="FailingIndex"/> still covaries with, or null.</param>
/// <param name="Value">The negative pivot ratio, or the residual correlation with <see cref="DependsOn"/>; NaN when PSD.</param>
public readonly record struct SemidefiniteResult(bool IsPositiveSemidefinite, int Rank, int? FailingIndex, int? DependsOn, double Value);
