using Ballast.Statistics;

namespace Ballast.Core.Tests.Statistics;

/// <summary>Romano and Wolf's StepM: size under the null, power on planted winners, and an independent implementation.</summary>
public class StepwiseMultipleTestingTests
{
    [Fact]
    public void Test_UnderTheNullWithLuckyNoise_RejectsAnyPolicyAtMostAboutFivePercentOfTheTime()
    {
        // Ten policies equal to the benchmark plus mean-zero noise: every H₀ holds with equality, so any rejection is a
        // family-wise error. Over 200 seeded draws (B = 199) the rate should be near 0.05; 3 standard errors above, 0.096, bounds it.
        var errors = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var benchmark = Draws.Normals(20_000 + seed, 250, 0.0005, 0.01);
            var policies = Enumerable.Range(0, 10).Select(k => Noisy(benchmark, (seed * 100) + k, 0, 0.003));
            if (StepwiseMultipleTesting.Test(benchmark, policies, 0.05, new BootstrapOptions(Replicates: 199, Seed: seed)).Rejected.Any())
            {
                errors++;
            }
        }

        Assert.InRange(errors / 200.0, 0, 0.096);
    }

    [Fact]
    public void Test_PlantedWinnersAmongManyPoorPolicies_RejectsExactlyTheWinners()
    {
        var benchmark = Draws.Normals(2, 600, 0.0005, 0.01);
        var policies = Enumerable.Range(0, 50).Select(k => Noisy(benchmark, 200 + k, -0.0002, 0.003)).ToList();
        policies[17] = Noisy(benchmark, 999, 0.001, 0.003);
        policies[33] = Noisy(benchmark, 998, 0.0008, 0.003);

        var result = StepwiseMultipleTesting.Test(benchmark, policies, 0.05, new BootstrapOptions(Replicates: 500));

        Assert.Equal([17, 33], result.Rejected);
        Assert.Equal(50, result.Models);
        Assert.True(result.CriticalValues[0] > 1, $"ĉ₁ = {result.CriticalValues[0]}");
    }

    [Fact]
    public void Test_AWinnerHiddenByAStrongerOne_IsFoundAtALaterStep()
    {
        // The step-down's point: after the strong winner is removed the critical value falls and a weaker winner,
        // not significant against the maximum over all policies, can be rejected. Checked against the independent
        // implementation over seeds until a case with two steps of rejections turns up.
        var found = false;
        for (var seed = 0; seed < 60 && !found; seed++)
        {
            var benchmark = Draws.Normals(500 + seed, 300, 0.0005, 0.01);
            // One null policy, a strong winner (t ≈ 11) and a weak one (t ≈ 1.7, between the one-sided 5 % quantile
            // of one statistic, 1.64, and of the maximum of three, about 2.1).
            var policies = new List<double[]>
            {
                Noisy(benchmark, (seed * 1000) + 1, 0, 0.003),
                Noisy(benchmark, (seed * 1000) + 2, 0.002, 0.003),
                Noisy(benchmark, (seed * 1000) + 3, 0.0003, 0.003),
            };
            var options = new BootstrapOptions(Replicates: 300, Seed: seed, BlockLength: 3);

            var result = StepwiseMultipleTesting.Test(benchmark, policies, 0.05, options);

            var (steps, critical) = Reference(benchmark, policies, 0.05, options);
            Assert.Equal(steps, result.Steps);
            Assert.Equal(critical.Count, result.CriticalValues.Count);
            found = result.Steps.Any(s => s >= 2);
        }

        Assert.True(found, "a seed with a rejection at step 2 or later exists in the first 60");
    }

    [Theory]
    [InlineData(1, 40, 0.0, 0.05)]
    [InlineData(2, 25, 0.0003, 0.10)]
    [InlineData(3, 60, -0.0001, 0.05)]
    public void Test_MatchesAnIndependentFullMatrixImplementation(int seed, int count, double drift, double alpha)
    {
        var benchmark = Draws.Ar1(seed, 400, 0.3).Select(x => 0.0004 + (0.01 * x)).ToArray();
        var policies = Enumerable.Range(0, count).Select(k => Noisy(benchmark, (seed * 100) + k, drift * (k % 3), 0.002)).ToList();
        policies.Add(benchmark.ToArray()); // identical to the benchmark: left out
        var options = new BootstrapOptions(Replicates: 250, Seed: seed, BlockLength: 4.5);

        var result = StepwiseMultipleTesting.Test(benchmark, policies, alpha, options);

        var (steps, critical) = Reference(benchmark, policies, alpha, options);
        Assert.Equal(steps, result.Steps);
        Assert.Equal(critical.Count, result.CriticalValues.Count);
        for (var j = 0; j < critical.Count; j++)
        {
            Assert.Equal(critical[j], result.CriticalValues[j], 10);
        }

        Assert.Equal(count, result.Models);
        Assert.True(double.IsNaN(result.Statistics[^1]));
    }

    [Fact]
    public void Test_ReadsThePoliciesOnce()
    {
        var benchmark = Draws.Normals(3, 200, 0.0005, 0.01);
        var reads = 0;
        IEnumerable<double[]> Stream()
        {
            reads++;
            yield return Noisy(benchmark, 5, 0.002, 0.002);
            yield return Noisy(benchmark, 6, 0, 0.002);
        }

        var result = StepwiseMultipleTesting.Test(benchmark, Stream(), 0.05, new BootstrapOptions(Replicates: 100));

        Assert.Equal(1, reads);
        Assert.Equal([0], result.Rejected);
    }

    [Fact]
    public void Test_RefusesALevelOutsideZeroToOne()
    {
        var benchmark = Draws.Normals(3, 50, 0, 0.01);
        Assert.Throws<ArgumentOutOfRangeException>(() => StepwiseMultipleTesting.Test(benchmark, [benchmark], 1.0));
    }

    /// <summary>
    /// StepM written from Romano and Wolf (2005), Algorithm 3.1, on the whole K × B matrix of resampled statistics,
    /// the resamples drawn row by row (<see cref="BlockBootstrap.NextIndices"/>), the standard errors from their own
    /// loop: no code shared with the streaming implementation beyond the generator.
    /// </summary>
    private static (int[] Steps, List<double> Critical) Reference(double[] benchmark, IReadOnlyList<double[]> policies, double alpha, BootstrapOptions options)
    {
        var n = benchmark.Length;
        var replicates = options.Replicates;
        var generator = new BlockBootstrap(BootstrapKind.Stationary, n, options.BlockLength!.Value, options.Seed);
        var indices = new int[replicates][];
        var scratch = new List<ResampleBlock>();
        for (var b = 0; b < replicates; b++)
        {
            indices[b] = new int[n];
            generator.NextIndices(indices[b], scratch);
        }

        var k = policies.Count;
        var t = new double[k];
        var z = new double[k][];
        for (var i = 0; i < k; i++)
        {
            var d = policies[i].Select((x, r) => x - benchmark[r]).ToArray();
            var mean = d.Sum() / n;
            var means = indices.Select(rows => rows.Sum(r => d[r]) / n).ToArray();
            var omega = Math.Sqrt(n * means.Sum(m => (m - mean) * (m - mean)) / replicates);
            t[i] = omega > 1e-15 ? Math.Sqrt(n) * mean / omega : double.NaN;
            z[i] = means.Select(m => Math.Sqrt(n) * (m - mean) / omega).ToArray();
        }

        var steps = new int[k];
        var active = Enumerable.Range(0, k).Where(i => !double.IsNaN(t[i])).ToList();
        var critical = new List<double>();
        while (active.Count > 0)
        {
            var maxima = Enumerable.Range(0, replicates).Select(b => active.Max(i => z[i][b])).OrderBy(m => m).ToArray();
            var c = maxima[(int)Math.Ceiling((1 - alpha) * replicates) - 1];
            critical.Add(c);
            var rejected = active.Where(i => t[i] > c).ToList();
            if (rejected.Count == 0)
            {
                break;
            }

            rejected.ForEach(i => steps[i] = critical.Count);
            active.RemoveAll(rejected.Contains);
        }

        return (steps, critical);
    }

    internal static double[] Noisy(double[] benchmark, int seed, double drift, double noise)
    {
        var e = Draws.Normals(seed, benchmark.Length, drift, noise);
        return benchmark.Select((x, t) => x + e[t]).ToArray();
    }
}
