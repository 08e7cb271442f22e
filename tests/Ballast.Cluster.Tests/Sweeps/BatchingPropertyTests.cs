using Ballast.Cluster.Sweeps;
using CsCheck;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>However a sweep is cut into batches, spread over lanes and silos, finished out of order and retried, its output is the local run's, byte for byte.</summary>
public sealed class BatchingPropertyTests
{
    private const string SmallSweep = """
        name: small-sweep
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        weights: { scheme: fixed, targets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.1 } }
        trigger: { drift: { absolute: 0.05 }, check: daily }
        sweep:
          band: { path: trigger.drift.absolute, values: [0.01, 0.02, 0.04, 0.08, 0.16] }
          cost: { path: costs.proportional_bps, values: [0, 5, 25] }
        baselines:
          - { name: monthly, trigger: { calendar: monthly } }
        """;

    [Fact]
    public void AnyBatchSplitLanesAndCompletionOrder_GiveTheLocalBytes()
    {
        var scenario = new SweepScenario(SmallSweep, years: 2);
        var json = scenario.Json();
        var files = scenario.Out();
        Gen.Select(Gen.Int[1, 25], Gen.Int[1, 6], Gen.Int[1, 3], Gen.Int, Gen.Bool).Sample((batchSize, lanes, silos, seed, recorded) =>
        {
            var workers = new InProcessWorkers(silos, seed, failureRate: 0.15);
            var runner = new ClusterPolicyRunner(workers.Get, silos, scenario.Spec, scenario.Input, new ClusterSweepOptions { BatchSize = batchSize, Lanes = lanes, Window = lanes + (seed & 3), MaxAttempts = 50 });
            if (recorded)
            {
                SweepScenario.AssertSame(files, scenario.Out(runner));
            }
            else
            {
                Assert.Equal(json, scenario.Json(runner));
            }

            Assert.Equal(workers.Failures, runner.Statistics.Retries);
        }, iter: 25);
    }

    [Fact]
    public void ReorderBuffer_DeliversEveryBatchOnceInOrder_WhateverTheCompletionOrder()
    {
        Gen.Int[1, 60].SelectMany(n => Gen.Shuffle(Enumerable.Range(0, n).ToArray()).Select(order => (n, order))).Sample((n, order) =>
        {
            var delivered = new List<int>();
            var buffer = new BatchReorderBuffer<int>((index, batch) =>
            {
                Assert.Equal(index, batch);
                delivered.Add(index);
            });
            Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i => buffer.Complete(i, i));
            Assert.Equal(Enumerable.Range(0, n), delivered);
            Assert.Equal(n, buffer.Delivered);
            Assert.Throws<InvalidOperationException>(() => buffer.Complete(0, 0));
        });
    }
}
