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
/// (block sums from prefix sums). <see cref="BenchmarkComparison"/> runs it with StepM on one bootstrap pass. See
/// docs/statistics.md.
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
        BenchmarkComparison.CheckLength(benchmark, "the SPA test");
        var bootstrap = new DifferentialBootstrap(benchmark.Length, options);
        var spa = new Accumulator(benchmark.Length, options.Replicates);
        foreach (var policy in policies)
        {
            var (mean, omega) = bootstrap.Read(policy, benchmark);
            spa.Add(mean, omega, bootstrap.Means);
        }

        return spa.Result(bootstrap.BlockLength);
    }

    /// <summary>SPA's running state over the policies read so far: the maxima per resample of the three recentrings.</summary>
    internal sealed class Accumulator
    {
        private readonly double _sqrtN;
        private readonly double _loglog;
        private readonly double[] _maxConsistent;
        private readonly double[] _maxLower;
        private readonly double[] _maxUpper;
        private double _statistic;
        private double _bestT = double.NegativeInfinity;
        private int _bestIndex = -1;
        private int _models;
        private int _index = -1;

        /// <summary>An empty accumulator for <paramref name="count"/> returns and <paramref name="replicates"/> resamples.</summary>
        public Accumulator(int count, int replicates)
        {
            _sqrtN = Math.Sqrt(count);
            _loglog = Math.Sqrt(2 * Math.Log(Math.Log(count)));
            _maxConsistent = new double[replicates];
            _maxLower = new double[replicates];
            _maxUpper = new double[replicates];
        }

        /// <summary>Adds the next policy (input order): its mean differential, ω̂ and resampled means.</summary>
        public void Add(double mean, double omega, double[] means)
        {
            _index++;
            if (!(omega > 0))
            {
                return;
            }

            _models++;
            var tk = _sqrtN * mean / omega;
            if (tk > _bestT)
            {
                _bestT = tk;
                _bestIndex = _index;
            }

            _statistic = Math.Max(_statistic, tk);
            var consistentCentre = mean >= -omega / _sqrtN * _loglog ? mean : 0;
            var lowerCentre = Math.Max(mean, 0);
            var scale = _sqrtN / omega;
            for (var b = 0; b < _maxConsistent.Length; b++)
            {
                _maxConsistent[b] = Math.Max(_maxConsistent[b], (means[b] - consistentCentre) * scale);
                _maxLower[b] = Math.Max(_maxLower[b], (means[b] - lowerCentre) * scale);
                _maxUpper[b] = Math.Max(_maxUpper[b], (means[b] - mean) * scale);
            }
        }

        /// <summary>The test's result over the policies added.</summary>
        public SpaResult Result(double blockLength) => _models == 0
            ? new SpaResult(0, 1, 1, 1, 0, -1, blockLength, _maxConsistent.Length)
            : new SpaResult(_statistic, Exceed(_maxConsistent, _statistic), Exceed(_maxLower, _statistic), Exceed(_maxUpper, _statistic), _models, _bestIndex, blockLength, _maxConsistent.Length);

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
}
