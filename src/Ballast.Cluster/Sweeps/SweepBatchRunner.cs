using Ballast.Backtesting;
using Ballast.Policies;

namespace Ballast.Cluster.Sweeps;

/// <summary>A silo's work on one batch: the job prepared (once per silo), each run compiled from its recipe and checked, the batch run on the silo's cores, the runs encoded.</summary>
public static class SweepBatchRunner
{
    /// <summary>The content of <paramref name="job"/> (spec, data) that <paramref name="cache"/> lacks, by SHA-256.</summary>
    public static string[] Missing(SweepWorkerCache cache, SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(job);
        return [.. new[] { job.SpecHash, job.DataHash }.Distinct(StringComparer.Ordinal).Where(h => !cache.Has(h))];
    }

    /// <summary>Runs <paramref name="batch"/> with the content and jobs of <paramref name="cache"/>; returns the encoded runs.</summary>
    public static byte[] Run(SweepWorkerCache cache, SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(batch);
        var job = batch.Job;
        var prepared = cache.Prepare(job);
        var policies = new RebalancePolicy[batch.Runs.Length];
        Parallel.For(0, policies.Length, i => policies[i] = RunRecipes.Compile(prepared.Spec, batch.Runs[i]));
        var settings = new BacktestSettings(job.PeriodsPerYear, job.RiskFree, job.Record, (EngineKernel)job.Kernel);
        var runs = new PolicyRun?[policies.Length];
        var failures = new Exception?[policies.Length];
        ParallelPolicyRunner.Instance.RunEach(prepared.Table, policies, [], settings, runs, failures, null, null, CancellationToken.None);
        return RunCodec.Encode(runs, failures);
    }
}
