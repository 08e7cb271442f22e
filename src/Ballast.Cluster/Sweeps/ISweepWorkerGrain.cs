namespace Ballast.Cluster.Sweeps;

/// <summary>
/// A worker that runs batches of a sweep's policies on its silo. Its key is only a slot: the client uses one key per
/// lane and a fresh key to retry a batch, so a retry is placed anew (on a live silo).
/// </summary>
[Alias("ballast.sweep.worker")]
public interface ISweepWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Runs a batch, or names the content (spec, data) this silo lacks.</summary>
    [Alias("run")]
    Task<SweepBatchResult> Run(SweepBatch batch);

    /// <summary>Keeps <paramref name="content"/> on this silo under its SHA-256 (checked), for the batches that follow.</summary>
    [Alias("store")]
    Task Store(string hash, byte[] content);
}
