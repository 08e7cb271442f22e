namespace Ballast.Statistics;

/// <summary>
/// Moments of one return series, as the statistics in this folder use them: the mean, the sample variance (ddof 1),
/// and the population skewness and kurtosis (moments divided by n, kurtosis not in excess: 3 for a normal law), the
/// convention of Bailey and López de Prado (2012).
/// </summary>
/// <param name="Count">n, the number of returns.</param>
/// <param name="Mean">Σ r / n.</param>
/// <param name="Variance">Σ (r − mean)² / (n − 1); NaN when n &lt; 2.</param>
/// <param name="Skewness">m₃ / m₂^(3/2) with mₖ = Σ (r − mean)ᵏ / n; NaN when m₂ = 0.</param>
/// <param name="Kurtosis">m₄ / m₂² (3 for a normal law); NaN when m₂ = 0.</param>
public readonly record struct SampleMoments(int Count, double Mean, double Variance, double Skewness, double Kurtosis)
{
    /// <summary>The sample standard deviation, √<see cref="Variance"/>.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>
    /// The adjusted Fisher-Pearson skewness G₁ = √(n (n − 1)) / (n − 2) · g₁ (Joanes and Gill 1998, type 2: pandas'
    /// <c>skew</c>, Excel's SKEW), from the population skewness g₁ = <see cref="Skewness"/>; NaN for n &lt; 3.
    /// </summary>
    public double AdjustedSkewness => Count >= 3 ? Math.Sqrt((double)Count * (Count - 1)) / (Count - 2) * Skewness : double.NaN;

    /// <summary>
    /// The sample excess kurtosis G₂ = (n − 1) / ((n − 2)(n − 3)) · ((n + 1)(g₂ − 3) + 6) (type 2: pandas' <c>kurt</c>,
    /// Excel's KURT; 0 for a normal law), from the population kurtosis g₂ = <see cref="Kurtosis"/>; NaN for n &lt; 4.
    /// </summary>
    public double AdjustedExcessKurtosis => Count >= 4 ? (double)(Count - 1) / ((double)(Count - 2) * (Count - 3)) * (((Count + 1) * (Kurtosis - 3)) + 6) : double.NaN;

    /// <summary>Two passes over <paramref name="returns"/> (the mean first, then the centred sums).</summary>
    public static SampleMoments Of(ReadOnlySpan<double> returns)
    {
        var n = returns.Length;
        if (n == 0)
        {
            return new SampleMoments(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sum = 0.0;
        foreach (var r in returns)
        {
            sum += r;
        }

        var mean = sum / n;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (var r in returns)
        {
            var d = r - mean;
            var d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }

        var variance = n > 1 ? m2 / (n - 1) : double.NaN;
        m2 /= n;
        m3 /= n;
        m4 /= n;
        var skew = m2 > 0 ? m3 / Math.Pow(m2, 1.5) : double.NaN;
        var kurt = m2 > 0 ? m4 / (m2 * m2) : double.NaN;
        return new SampleMoments(n, mean, variance, skew, kurt);
    }
}

/// <summary>Return series from equity curves, and the small summaries the tests share.</summary>
public static class ReturnSeries
{
    /// <summary>rₜ = Nₜ / Nₜ₋₁ − 1 for t = 1 .. T − 1 (T − 1 returns from T values).</summary>
    public static double[] FromEquity(ReadOnlySpan<double> equity)
    {
        if (equity.Length < 2)
        {
            return [];
        }

        var returns = new double[equity.Length - 1];
        for (var t = 1; t < equity.Length; t++)
        {
            returns[t - 1] = (equity[t] / equity[t - 1]) - 1;
        }

        return returns;
    }

    /// <summary>The per-period risk-free rate (1 + annual)^(1/P) − 1, as docs/metrics.md defines it.</summary>
    public static double RiskFreePerPeriod(double annual, int periodsPerYear) =>
        periodsPerYear > 0 ? Math.Pow(1 + annual, 1.0 / periodsPerYear) - 1 : throw new ArgumentOutOfRangeException(nameof(periodsPerYear), periodsPerYear, "periods per year must be positive");

    /// <summary>The per-period Sharpe ratio (mean − rf) / s with the sample deviation (ddof 1); NaN when s is 0 or undefined.</summary>
    public static double Sharpe(ReadOnlySpan<double> returns, double riskFreePerPeriod)
    {
        var m = SampleMoments.Of(returns);
        var sd = m.StandardDeviation;
        return sd > 0 ? (m.Mean - riskFreePerPeriod) / sd : double.NaN;
    }

    /// <summary>The deepest fall of the compounded path ∏(1 + r) below its running peak (starting at 1), a fraction ≤ 0.</summary>
    public static double MaxDrawdown(ReadOnlySpan<double> returns)
    {
        double value = 1, peak = 1, deepest = 0;
        foreach (var r in returns)
        {
            value *= 1 + r;
            if (value > peak)
            {
                peak = value;
            }
            else if ((value / peak) - 1 < deepest)
            {
                deepest = (value / peak) - 1;
            }
        }

        return deepest;
    }
}
