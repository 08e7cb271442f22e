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
        var series = new[] { new Series(a, periodsPerYear, riskFreePerPeriod), new Series(b, periodsPerYear, riskFreePerPeriod) };
        var indices = new int[n];
        for (var t = 0; t < n; t++)
        {
            indices[t] = t;
        }

        var estimate = Difference(series, indices);
        var replicates = options.Replicates;
        var sharpe = new double[replicates];
        var cagr = new double[replicates];
        var vol = new double[replicates];
        var drawdown = new double[replicates];
        var bootstrap = new BlockBootstrap(options.Kind, n, blockLength, options.Seed);
        var blocks = new List<ResampleBlock>();
        for (var r = 0; r < replicates; r++)
        {
            bootstrap.NextIndices(indices, blocks);
            var s = Difference(series, indices);
            sharpe[r] = s.Sharpe;
            cagr[r] = s.Growth;
            vol[r] = s.Volatility;
            drawdown[r] = s.MaxDrawdown;
        }

        var alpha = 1 - options.Confidence;
        return new PairedBootstrapResult(
            blockLength,
            replicates,
            new BootstrapDifference(estimate.Sharpe, Percentiles(sharpe, alpha), CentredPValue(sharpe, estimate.Sharpe)),
            new BootstrapDifference(estimate.Growth, Percentiles(cagr, alpha), double.NaN),
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

    private readonly record struct SeriesStatistics(double Sharpe, double Growth, double Volatility, double MaxDrawdown);

    private static SeriesStatistics Difference(Series[] pair, int[] indices)
    {
        var a = pair[0].Measure(indices);
        var b = pair[1].Measure(indices);
        return new SeriesStatistics(a.Sharpe - b.Sharpe, a.Growth - b.Growth, a.Volatility - b.Volatility, a.MaxDrawdown - b.MaxDrawdown);
    }

    /// <summary>
    /// One series with its logs ln(1 + r) precomputed, measured on a resample in one pass: sums of r − c and their
    /// squares (c = the series' mean, for accuracy), and the compounded path in logs (growth and drawdown).
    /// </summary>
    private sealed class Series
    {
        private readonly double[] _returns;
        private readonly double[] _logs;
        private readonly double _shift;
        private readonly int _periodsPerYear;
        private readonly double _sqrtP;
        private readonly double _riskFree;

        public Series(ReadOnlySpan<double> returns, int periodsPerYear, double riskFree)
        {
            _returns = returns.ToArray();
            _logs = new double[_returns.Length];
            var sum = 0.0;
            for (var t = 0; t < _returns.Length; t++)
            {
                _logs[t] = Math.Log(1 + _returns[t]);
                sum += _returns[t];
            }

            _shift = sum / _returns.Length;
            _periodsPerYear = periodsPerYear;
            _sqrtP = Math.Sqrt(periodsPerYear);
            _riskFree = riskFree;
        }

        public SeriesStatistics Measure(int[] indices)
        {
            double sum = 0, squares = 0, path = 0, peak = 0, deepest = 0;
            foreach (var i in indices)
            {
                var x = _returns[i] - _shift;
                sum += x;
                squares += x * x;
                path += _logs[i];
                if (path > peak)
                {
                    peak = path;
                }
                else if (path - peak < deepest)
                {
                    deepest = path - peak;
                }
            }

            var n = indices.Length;
            var sd = Math.Sqrt(Math.Max(0, (squares - (sum * sum / n)) / (n - 1)));
            var mean = _shift + (sum / n);
            var sharpe = sd > 0 ? (mean - _riskFree) / sd * _sqrtP : double.NaN;
            return new SeriesStatistics(sharpe, Math.Exp(path * _periodsPerYear / n) - 1, sd * _sqrtP, Math.Exp(deepest) - 1);
        }
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
