using Ballast.Cluster.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>Gives each test silo its own sweep cache, as separate processes have.</summary>
public sealed class SweepSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSweepWorkers();
}

/// <summary>A sweep on a two-silo in-process cluster writes the local run's outputs, byte for byte, even when a silo dies mid-sweep.</summary>
public sealed class ClusterSweepTests
{
    private static async Task<TestCluster> TwoSilos()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 2 } };
        builder.AddSiloBuilderConfigurator<SweepSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        return cluster;
    }

    private static ClusterPolicyRunner Runner(TestCluster cluster, SweepScenario scenario, ClusterSweepOptions options) =>
        new(key => cluster.GrainFactory.GetGrain<ISweepWorkerGrain>(key), cluster.Silos.Count, scenario.Spec, scenario.Input, options);

    [Fact]
    public async Task TwoSilos_WriteTheLocalRunsBytes()
    {
        var scenario = new SweepScenario();
        var json = scenario.Json();
        var files = scenario.Out();
        var cluster = await TwoSilos();
        try
        {
            var runner = Runner(cluster, scenario, new ClusterSweepOptions { BatchSize = 16, Lanes = 4 });
            Assert.Equal(json, scenario.Json(runner));
            var batches = runner.Statistics.BatchesBySilo;
            Assert.Equal(2, batches.Count);
            Assert.Equal((scenario.Spec.Policies.Length + 12 + 1 + 15) / 16, batches.Values.Sum());

            // The spec and the data went to each silo once or, when lanes raced to a silo, once per lane: not once
            // per batch; each silo's cache holds both.
            Assert.InRange(runner.Statistics.Uploads, 4, 2 * 4);
            foreach (var silo in cluster.Silos.Cast<InProcessSiloHandle>())
            {
                Assert.Equal(2, silo.SiloHost.Services.GetRequiredService<SweepWorkerCache>().Stored);
            }

            SweepScenario.AssertSame(files, scenario.Out(runner));
            Assert.Equal(0, runner.Statistics.Uploads);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task SiloKilledMidSweep_ChangesNoByte()
    {
        var scenario = new SweepScenario();
        var files = scenario.Out();
        var cluster = await TwoSilos();
        try
        {
            var victim = cluster.SecondarySilos[0];
            var runner = Runner(cluster, scenario, new ClusterSweepOptions { BatchSize = 4, Lanes = 4, CallTimeout = TimeSpan.FromSeconds(20), MaxAttempts = 20 });
            Task? kill = null;
            var outputs = scenario.Out(new ObservedRunner(runner, delivered =>
            {
                if (delivered == 40)
                {
                    kill = Task.Run(() => cluster.KillSiloAsync(victim));
                }
            }));
            Assert.NotNull(kill);
            await kill;

            SweepScenario.AssertSame(files, outputs);
            Assert.True(runner.Statistics.BatchesBySilo.ContainsKey(victim.SiloAddress.ToString()), "the killed silo ran batches before it died");
            Assert.True(runner.Statistics.Retries > 0, "some batch was sent again after the silo died");
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}
