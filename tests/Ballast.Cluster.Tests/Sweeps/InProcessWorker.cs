using Ballast.Cluster.Sweeps;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>
/// A sweep worker without a cluster, for properties of the client's batching: the silo's own batch code on a cache of
/// its own ("silo" = key modulo the silo count), answering after a seeded random delay (so batches finish out of
/// order), and failing a seeded share of calls as a dead silo would (so batches are retried).
/// </summary>
internal sealed class InProcessWorkers(int silos, int seed, double failureRate)
{
    private readonly SweepWorkerCache[] _caches = [.. Enumerable.Range(0, silos).Select(_ => new SweepWorkerCache())];
    private readonly Random _random = new(seed);

    public int Failures { get; private set; }

    public ISweepWorkerGrain Get(long key) => new Worker(this, (int)(key % _caches.Length));

    private (int Delay, bool Fail) Next()
    {
        lock (_random)
        {
            var fail = _random.NextDouble() < failureRate;
            Failures += fail ? 1 : 0;
            return (_random.Next(0, 4), fail);
        }
    }

    private sealed class Worker(InProcessWorkers owner, int silo) : ISweepWorkerGrain
    {
        public async Task<SweepBatchResult> Run(SweepBatch batch)
        {
            var (delay, fail) = owner.Next();
            await Task.Delay(delay);
            if (fail)
            {
                throw new TimeoutException("the silo did not answer");
            }

            var cache = owner._caches[silo];
            var missing = SweepBatchRunner.Missing(cache, batch.Job);
            var runs = missing.Length > 0 ? [] : await Task.Run(() => SweepBatchRunner.Run(cache, batch));
            return new SweepBatchResult { Missing = missing, Runs = runs, Silo = $"silo-{silo}" };
        }

        public Task Store(string hash, byte[] content)
        {
            owner._caches[silo].Store(hash, content);
            return Task.CompletedTask;
        }
    }
}
