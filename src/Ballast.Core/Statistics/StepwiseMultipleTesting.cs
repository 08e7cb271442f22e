namespace Ballast.Statistics;

/// <summary>The outcome of Romano and Wolf's StepM: which policies beat the benchmark, the family-wise error rate controlled at <see cref="Alpha"/>.</summary>
/// <param name="Alpha">The family-wise error rate controlled (default 0.05).</param>
/// <param name="Statistics">Per policy (input order) tₖ = √n d̄ₖ / ω̂ₖ; NaN for a policy identical to the benchmark (ω̂ₖ = 0, left out).</param>
/// <param name="Steps">Per policy the step at which its null (mean not above the benchmark's) was rejected, 1, 2, ..; 0 when it was not.</param>
/// <param name="CriticalValues">The critical value ĉⱼ of each step run, j = 1, 2, ..: the last rejects nothing more (or leaves no policy to test).</param>
/// <param name="Models">K, the policies compared (ω̂ₖ &gt; 0).</param>
/// <param name="BlockLength">The stationary bootstrap's mean block length.</param>
/// <param name="Replicates">B.</param>
public sealed record StepMResult(double Alpha, IReadOnlyList<double> Statistics, IReadOnlyList<int> Steps, IReadOnlyList<double> CriticalValues, int Models, double BlockLength, int Replicates)
{
    /// <summary>True when policy <paramref name="index"/> (input order) beats the benchmark after the correction.</summary>
    public bool Rejects(int index) => Steps[index] > 0;

    /// <summary>The input indexes of the policies that beat the benchmark, in input order.</summary>
    public IEnumerable<int> Rejected => Enumerable.Range(0, Steps.Count).Where(Rejects);
}

/// <summary>
/// Romano and Wolf's (2005) StepM: the stepwise multiple test of every policy's H₀ₖ: E[dₖ] ≤ 0, with dₖ,ₜ = rₖ,ₜ − r₀,ₜ
/// against a benchmark, controlling the family-wise error rate. Step j rejects every still-active policy whose
/// tₖ = √n d̄ₖ / ω̂ₖ exceeds ĉⱼ, the 1 − α quantile of maxₖ∈active √n (d̄*ₖ,b − d̄ₖ) / ω̂ₖ over the stationary bootstrap's
/// resamples (the same blocks and ω̂ₖ as <see cref="SuperiorPredictiveAbility"/>), removes them, and repeats until a
/// step rejects nothing. Streaming: the policies are read once; a policy whose tₖ does not exceed the 1 − α quantile
/// of its own resampled statistics can never be rejected (every ĉⱼ is at least that quantile), so only its running
/// maximum per resample is kept; the others, individually significant, keep their B resampled statistics. Memory is
/// O(B · (n / b + K⁺)) with K⁺ the individually significant policies. See docs/statistics.md.
/// </summary>
public static class StepwiseMultipleTesting
{
    /// <summary>
    /// Runs StepM at family-wise level <paramref name="alpha"/>. The policies' return series must be aligned with
    /// <paramref name="benchmark"/>; the block length, unless the options fix it, is the Politis-White rule on the first
    /// policy's differential series.
    /// </summary>
    public static StepMResult Test(ReadOnlySpan<double> benchmark, IEnumerable<double[]> policies, double alpha = 0.05, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the family-wise error rate must be strictly between 0 and 1");
        }

        options ??= BootstrapOptions.Default;
        options.Validate();
        var n = benchmark.Length;
        if (n < 3)
        {
            throw new ArgumentException("StepM needs at least 3 returns", nameof(benchmark));
        }

        var replicates = options.Replicates;
        var rank = Math.Min(replicates, (int)Math.Ceiling((1 - alpha) * replicates)) - 1;
        var bootstrap = new DifferentialBootstrap(n, options);
        var sqrtN = Math.Sqrt(n);
        var floor = new double[replicates];
        Array.Fill(floor, double.NegativeInfinity);
        var scratch = new double[replicates];
        var statistics = new List<double>();
        var candidates = new List<(int Index, double[] Resampled)>();
        var models = 0;
        foreach (var policy in policies)
        {
            var (mean, omega) = bootstrap.Read(policy, benchmark);
            if (!(omega > 0))
            {
                statistics.Add(double.NaN);
                continue;
            }

            models++;
            var t = sqrtN * mean / omega;
            statistics.Add(t);
            var resampled = new double[replicates];
            for (var b = 0; b < replicates; b++)
            {
                resampled[b] = sqrtN * (bootstrap.Means[b] - mean) / omega;
            }

            if (t > Quantile(resampled, rank, scratch))
            {
                candidates.Add((statistics.Count - 1, resampled));
            }
            else
            {
                for (var b = 0; b < replicates; b++)
                {
                    floor[b] = Math.Max(floor[b], resampled[b]);
                }
            }
        }

        var steps = new int[statistics.Count];
        var critical = new List<double>();
        if (models > 0)
        {
            StepDown(statistics, candidates, floor, rank, steps, critical);
        }

        return new StepMResult(alpha, statistics, steps, critical, models, bootstrap.BlockLength, replicates);
    }

    private static void StepDown(List<double> statistics, List<(int Index, double[] Resampled)> active, double[] floor, int rank, int[] steps, List<double> critical)
    {
        var maxima = new double[floor.Length];
        var scratch = new double[floor.Length];
        while (true)
        {
            floor.CopyTo(maxima, 0);
            foreach (var (_, resampled) in active)
            {
                for (var b = 0; b < maxima.Length; b++)
                {
                    maxima[b] = Math.Max(maxima[b], resampled[b]);
                }
            }

            var c = Quantile(maxima, rank, scratch);
            critical.Add(c);
            var step = critical.Count;
            var before = active.Count;
            active.RemoveAll(candidate =>
            {
                if (statistics[candidate.Index] > c)
                {
                    steps[candidate.Index] = step;
                    return true;
                }

                return false;
            });
            // Stop when a step rejects nothing, or when no policy is left to test (the floor holds none).
            if (active.Count == before || (active.Count == 0 && double.IsNegativeInfinity(floor[0])))
            {
                return;
            }
        }
    }

    /// <summary>The (<paramref name="rank"/> + 1)-th smallest value: the order statistic ⌈(1 − α) B⌉.</summary>
    private static double Quantile(double[] values, int rank, double[] scratch)
    {
        values.CopyTo(scratch, 0);
        Array.Sort(scratch);
        return scratch[rank];
    }
}
