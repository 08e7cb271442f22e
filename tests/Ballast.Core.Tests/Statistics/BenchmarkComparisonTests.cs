using Ballast.Statistics;

namespace Ballast.Core.Tests.Statistics;

/// <summary>SPA and StepM from one bootstrap pass give exactly the numbers each test gives alone, with the same seed.</summary>
public class BenchmarkComparisonTests
{
    [Theory]
    [InlineData(42, null)]
    [InlineData(7, 4.0)]
    public void Test_GivesExactlyWhatSpaAndStepMGiveAlone(int seed, double? blockLength)
    {
        var benchmark = Draws.Normals(31, 400, 0.0005, 0.01);
        var policies = Enumerable.Range(0, 12).Select(k => Noisy(benchmark, 100 + k, k switch { 3 => 0.0015, 8 => 0.0009, _ => -0.0001 }, 0.004)).ToList();
        // A policy identical to the benchmark (ω̂ = 0) is left out by both.
        policies.Add([.. benchmark]);
        var options = new BootstrapOptions(Replicates: 400, Seed: seed, BlockLength: blockLength);

        var both = BenchmarkComparison.Test(benchmark, policies, 0.05, options);
        var spa = SuperiorPredictiveAbility.Test(benchmark, policies, options);
        var stepM = StepwiseMultipleTesting.Test(benchmark, policies, 0.05, options);

        Assert.Equal(spa, both.Spa);
        Assert.Equal(stepM.Statistics, both.StepM.Statistics);
        Assert.Equal(stepM.Steps, both.StepM.Steps);
        Assert.Equal(stepM.CriticalValues, both.StepM.CriticalValues);
        Assert.Equal((stepM.Models, stepM.BlockLength, stepM.Replicates, stepM.Alpha), (both.StepM.Models, both.StepM.BlockLength, both.StepM.Replicates, both.StepM.Alpha));
        Assert.Contains(3, both.StepM.Rejected);
        Assert.Equal(12, both.Spa.Models);
    }

    [Fact]
    public void Test_ReadsEachPolicyOnce()
    {
        var benchmark = Draws.Normals(5, 100, 0.0005, 0.01);
        var reads = 0;
        IEnumerable<double[]> Stream()
        {
            for (var k = 0; k < 5; k++)
            {
                reads++;
                yield return Noisy(benchmark, k, 0, 0.003);
            }
        }

        var result = BenchmarkComparison.Test(benchmark, Stream(), 0.05, new BootstrapOptions(Replicates: 50));

        Assert.Equal(5, reads);
        Assert.Equal(5, result.StepM.Statistics.Count);
    }

    [Fact]
    public void Test_RefusesTooFewReturnsAndAnAlphaOutsideZeroOne()
    {
        Assert.Throws<ArgumentException>(() => BenchmarkComparison.Test([0.1, 0.2], [[0.1, 0.3]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchmarkComparison.Test([0.1, 0.2, 0.3], [[0.1, 0.3, 0.2]], 0));
    }

    private static double[] Noisy(double[] benchmark, int seed, double drift, double noise) => StepwiseMultipleTestingTests.Noisy(benchmark, seed, drift, noise);
}
