namespace Ballast.Statistics;

/// <summary>
/// The stationary bootstrap of policies' mean differential returns dₖ,ₜ = rₖ,ₜ − r₀,ₜ against one benchmark, shared by
/// Hansen's SPA and Romano-Wolf's StepM: the resample blocks are drawn once (on the first policy's block length) and
/// reused for every policy, so each policy costs O(B · n / b) block sums from its prefix sums and O(n + B) memory.
/// </summary>
internal sealed class DifferentialBootstrap
{
    private readonly BootstrapOptions _options;
    private readonly double[] _differential;
    private readonly double[] _prefix;
    private List<ResampleBlock>[]? _resamples;

    /// <summary>A bootstrap of differentials against a benchmark of <paramref name="count"/> returns.</summary>
    public DifferentialBootstrap(int count, BootstrapOptions options)
    {
        _options = options;
        _differential = new double[count];
        _prefix = new double[count + 1];
        Means = new double[options.Replicates];
    }

    /// <summary>The mean block length (0 until the first policy is read).</summary>
    public double BlockLength { get; private set; }

    /// <summary>The last policy's resampled means d̄*ₖ,b, b = 1 .. B.</summary>
    public double[] Means { get; }

    /// <summary>
    /// Reads one policy: its mean differential d̄ₖ and ω̂ₖ = √(n · Var_b d̄*ₖ,b), the bootstrap standard deviation of
    /// √n d̄ₖ (centred on d̄ₖ), with <see cref="Means"/> holding its resampled means.
    /// </summary>
    public (double Mean, double Omega) Read(double[] policy, ReadOnlySpan<double> benchmark)
    {
        ArgumentNullException.ThrowIfNull(policy);
        JobsonKorkieMemmel.Aligned(policy, benchmark);
        var n = benchmark.Length;
        var prefix = _prefix;
        for (var t = 0; t < n; t++)
        {
            _differential[t] = policy[t] - benchmark[t];
            prefix[t + 1] = prefix[t] + _differential[t];
        }

        if (_resamples is null)
        {
            BlockLength = _options.BlockLength ?? Statistics.BlockLength.Optimal(_differential, BootstrapKind.Stationary);
            _resamples = Draw(n, BlockLength, _options);
        }

        var mean = prefix[n] / n;
        var spread = 0.0;
        for (var b = 0; b < Means.Length; b++)
        {
            var sum = 0.0;
            foreach (var block in _resamples[b])
            {
                var end = block.Start + block.Length;
                sum += end <= n ? prefix[end] - prefix[block.Start] : prefix[n] - prefix[block.Start] + prefix[end - n];
            }

            Means[b] = sum / n;
            spread += (Means[b] - mean) * (Means[b] - mean);
        }

        return (mean, Math.Sqrt(n * spread / Means.Length));
    }

    private static List<ResampleBlock>[] Draw(int n, double blockLength, BootstrapOptions options)
    {
        var bootstrap = new BlockBootstrap(BootstrapKind.Stationary, n, blockLength, options.Seed);
        var all = new List<ResampleBlock>[options.Replicates];
        for (var b = 0; b < all.Length; b++)
        {
            all[b] = [];
            bootstrap.NextBlocks(all[b]);
        }

        return all;
    }
}
