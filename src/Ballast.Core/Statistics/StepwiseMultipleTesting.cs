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
/// O(B · (n / b + K⁺)) with K⁺ the individually significant policies. <see cref="BenchmarkComparison"/> runs it with
/// SPA on one bootstrap pass. See docs/statistics.md.
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
        CheckAlpha(alpha);
        options ??= BootstrapOptions.Default;
        options.Validate();
        BenchmarkComparison.CheckLength(benchmark, "StepM");
        var bootstrap = new DifferentialBootstrap(benchmark.Length, options);
        var stepM = new Accumulator(benchmark.Length, alpha, options.Replicates);
        foreach (var policy in policies)
        {
            var (mean, omega) = bootstrap.Read(policy, benchmark);
            stepM.Add(mean, omega, bootstrap.Means);
        }

        return stepM.Result(bootstrap.BlockLength);
    }

    /// <summary>Refuses a family-wise error rate outside (0, 1).</summary>
    internal static void CheckAlpha(double alpha)
    {
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the family-wise error rate must be strictly between 0 and 1");
        }
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

    /// <summary>
    /// StepM's running state over the policies read so far: each policy's tₖ, the individually significant policies'
    /// resampled statistics, and the running maximum per resample of the others' (the floor of every step).
    /// </summary>
    internal sealed class Accumulator
    {
        private readonly double _sqrtN;
        private readonly double _alpha;
        private readonly int _rank;
        private readonly double[] _floor;
        private readonly double[] _scratch;
        private readonly List<double> _statistics = [];
        private readonly List<(int Index, double[] Resampled)> _candidates = [];
        private int _models;

        /// <summary>An empty accumulator for <paramref name="count"/> returns, level <paramref name="alpha"/> and <paramref name="replicates"/> resamples.</summary>
        public Accumulator(int count, double alpha, int replicates)
        {
            _sqrtN = Math.Sqrt(count);
            _alpha = alpha;
            _rank = Math.Min(replicates, (int)Math.Ceiling((1 - alpha) * replicates)) - 1;
            _floor = new double[replicates];
            Array.Fill(_floor, double.NegativeInfinity);
            _scratch = new double[replicates];
        }

        /// <summary>Adds the next policy (input order): its mean differential, ω̂ and resampled means.</summary>
        public void Add(double mean, double omega, double[] means)
        {
            if (!(omega > 0))
            {
                _statistics.Add(double.NaN);
                return;
            }

            _models++;
            var t = _sqrtN * mean / omega;
            _statistics.Add(t);
            var resampled = new double[_floor.Length];
            for (var b = 0; b < resampled.Length; b++)
            {
                resampled[b] = _sqrtN * (means[b] - mean) / omega;
            }

            if (t > Quantile(resampled, _rank, _scratch))
            {
                _candidates.Add((_statistics.Count - 1, resampled));
            }
            else
            {
                for (var b = 0; b < resampled.Length; b++)
                {
                    _floor[b] = Math.Max(_floor[b], resampled[b]);
                }
            }
        }

        /// <summary>Runs the step-down over the policies added (once: it consumes the state).</summary>
        public StepMResult Result(double blockLength)
        {
            var steps = new int[_statistics.Count];
            var critical = new List<double>();
            if (_models > 0)
            {
                StepDown(_statistics, _candidates, _floor, _rank, steps, critical);
            }

            return new StepMResult(_alpha, [.. _statistics], steps, critical, _models, blockLength, _floor.Length);
        }
    }
}
