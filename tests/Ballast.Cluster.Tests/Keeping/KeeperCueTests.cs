using Ballast.Accounting;
using Ballast.Cluster.Hosting;
using Ballast.Cluster.Keeping;
using Ballast.Cluster.Sequencing;
using Ballast.Protocol;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Ballast.Service.Writing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Keeping;

/// <summary>
/// The sequencer cues the sharded keeper on NAV reports (<see cref="SequencingOptions.CueShardedKeeper"/>), as the
/// single-process keeper runs a round on a report: on a silo hosting both (as <c>ballast serve --cluster</c>), with the
/// coordinator's timer on a frozen clock, a batch holding an applied NAV report brings one round at once, planned at
/// or after the report; other commands bring none.
/// </summary>
public sealed class KeeperCueTests
{
    private const string Deployment = "cue_test";

    [Fact]
    public async Task ANavReportApplied_BringsARoundAtOnce_OtherCommandsDoNot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        var sequencing = new SequencingOptions { ConnectionString = database.ConnectionString, Keeper = false, CueShardedKeeper = true };
        var frozen = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseBallastReminders(database.ConnectionString).AddBallastSequencing(sequencing);
            silo.Services.AddShardedKeeper(
                _ => SequencerGrainKeeper.Journals(sequencing),
                sp => SequencerGrainKeeper.Submitter(sp.GetRequiredService<IGrainFactory>()),
                new KeeperTickOptions { Interval = TimeSpan.FromHours(1), Clock = frozen });
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(ct);
        try
        {
            var submitter = new GrainCommandSubmitter(cluster.Client, Deployment);
            var scenario = DemoSetup.LoadScenario();
            await DemoSetup.SetUpAsync(submitter, scenario, new ApiKeyRing(), ct);
            var coordinator = cluster.Client.GetGrain<IKeeperCoordinatorGrain>(Deployment);
            await coordinator.StartAsync();
            await KeeperTestSilos.TicksAsync(coordinator, 1, ct);

            // A command that is not a NAV report: no round (the keeper's clock does not move).
            Applied(await submitter.SubmitAsync(new IssueAsset("cue-issue", new AccountId("issuer"), scenario.AssetSymbol, new AccountId("carol"), 1), ct));
            await Task.Delay(1500, ct);
            Assert.Equal(1, (await coordinator.StatusAsync()).Ticks);

            // The first reports (the children hold nothing yet): a round comes at once, the keeper's clock still frozen.
            var firstReport = long.MaxValue;
            foreach (var child in scenario.Prices.Names)
            {
                var result = await submitter.SubmitAsync(new ReportNavCommand($"cue-report-{child}", new AccountId("reporter"), new VaultId(child), 0), ct);
                Applied(result);
                firstReport = Math.Min(firstReport, result.Events.Min(e => e.Sequence));
            }

            var status = await KeeperTestSilos.TicksAsync(coordinator, 2, ct, exactly: false);
            var last = (await coordinator.StatusAsync()).Last!;
            Assert.True(last.Head >= firstReport, $"the last round was planned at {last.Head}, before the first report at {firstReport}");
            Assert.Equal(0, status.Failed);
        }
        finally
        {
            await cluster.StopAllSilosAsync(ct);
        }
    }

    private static void Applied(WriteResult result) =>
        Assert.True(result.Status == WriteStatus.Applied, $"{result.CommandId}: {result.Status} {result.Rejection} {result.Error?.Message}");
}
