using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// Runs batches of a sweep on its silo: the spec bound once per silo from its text, each run's policy compiled from its
/// recipe (its hash checked against the client's), the batch run in parallel on the silo's cores. Placed where the
/// fewest activations are, so a sweep's lanes spread over the silos.
/// </summary>
[ActivationCountBasedPlacement]
public sealed class SweepWorkerGrain(IServiceProvider services) : Grain, ISweepWorkerGrain
{
    private readonly SweepWorkerCache _cache = services.GetService<SweepWorkerCache>() ?? SweepWorkerCache.Process;
    private readonly string _silo = services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    /// <inheritdoc/>
    public async Task<SweepBatchResult> Run(SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var missing = SweepBatchRunner.Missing(_cache, batch.Job);
        if (missing.Length > 0)
        {
            return new SweepBatchResult { Missing = missing, Runs = [], Silo = _silo };
        }

        // The batch is CPU work: off the grain's scheduler, on the thread pool's cores.
        var encoded = await Task.Run(() => SweepBatchRunner.Run(_cache, batch));
        return new SweepBatchResult { Missing = [], Runs = encoded, Silo = _silo };
    }

    /// <inheritdoc/>
    public Task Store(string hash, byte[] content)
    {
        _cache.Store(hash, content);
        return Task.CompletedTask;
    }
}
