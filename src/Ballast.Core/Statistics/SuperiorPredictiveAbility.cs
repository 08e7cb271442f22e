namespace Ballast.Statistics;

/// <summary>The outcome of Hansen's SPA test of H₀: no policy has a higher mean return than the benchmark.</summary>
/// <param name="Statistic">T = max(0, maxₖ √n d̄ₖ / ω̂ₖ).</param>
/// <param name="PValue">The consistent p-value (recentring μ̂ᶜ), the one Hansen recommends.</param>
/// <param name="LowerPValue">The liberal bound (μ̂ˡ = max(d̄ₖ, 0)).</param>
/// <param name="UpperPValue">The conservative bound (μ̂ᵘ = 0: White's reality check, studentised).</param>
/// <param name="Models">K, the policies compared (those identical to the benchmark, ω̂ₖ = 0, excluded).</param>
/// <param name="BestIndex">The index (in input order) of the policy with the largest √n d̄ₖ / ω̂ₖ, or −1.</param>
/// <param name="BlockLength">The stationary bootstrap's mean block length.</param>
/// <param name="Replicates">B.</param>
public sealed record SpaResult(double Statistic, double PValue, double LowerPValue, double UpperPValue, int Models, int BestIndex, double BlockLength, int Replicates);

/// <summary>
/// Hansen's (2005) test for superior predictive ability with the stationary bootstrap, on the differential returns
/// dₖ,ₜ = rₖ,ₜ − r₀,ₜ of K policies against a benchmark. Streaming: the policies are read once, one at a time, so
/// memory is O(B · n / b) for the resample blocks plus O(n + B) per policy, whatever K; time is O(K · B · n / b)
/// (block sums from prefix sums). See docs/statistics.md.
/// </summary>
public static class SuperiorPredictiveAbility
{
    /// <summary>
    /// Runs the test. The policies' return series must be aligned with <paramref name="benchmark"/>. The block length,
    /// unless the options fix it, is the Politis-White rule on the first policy's differential series.
    /// </summary>
    public static SpaResult Test(ReadOnlySpan<double> benchmark, IEnumerable<double[]> policies, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        options ??= BootstrapOptions.Default;
        options.Validate();
        var n = benchmark.Length;
        if (n < 3)
        {
            throw new ArgumentException("the SPA test needs at least 3 returns", nameof(benchmark));
        }

        var loglog = Math.Sqrt(2 * Math.Log(Math.Log(n)));
        var replicates = options.Replicates;
        var maxConsistent = new double[replicates];
        var maxLower = new double[replicates];
        var maxUpper = new double[replicates];
        var sqrtN = Math.Sqrt(n);
        var bootstrap = new DifferentialBootstrap(n, options);
        var means = bootstrap.Means;
        double statistic = 0;
        var bestT = double.NegativeInfinity;
        int bestIndex = -1, models = 0, index = -1;
        foreach (var policy in policies)
        {
            index++;
            var (mean, omega) = bootstrap.Read(policy, benchmark);
            if (!(omega > 0))
            {
                continue;
            }

            models++;
            var tk = sqrtN * mean / omega;
            if (tk > bestT)
            {
                bestT = tk;
                bestIndex = index;
            }

            statistic = Math.Max(statistic, tk);
            var consistentCentre = mean >= -omega / sqrtN * loglog ? mean : 0;
            var lowerCentre = Math.Max(mean, 0);
            for (var b = 0; b < replicates; b++)
            {
                var scale = sqrtN / omega;
                maxConsistent[b] = Math.Max(maxConsistent[b], (means[b] - consistentCentre) * scale);
                maxLower[b] = Math.Max(maxLower[b], (means[b] - lowerCentre) * scale);
                maxUpper[b] = Math.Max(maxUpper[b], (means[b] - mean) * scale);
            }
        }

        if (models == 0)
        {
            return new SpaResult(0, 1, 1, 1, 0, -1, bootstrap.BlockLength, replicates);
        }

        return new SpaResult(statistic, Exceed(maxConsistent, statistic), Exceed(maxLower, statistic), Exceed(maxUpper, statistic), models, bestIndex, bootstrap.BlockLength, replicates);
    }

    private static double Exceed(double[] maxima, double statistic)
    {
        var count = 0;
        // T* ≥ T, not T* > T: both are 0 when no policy beats the benchmark in the sample, and that must give p = 1
        // (nothing to reject), not 0. For T > 0 the two differ only on exact ties.
        foreach (var m in maxima)
        {
            if (m >= statistic)
            {
                count++;
            }
        }

        return (double)count / maxima.Length;
    }
}
