namespace Ballast.Statistics;

/// <summary>
/// The outcome of a test of H₀: SR_A = SR_B (two-sided), with per-period Sharpe ratios of excess returns.
/// </summary>
/// <param name="Difference">SR_A − SR_B per period (multiply by √P to annualise; the statistic and p-value do not change).</param>
/// <param name="StandardError">The estimated standard error of <paramref name="Difference"/>.</param>
/// <param name="Statistic">Difference / StandardError (0 when the difference is exactly 0).</param>
/// <param name="PValue">2 (1 − Φ(|Statistic|)); 1 when the difference is exactly 0.</param>
public readonly record struct SharpeDifferenceTest(double Difference, double StandardError, double Statistic, double PValue)
{
    /// <summary>The test could not be computed (a constant series, too few returns).</summary>
    public static SharpeDifferenceTest Undefined { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>True when every field is a number.</summary>
    public bool IsDefined => double.IsFinite(PValue);

    internal static SharpeDifferenceTest FromStandardError(double difference, double standardError)
    {
        if (!double.IsFinite(difference))
        {
            return Undefined;
        }

        if (difference == 0)
        {
            // A series against itself (or two with equal estimates): no evidence of a difference.
            return new SharpeDifferenceTest(0, Math.Max(0, standardError), 0, 1);
        }

        if (!(standardError > 0) || !double.IsFinite(standardError))
        {
            return Undefined;
        }

        var z = difference / standardError;
        return new SharpeDifferenceTest(difference, standardError, z, 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(z)));
    }
}

/// <summary>
/// Jobson and Korkie's (1981) test of equal Sharpe ratios with Memmel's (2003) corrected variance, for iid normal
/// returns: z = (SR̂_A − SR̂_B) / √θ̂, θ̂ = [2 − 2ρ̂ + ½ (SR̂_A² + SR̂_B² − 2 SR̂_A SR̂_B ρ̂²)] / T. See docs/statistics.md.
/// </summary>
public static class JobsonKorkieMemmel
{
    /// <summary>Tests two aligned return series (same length, same rows) after subtracting the per-period risk-free rate.</summary>
    public static SharpeDifferenceTest Test(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double riskFreePerPeriod = 0)
    {
        Aligned(a, b);
        var n = a.Length;
        if (n < 3)
        {
            return SharpeDifferenceTest.Undefined;
        }

        var ma = SampleMoments.Of(a);
        var mb = SampleMoments.Of(b);
        var sa = ma.StandardDeviation;
        var sb = mb.StandardDeviation;
        if (!(sa > 0) || !(sb > 0))
        {
            return SharpeDifferenceTest.Undefined;
        }

        var cov = 0.0;
        for (var t = 0; t < n; t++)
        {
            cov += (a[t] - ma.Mean) * (b[t] - mb.Mean);
        }

        cov /= n - 1;
        var rho = Math.Clamp(cov / (sa * sb), -1, 1);
        var srA = (ma.Mean - riskFreePerPeriod) / sa;
        var srB = (mb.Mean - riskFreePerPeriod) / sb;
        var theta = ((2 * (1 - rho)) + (0.5 * ((srA * srA) + (srB * srB) - (2 * srA * srB * rho * rho)))) / n;
        return SharpeDifferenceTest.FromStandardError(srA - srB, Math.Sqrt(Math.Max(0, theta)));
    }

    internal static void Aligned(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"the two return series must be aligned (same rows): {a.Length} and {b.Length} returns");
        }
    }
}

/// <summary>
/// Ledoit and Wolf's (2008) HAC test of equal Sharpe ratios: the delta method on v = (μ_A, μ_B, γ_A, γ_B) (means and
/// uncentred second moments of excess returns), Ψ estimated by a Bartlett-kernel HAC estimator (Newey and West 1987)
/// with the Newey-West (1994) lag rule L = ⌊4 (T / 100)^(2/9)⌋ and Ledoit-Wolf's small-sample factor T / (T − 4).
/// See docs/statistics.md.
/// </summary>
public static class LedoitWolfHac
{
    /// <summary>The Bartlett truncation lag for <paramref name="count"/> observations: ⌊4 (T / 100)^(2/9)⌋.</summary>
    public static int Lag(int count) => count <= 0 ? 0 : (int)Math.Floor(4 * Math.Pow(count / 100.0, 2.0 / 9.0));

    /// <summary>Tests two aligned return series after subtracting the per-period risk-free rate; <paramref name="lag"/> overrides the lag rule.</summary>
    public static SharpeDifferenceTest Test(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double riskFreePerPeriod = 0, int? lag = null)
    {
        JobsonKorkieMemmel.Aligned(a, b);
        var n = a.Length;
        if (n <= 4)
        {
            return SharpeDifferenceTest.Undefined;
        }

        double mua = 0, mub = 0, ga = 0, gb = 0;
        for (var t = 0; t < n; t++)
        {
            var x = a[t] - riskFreePerPeriod;
            var y = b[t] - riskFreePerPeriod;
            mua += x;
            mub += y;
            ga += x * x;
            gb += y * y;
        }

        mua /= n;
        mub /= n;
        ga /= n;
        gb /= n;
        var va = ga - (mua * mua);
        var vb = gb - (mub * mub);
        if (!(va > 0) || !(vb > 0))
        {
            return SharpeDifferenceTest.Undefined;
        }

        var difference = (mua / Math.Sqrt(va)) - (mub / Math.Sqrt(vb));
        Span<double> gradient =
        [
            ga / Math.Pow(va, 1.5),
            -gb / Math.Pow(vb, 1.5),
            -0.5 * mua / Math.Pow(va, 1.5),
            0.5 * mub / Math.Pow(vb, 1.5),
        ];

        // g(t) = ∇′ yₜ with yₜ = (xₜ − μ_A, yₜ − μ_B, xₜ² − γ_A, yₜ² − γ_B): ∇′ Ψ ∇ is the HAC long-run variance of the scalar g.
        var g = new double[n];
        for (var t = 0; t < n; t++)
        {
            var x = a[t] - riskFreePerPeriod;
            var y = b[t] - riskFreePerPeriod;
            g[t] = (gradient[0] * (x - mua)) + (gradient[1] * (y - mub)) + (gradient[2] * ((x * x) - ga)) + (gradient[3] * ((y * y) - gb));
        }

        var lags = Math.Min(lag ?? Lag(n), n - 1);
        var longRun = AutoCovariance(g, 0);
        for (var j = 1; j <= lags; j++)
        {
            longRun += 2 * (1 - (j / (lags + 1.0))) * AutoCovariance(g, j);
        }

        longRun *= n / (n - 4.0);
        return SharpeDifferenceTest.FromStandardError(difference, Math.Sqrt(Math.Max(0, longRun) / n));
    }

    private static double AutoCovariance(double[] g, int lag)
    {
        var sum = 0.0;
        for (var t = lag; t < g.Length; t++)
        {
            sum += g[t] * g[t - lag];
        }

        return sum / g.Length;
    }
}
