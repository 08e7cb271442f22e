using Ballast.Statistics;
using MathNet.Numerics.Distributions;

namespace Ballast.Core.Tests.Statistics;

/// <summary>The probabilistic and deflated Sharpe ratios and Hansen's SPA test.</summary>
public class ManyPoliciesTests
{
    [Fact]
    public void Deflated_ReproducesBaileyAndLopezDePrado2014sNumericalExample()
    {
        // Bailey and López de Prado (2014), "The Deflated Sharpe Ratio", its numerical example: N = 100 trials, V[SR] = 1/2 (annual),
        // the best annualised SR 2.5 over T = 1,250 daily returns (250 a year), skewness −3, kurtosis 10:
        // SR₀ ≈ 0.1132 per day and DSR ≈ 0.9004.
        var variance = 0.5 / 250;
        var sr = 2.5 / Math.Sqrt(250);

        var sr0 = SharpeDeflation.ExpectedMaximum(100, variance);
        var dsr = SharpeDeflation.Deflated(sr, 1250, -3, 10, 100, variance);

        Assert.Equal(0.1132, sr0, 4);
        Assert.Equal(0.9004, dsr, 3);
    }

    [Fact]
    public void Probabilistic_ForNormalMomentsIsTheClosedForm_AndFromASeriesUsesItsMoments()
    {
        // With skewness 0 and kurtosis 3: PSR = Φ((SR − SR*) √(n − 1) / √(1 + SR²/2)).
        Assert.Equal(Normal.CDF(0, 1, (0.1 - 0.02) * Math.Sqrt(99) / Math.Sqrt(1 + (0.01 / 2))), SharpeDeflation.Probabilistic(0.1, 0.02, 100, 0, 3), 12);

        var r = Draws.Normals(4, 500, 0.0004, 0.01).Select(x => x + (x < -0.01 ? -0.01 : 0)).ToArray();
        var mean = r.Average();
        var m2 = r.Average(x => Math.Pow(x - mean, 2));
        var skew = r.Average(x => Math.Pow(x - mean, 3)) / Math.Pow(m2, 1.5);
        var kurt = r.Average(x => Math.Pow(x - mean, 4)) / (m2 * m2);
        var sr = (mean - 0.0001) / Math.Sqrt(Draws.Cov(r, r));
        Assert.Equal(SharpeDeflation.Probabilistic(sr, 0.01, 500, skew, kurt), SharpeDeflation.Probabilistic(r, 0.0001, 0.01), 12);
        Assert.True(skew < -0.3, "the test series is skewed, so the moments matter");
    }

    [Fact]
    public void ExpectedMaximum_GrowsWithTheTrialsAndIsZeroForOne()
    {
        Assert.Equal(0, SharpeDeflation.ExpectedMaximum(1, 0.01));
        Assert.True(SharpeDeflation.ExpectedMaximum(10, 0.01) < SharpeDeflation.ExpectedMaximum(1000, 0.01));
    }

    [Fact]
    public void Spa_WhenEveryPolicyIsWorseThanTheBenchmark_DoesNotReject()
    {
        var benchmark = Draws.Normals(1, 600, 0.0005, 0.01);
        var policies = Enumerable.Range(0, 20).Select(k => Noisy(benchmark, 100 + k, -0.0003, 0.003)).ToList();

        var result = SuperiorPredictiveAbility.Test(benchmark, policies, new BootstrapOptions(Replicates: 500));

        Assert.Equal(20, result.Models);
        Assert.True(result.PValue > 0.3, $"p = {result.PValue}");
        Assert.True(result.LowerPValue <= result.PValue && result.PValue <= result.UpperPValue);
    }

    [Fact]
    public void Spa_OneClearlyBetterPolicyAmongManyPoorOnes_Rejects()
    {
        var benchmark = Draws.Normals(2, 600, 0.0005, 0.01);
        var policies = Enumerable.Range(0, 50).Select(k => Noisy(benchmark, 200 + k, -0.0002, 0.003)).ToList();
        policies.Insert(17, Noisy(benchmark, 999, 0.001, 0.003));

        var result = SuperiorPredictiveAbility.Test(benchmark, policies, new BootstrapOptions(Replicates: 500));

        Assert.Equal(17, result.BestIndex);
        Assert.True(result.PValue < 0.01, $"p = {result.PValue}");
    }

    [Fact]
    public void Spa_UnderTheNullWithLuckyNoise_RejectsAtMostAboutFivePercent()
    {
        // Ten policies equal to the benchmark plus mean-zero noise: H₀ holds with equality. Over 200 seeded draws
        // (B = 199) the rate at 5 % should be near 0.05; 3 standard errors (0.046) above it, 0.096, bounds it.
        var rejections = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var benchmark = Draws.Normals(10_000 + seed, 250, 0.0005, 0.01);
            var policies = Enumerable.Range(0, 10).Select(k => Noisy(benchmark, (seed * 100) + k, 0, 0.003));
            if (SuperiorPredictiveAbility.Test(benchmark, policies, new BootstrapOptions(Replicates: 199, Seed: seed)).PValue <= 0.05)
            {
                rejections++;
            }
        }

        Assert.InRange(rejections / 200.0, 0, 0.096);
    }

    [Fact]
    public void Spa_ReadsThePoliciesOnce_AndLeavesOutOnesEqualToTheBenchmark()
    {
        var benchmark = Draws.Normals(3, 200, 0.0005, 0.01);
        var reads = 0;
        IEnumerable<double[]> Stream()
        {
            reads++;
            yield return benchmark.ToArray();
            yield return Noisy(benchmark, 5, 0.0001, 0.002);
        }

        var result = SuperiorPredictiveAbility.Test(benchmark, Stream(), new BootstrapOptions(Replicates: 100));

        Assert.Equal(1, reads);
        Assert.Equal(1, result.Models);
        Assert.Equal(1, result.BestIndex);
    }

    private static double[] Noisy(double[] benchmark, int seed, double drift, double noise)
    {
        var e = Draws.Normals(seed, benchmark.Length, drift, noise);
        return benchmark.Select((x, t) => x + e[t]).ToArray();
    }
}
