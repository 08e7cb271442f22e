using Ballast.Statistics;

namespace Ballast.Io.Reports.Tearsheet;

/// <summary>The shape and the left tail of a run's per-row returns.</summary>
/// <param name="Count">n, the number of returns (rows − 1).</param>
/// <param name="Skewness">The adjusted Fisher-Pearson sample skewness G₁ (pandas' <c>skew</c>); NaN for n &lt; 3 or constant returns.</param>
/// <param name="ExcessKurtosis">The sample excess kurtosis G₂ (pandas' <c>kurt</c>, 0 for a normal distribution); NaN for n &lt; 4 or constant returns.</param>
/// <param name="ValueAtRisk95">Historical 95% VaR: the 5% quantile of the returns, a return (negative for a loss); NaN without returns.</param>
/// <param name="ConditionalValueAtRisk95">Historical 95% CVaR (expected shortfall): the mean of the returns at or below that quantile.</param>
/// <param name="Best">The largest return.</param>
/// <param name="Worst">The smallest return.</param>
public sealed record ReturnShape(int Count, double Skewness, double ExcessKurtosis, double ValueAtRisk95, double ConditionalValueAtRisk95, double Best, double Worst);

/// <summary>
/// The distribution figures of the report for per-row returns rₜ = Nₜ / Nₜ₋₁ − 1 (per period, not annualised;
/// <see cref="ReturnSeries.FromEquity"/>):
/// <list type="bullet">
/// <item>G₁ = n / ((n − 1)(n − 2)) · Σ ((rₜ − r̄) / s)³ with s the ddof-1 deviation (Joanes and Gill 1998, type 2;
/// what pandas, Excel's SKEW and QuantStats report).</item>
/// <item>G₂ = n (n + 1) / ((n − 1)(n − 2)(n − 3)) · Σ ((rₜ − r̄) / s)⁴ − 3 (n − 1)² / ((n − 2)(n − 3)) (type 2; pandas'
/// <c>kurt</c>, Excel's KURT).</item>
/// <item>VaR₉₅ = the 0.05 quantile with linear interpolation between order statistics, Hyndman and Fan's definition 7
/// (numpy's and R's default): h = (n − 1) · 0.05, VaR = r₍⌊h⌋₊₁₎ + (h − ⌊h⌋)(r₍⌊h⌋₊₂₎ − r₍⌊h⌋₊₁₎) on the sorted returns.
/// It is a historical estimate (no normal assumption) and shown as a return, so a 2% one-period loss is −2%.</item>
/// <item>CVaR₉₅ = the mean of the returns rₜ ≤ VaR₉₅ (the worst 5% or so), never above VaR.</item>
/// </list>
/// G₁ and G₂ come from the statistics library's one implementation of moments, <see cref="SampleMoments"/>.
/// </summary>
public static class ReturnDistribution
{
    /// <summary>The tail probability of VaR and CVaR (95% confidence), written as 0.05 since 1 − 0.95 is not exactly 0.05 in binary.</summary>
    public const double Tail = 0.05;

    /// <summary>The figures for <paramref name="returns"/>.</summary>
    public static ReturnShape Compute(IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var n = returns.Count;
        if (n == 0)
        {
            return new ReturnShape(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = returns.ToArray();
        Array.Sort(sorted);
        var constant = sorted[0] == sorted[^1];
        var moments = SampleMoments.Of(sorted);
        var skew = constant ? double.NaN : moments.AdjustedSkewness;
        var kurtosis = constant ? double.NaN : moments.AdjustedExcessKurtosis;
        // Definition 7 written out rather than Math.NET's QuantileCustom, whose rounding can put the quantile a hair
        // off an order statistic when h is whole, and so drop that return from the CVaR tail.
        var h = (n - 1) * Tail;
        var lo = (int)Math.Floor(h);
        var var95 = lo + 1 < n ? sorted[lo] + ((h - lo) * (sorted[lo + 1] - sorted[lo])) : sorted[lo];
        var tail = 0.0;
        var count = 0;
        foreach (var r in sorted)
        {
            if (r > var95)
            {
                break;
            }

            tail += r;
            count++;
        }

        return new ReturnShape(n, skew, kurtosis, var95, tail / count, sorted[^1], sorted[0]);
    }
}
