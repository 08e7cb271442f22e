using Ballast.Statistics;
using CsCheck;

namespace Ballast.Core.Tests.Statistics;

/// <summary>Jobson-Korkie-Memmel and Ledoit-Wolf HAC tests against second implementations, a size check, and symmetry.</summary>
public class SharpeDifferenceTests
{
    [Fact]
    public void JobsonKorkieMemmel_MatchesTheCorrectedFormulaInJobsonKorkiesParametrisation()
    {
        // Memmel (2003) eq. (4) in JK's (1981) notation: z = (μ_a σ_b − μ_b σ_a) / √θ,
        // θ = [2σa²σb² − 2σaσbσab + ½μa²σb² + ½μb²σa² − (μaμb / (σaσb)) σab²] / T.
        var (a, b) = Draws.NormalPair(7, 120, 0.01, 0.04, 0.006, 0.03, 0.4);
        var rf = 0.001;
        var xa = a.Select(x => x - rf).ToArray();
        var xb = b.Select(x => x - rf).ToArray();
        double ma = xa.Average(), mb = xb.Average();
        double sa = Math.Sqrt(Draws.Cov(xa, xa)), sb = Math.Sqrt(Draws.Cov(xb, xb)), sab = Draws.Cov(xa, xb);
        var t = a.Length;
        var theta = ((2 * sa * sa * sb * sb) - (2 * sa * sb * sab) + (0.5 * ma * ma * sb * sb) + (0.5 * mb * mb * sa * sa) - (ma * mb / (sa * sb) * sab * sab)) / t;
        var z = ((ma * sb) - (mb * sa)) / Math.Sqrt(theta);

        var test = JobsonKorkieMemmel.Test(a, b, rf);

        Assert.Equal((ma / sa) - (mb / sb), test.Difference, 12);
        Assert.Equal(z, test.Statistic, 9);
        Assert.Equal(2 * (1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, Math.Abs(z))), test.PValue, 9);
    }

    [Fact]
    public void LedoitWolf_MatchesTheMatrixFormOfTheirHacEstimator()
    {
        // Ledoit and Wolf (2008) section 3.1: s.e.(Δ̂) = √(∇f(v̂)′ Ψ̂ ∇f(v̂) / T), Ψ̂ = T/(T−4) Σⱼ k(j/(L+1)) Γ̂(j) over
        // j = −L .. L with Γ̂(−j) = Γ̂(j)′, here assembled as 4 × 4 matrices (the library reduces to a scalar series).
        var (a, b) = Draws.NormalPair(11, 300, 0.008, 0.05, 0.004, 0.02, 0.7);
        var n = a.Length;
        var lag = LedoitWolfHac.Lag(n);
        double mua = a.Average(), mub = b.Average(), ga = a.Average(x => x * x), gb = b.Average(x => x * x);
        var y = Enumerable.Range(0, n).Select(t => new[] { a[t] - mua, b[t] - mub, (a[t] * a[t]) - ga, (b[t] * b[t]) - gb }).ToArray();
        var psi = new double[4, 4];
        for (var j = -lag; j <= lag; j++)
        {
            var weight = 1 - (Math.Abs(j) / (lag + 1.0));
            for (var p = 0; p < 4; p++)
            {
                for (var q = 0; q < 4; q++)
                {
                    var sum = 0.0;
                    for (var t = Math.Max(0, j); t < n + Math.Min(0, j); t++)
                    {
                        sum += y[t][p] * y[t - j][q];
                    }

                    psi[p, q] += weight * sum / n;
                }
            }
        }

        var grad = new[] { ga / Math.Pow(ga - (mua * mua), 1.5), -gb / Math.Pow(gb - (mub * mub), 1.5), -0.5 * mua / Math.Pow(ga - (mua * mua), 1.5), 0.5 * mub / Math.Pow(gb - (mub * mub), 1.5) };
        var quad = 0.0;
        for (var p = 0; p < 4; p++)
        {
            for (var q = 0; q < 4; q++)
            {
                quad += grad[p] * psi[p, q] * grad[q] * n / (n - 4.0);
            }
        }

        var difference = (mua / Math.Sqrt(ga - (mua * mua))) - (mub / Math.Sqrt(gb - (mub * mub)));

        var test = LedoitWolfHac.Test(a, b);

        Assert.Equal(5, lag); // ⌊4 · 3^(2/9)⌋ = ⌊5.11⌋
        Assert.Equal(difference, test.Difference, 12);
        Assert.Equal(Math.Sqrt(quad / n), test.StandardError, 12);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BothTests_UnderTheNullWithIidNormalReturns_RejectAboutFivePercent(bool ledoitWolf)
    {
        // Equal Sharpe ratios (0.1 per period) with different means, deviations and correlation 0.6. With 2,000 seeded
        // draws the rejection rate's standard error is √(0.05 · 0.95 / 2000) ≈ 0.0049: ±3 s.e. plus 0.005 for the
        // tests' small-sample error at T = 240 gives [0.030, 0.070].
        const int draws = 2000;
        var rejections = 0;
        for (var seed = 0; seed < draws; seed++)
        {
            var (a, b) = Draws.NormalPair(1000 + seed, 240, 0.1, 1, 0.2, 2, 0.6);
            var p = ledoitWolf ? LedoitWolfHac.Test(a, b).PValue : JobsonKorkieMemmel.Test(a, b).PValue;
            if (p < 0.05)
            {
                rejections++;
            }
        }

        var rate = (double)rejections / draws;
        Assert.InRange(rate, 0.030, 0.070);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BothTests_WithAClearDifference_Reject(bool ledoitWolf)
    {
        var (a, b) = Draws.NormalPair(3, 500, 0.3, 1, 0.0, 1, 0.5);
        var p = ledoitWolf ? LedoitWolfHac.Test(a, b).PValue : JobsonKorkieMemmel.Test(a, b).PValue;
        Assert.True(p < 0.001, $"p = {p}");
    }

    [Fact]
    public void BothTests_SwappingTheSeries_FlipTheSignAndKeepThePValue() =>
        Gen.Int[0, 100_000].Select(Gen.Int[10, 200], Gen.Double[-0.9, 0.9]).Sample((seed, n, rho) =>
        {
            var (a, b) = Draws.NormalPair(seed, n, 0.01, 0.05, 0.02, 0.03, rho);
            foreach (var (ab, ba) in new[] { (JobsonKorkieMemmel.Test(a, b, 0.001), JobsonKorkieMemmel.Test(b, a, 0.001)), (LedoitWolfHac.Test(a, b, 0.001), LedoitWolfHac.Test(b, a, 0.001)) })
            {
                Assert.Equal(-ab.Difference, ba.Difference);
                // Within 1e-12, not rounded to 12 places: two values an ulp apart can round apart (seed 9hqvjr3_O8I3:
                // 3.0937237326435003 and 3.0937237326434994).
                Assert.Equal(-ab.Statistic, ba.Statistic, 1e-12);
                Assert.Equal(ab.PValue, ba.PValue, 1e-12);
            }
        });

    [Fact]
    public void BothTests_ASeriesAgainstItself_GiveDifferenceZeroAndPOne() =>
        Gen.Int[0, 100_000].Select(Gen.Int[5, 200]).Sample((seed, n) =>
        {
            var a = Draws.Normals(seed, n, 0.01, 0.05);
            foreach (var test in new[] { JobsonKorkieMemmel.Test(a, a), LedoitWolfHac.Test(a, a) })
            {
                Assert.Equal(0, test.Difference);
                Assert.Equal(1, test.PValue);
            }
        });

    [Fact]
    public void BothTests_ConstantSeriesOrMisalignedSeries_AreUndefinedOrRefused()
    {
        double[] flat = [0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
        double[] moving = [0.01, 0.02, -0.01, 0.03, 0.00, 0.01];
        Assert.False(JobsonKorkieMemmel.Test(flat, moving).IsDefined);
        Assert.False(LedoitWolfHac.Test(flat, moving).IsDefined);
        Assert.Throws<ArgumentException>(() => JobsonKorkieMemmel.Test(moving, moving.AsSpan(1)));
    }
}
