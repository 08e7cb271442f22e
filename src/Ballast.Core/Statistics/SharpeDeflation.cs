using MathNet.Numerics.Distributions;

namespace Ballast.Statistics;

/// <summary>
/// The probabilistic Sharpe ratio (Bailey and López de Prado 2012) and the deflated Sharpe ratio (Bailey and López de
/// Prado 2014). All Sharpe ratios here are per period (not annualised), skewness and kurtosis as in
/// <see cref="SampleMoments"/> (kurtosis 3 for a normal law). See docs/statistics.md.
/// </summary>
public static class SharpeDeflation
{
    /// <summary>The Euler-Mascheroni constant γ.</summary>
    public const double EulerGamma = 0.5772156649015329;

    /// <summary>
    /// PSR(SR*) = Φ( (SR̂ − SR*) √(n − 1) / √(1 − γ₃ SR̂ + (γ₄ − 1)/4 SR̂²) ): the probability that the true Sharpe ratio
    /// exceeds <paramref name="benchmark"/>, given an estimate from <paramref name="count"/> returns. NaN when undefined.
    /// </summary>
    public static double Probabilistic(double sharpe, double benchmark, int count, double skewness, double kurtosis)
    {
        var denominator = 1 - (skewness * sharpe) + ((kurtosis - 1) / 4 * sharpe * sharpe);
        if (count < 2 || !(denominator > 0) || !double.IsFinite(sharpe))
        {
            return double.NaN;
        }

        return Normal.CDF(0, 1, (sharpe - benchmark) * Math.Sqrt(count - 1) / Math.Sqrt(denominator));
    }

    /// <summary>PSR of a return series against <paramref name="benchmark"/> (per period), its moments taken from the series.</summary>
    public static double Probabilistic(ReadOnlySpan<double> returns, double riskFreePerPeriod, double benchmark = 0)
    {
        var m = SampleMoments.Of(returns);
        var sd = m.StandardDeviation;
        return sd > 0 ? Probabilistic((m.Mean - riskFreePerPeriod) / sd, benchmark, m.Count, m.Skewness, m.Kurtosis) : double.NaN;
    }

    /// <summary>
    /// The expected maximum Sharpe ratio of <paramref name="trials"/> independent trials with true Sharpe 0 whose estimates
    /// have variance <paramref name="variance"/>: SR₀ = √V ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))); 0 for one trial.
    /// </summary>
    public static double ExpectedMaximum(int trials, double variance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (trials == 1 || !(variance > 0))
        {
            return 0;
        }

        var z = ((1 - EulerGamma) * Normal.InvCDF(0, 1, 1 - (1.0 / trials))) + (EulerGamma * Normal.InvCDF(0, 1, 1 - (1.0 / (trials * Math.E))));
        return Math.Sqrt(variance) * z;
    }

    /// <summary>DSR = PSR(SR₀) with SR₀ = <see cref="ExpectedMaximum"/>(trials, variance of the trials' Sharpe ratios).</summary>
    public static double Deflated(double sharpe, int count, double skewness, double kurtosis, int trials, double trialVariance) =>
        Probabilistic(sharpe, ExpectedMaximum(trials, trialVariance), count, skewness, kurtosis);
}
