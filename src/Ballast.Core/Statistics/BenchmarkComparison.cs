namespace Ballast.Statistics;

/// <summary>Hansen's SPA and Romano-Wolf's StepM of the same policies against the same benchmark, from one bootstrap pass.</summary>
/// <param name="Spa">SPA: whether some policy beats the benchmark.</param>
/// <param name="StepM">StepM: which policies beat it, at the family-wise level.</param>
public sealed record BenchmarkComparisonResult(SpaResult Spa, StepMResult StepM);

/// <summary>
/// SPA (<see cref="SuperiorPredictiveAbility"/>) and StepM (<see cref="StepwiseMultipleTesting"/>) on one stationary
/// bootstrap: the resample blocks are drawn once, each policy's differential series is read once and its resampled
/// means feed both tests. With the same options each result is exactly the one its own <c>Test</c> gives (the
/// resamples depend only on the seed, the block length and n, and the block length on the first policy), at about
/// half the cost. See docs/statistics.md.
/// </summary>
public static class BenchmarkComparison
{
    /// <summary>
    /// Runs both tests, StepM at family-wise level <paramref name="alpha"/>. The policies' return series must be
    /// aligned with <paramref name="benchmark"/>; they are read once, in order.
    /// </summary>
    public static BenchmarkComparisonResult Test(ReadOnlySpan<double> benchmark, IEnumerable<double[]> policies, double alpha = 0.05, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        StepwiseMultipleTesting.CheckAlpha(alpha);
        options ??= BootstrapOptions.Default;
        options.Validate();
        CheckLength(benchmark, "SPA and StepM");
        var n = benchmark.Length;
        var bootstrap = new DifferentialBootstrap(n, options);
        var spa = new SuperiorPredictiveAbility.Accumulator(n, options.Replicates);
        var stepM = new StepwiseMultipleTesting.Accumulator(n, alpha, options.Replicates);
        foreach (var policy in policies)
        {
            var (mean, omega) = bootstrap.Read(policy, benchmark);
            spa.Add(mean, omega, bootstrap.Means);
            stepM.Add(mean, omega, bootstrap.Means);
        }

        return new BenchmarkComparisonResult(spa.Result(bootstrap.BlockLength), stepM.Result(bootstrap.BlockLength));
    }

    /// <summary>Refuses a benchmark of fewer than 3 returns (<paramref name="test"/> names the test in the message).</summary>
    internal static void CheckLength(ReadOnlySpan<double> benchmark, string test)
    {
        if (benchmark.Length < 3)
        {
            throw new ArgumentException($"{test} needs at least 3 returns", nameof(benchmark));
        }
    }
}
