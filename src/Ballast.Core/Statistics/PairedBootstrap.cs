namespace Ballast.Statistics;

/// <summary>A two-sided interval [Lower, Upper].</summary>
/// <param name="Lower">The lower end.</param>
/// <param name="Upper">The upper end.</param>
public readonly record struct Interval(double Lower, double Upper);

/// <summary>One difference A − B with its bootstrap percentile interval (and, for the Sharpe ratio, a p-value).</summary>
/// <param name="Estimate">The difference on the original rows.</param>
/// <param name="Interval">The percentile interval of the replicates' differences at the options' confidence.</param>
/// <param name="PValue">(1 + #{b : |Δ*_b − Δ̂| ≥ |Δ̂|}) / (B + 1) for the Sharpe difference; NaN for the others.</param>
public readonly record struct BootstrapDifference(double Estimate, Interval Interval, double PValue);

/// <summary>The bootstrap comparison of two aligned return series.</summary>
/// <param name="BlockLength">The (mean) block length used.</param>
/// <param name="Replicates">B.</param>
/// <param name="Sharpe">Annualised Sharpe ratio difference (per-period Sharpe × √P), with its p-value.</param>
/// <param name="Cagr">Difference of (∏(1 + r))^(P / n) − 1, the compound growth over n / P years.</param>
/// <param name="Volatility">Difference of the sample standard deviations × √P.</param>
/// <param name="MaxDrawdown">Difference of the maximum drawdowns of the compounded paths (both ≤ 0: positive means A fell less).</param>
public sealed record PairedBootstrapResult(double BlockLength, int Replicates, BootstrapDifference Sharpe, BootstrapDifference Cagr, BootstrapDifference Volatility, BootstrapDifference MaxDrawdown);

/// <summary>
/// Resamples the rows of two aligned return series together (the same block indices for both, so their dependence is
/// kept) and gives the differences' percentile intervals and a p-value for the Sharpe difference. See docs/statistics.md.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>
    /// Compares A with B. The block length, unless the options fix it, is the larger of the Politis-White rule on the
    /// two series. Returns null when a series has fewer than 3 returns.
    /// </summary>
    public static PairedBootstrapResult? Compare(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int periodsPerYear, double riskFreePerPeriod, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        JobsonKorkieMemmel.Aligned(a, b);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodsPerYear, 1);
        var n = a.Length;
        if (n < 3)
        {
            return null;
        }

        var blockLength = options.BlockLength ?? Math.Max(BlockLength.Optimal(a, options.Kind), BlockLength.Optimal(b, options.Kind));
        var estimate = Statistics(a, b, periodsPerYear, riskFreePerPeriod);
        var replicates = options.Replicates;
        var sharpe = new double[replicates];
        var cagr = new double[replicates];
        var vol = new double[replicates];
        var drawdown = new double[replicates];
        var bootstrap = new BlockBootstrap(options.Kind, n, blockLength, options.Seed);
        var indices = new int[n];
        var blocks = new List<ResampleBlock>();
        var ra = new double[n];
        var rb = new double[n];
        for (var r = 0; r < replicates; r++)
        {
            bootstrap.NextIndices(indices, blocks);
            for (var t = 0; t < n; t++)
            {
                ra[t] = a[indices[t]];
                rb[t] = b[indices[t]];
            }

            var s = Statistics(ra, rb, periodsPerYear, riskFreePerPeriod);
            sharpe[r] = s.Sharpe;
            cagr[r] = s.Cagr;
            vol[r] = s.Volatility;
            drawdown[r] = s.MaxDrawdown;
        }

        var alpha = 1 - options.Confidence;
        return new PairedBootstrapResult(
            blockLength,
            replicates,
            new BootstrapDifference(estimate.Sharpe, Percentiles(sharpe, alpha), CentredPValue(sharpe, estimate.Sharpe)),
            new BootstrapDifference(estimate.Cagr, Percentiles(cagr, alpha), double.NaN),
            new BootstrapDifference(estimate.Volatility, Percentiles(vol, alpha), double.NaN),
            new BootstrapDifference(estimate.MaxDrawdown, Percentiles(drawdown, alpha), double.NaN));
    }

    /// <summary>(1 + #{|x − estimate| ≥ |estimate|}) / (B + 1) over the finite replicates; NaN when the estimate is not a number.</summary>
    public static double CentredPValue(ReadOnlySpan<double> replicates, double estimate)
    {
        if (!double.IsFinite(estimate))
        {
            return double.NaN;
        }

        var size = Math.Abs(estimate);
        int count = 0, finite = 0;
        foreach (var x in replicates)
        {
            if (double.IsFinite(x))
            {
                finite++;
                if (Math.Abs(x - estimate) >= size)
                {
                    count++;
                }
            }
        }

        return (1.0 + count) / (finite + 1.0);
    }

    /// <summary>
    /// The α/2 and 1 − α/2 quantiles of the finite values (linear interpolation between order statistics, "type 7");
    /// NaN ends when none is finite.
    /// </summary>
    public static Interval Percentiles(ReadOnlySpan<double> values, double alpha)
    {
        var finite = new List<double>(values.Length);
        foreach (var x in values)
        {
            if (double.IsFinite(x))
            {
                finite.Add(x);
            }
        }

        if (finite.Count == 0)
        {
            return new Interval(double.NaN, double.NaN);
        }

        finite.Sort();
        return new Interval(Quantile(finite, alpha / 2), Quantile(finite, 1 - (alpha / 2)));
    }

    internal static double Quantile(List<double> sorted, double p)
    {
        var h = (sorted.Count - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        var frac = h - lo;
        return frac == 0 ? sorted[lo] : sorted[lo] + (frac * (sorted[hi] - sorted[lo]));
    }

    private readonly record struct PairStatistics(double Sharpe, double Cagr, double Volatility, double MaxDrawdown);

    private static PairStatistics Statistics(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int periodsPerYear, double riskFreePerPeriod)
    {
        var sqrtP = Math.Sqrt(periodsPerYear);
        var sa = SampleMoments.Of(a);
        var sb = SampleMoments.Of(b);
        var sharpeA = sa.StandardDeviation > 0 ? (sa.Mean - riskFreePerPeriod) / sa.StandardDeviation : double.NaN;
        var sharpeB = sb.StandardDeviation > 0 ? (sb.Mean - riskFreePerPeriod) / sb.StandardDeviation : double.NaN;
        return new PairStatistics(
            (sharpeA - sharpeB) * sqrtP,
            Growth(a, periodsPerYear) - Growth(b, periodsPerYear),
            (sa.StandardDeviation - sb.StandardDeviation) * sqrtP,
            ReturnSeries.MaxDrawdown(a) - ReturnSeries.MaxDrawdown(b));
    }

    /// <summary>(∏(1 + r))^(P / n) − 1: the compound annual growth of the path over n / P years.</summary>
    public static double Growth(ReadOnlySpan<double> returns, int periodsPerYear)
    {
        var logSum = 0.0;
        foreach (var r in returns)
        {
            logSum += Math.Log(1 + r);
        }

        return returns.Length == 0 ? double.NaN : Math.Exp(logSum * periodsPerYear / returns.Length) - 1;
    }
}
