using Ballast.Cluster.Keeping;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;
using Ballast.Service.Writing;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Keeping;

/// <summary>
/// The sharded keeper writes the journal the single-process keeper writes: the same scenario, driven day by day by
/// <see cref="KeeperService"/> in one process and by the keeper grains on an in-process cluster of three silos, ends
/// at the same journal head, event for event; vault grains moved or lost between ticks change nothing; the sequencer
/// decides every call again. The rounds go to the sequencer as one batch (<see cref="CommandWriterSubmitter"/>) or
/// command by command (<see cref="PerCommandSubmitter"/>, the form the cluster's sequencer grain takes them in).
/// </summary>
public sealed class ShardedKeeperTests
{
    private const int Days = 110;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ThreeSilos_WriteTheSingleProcessKeepersJournal_EventForEvent(bool commandByCommand)
    {
        var ct = TestContext.Current.CancellationToken;
        var single = await RunSingleProcessAsync(ct);

        await using var cluster = await KeeperTestSilos.StartClusterAsync(3, ct);
        var (sharded, ticks) = await RunShardedAsync(cluster, disturb: null, ct, commandByCommand);

        AssertSameJournal(single, sharded);
        AssertTheScenarioExercisesThePolicies(sharded);

        // The vault grains decided on more than one silo, and most calls were not sent: their policy would not act.
        Assert.True(ticks.SelectMany(t => t.DecidedBySilo.Keys).Distinct().Count() >= 2, "every decision came from one silo");
        var asked = ticks.Sum(t => t.Asked);
        var wouldChange = ticks.Sum(t => t.WouldChange);
        Assert.InRange(wouldChange, 1, asked - 1);
        var singleCalls = single.Count(e => e.Type == "command" && e.CommandId.EndsWith("-rebalance", StringComparison.Ordinal));
        Assert.Equal(singleCalls, sharded.Count(e => e.Type == "command" && e.CommandId.EndsWith("-rebalance", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task VaultGrainsDeactivatedAndASiloKilled_BetweenTicks_NoCallIsLostOrDoubled()
    {
        var ct = TestContext.Current.CancellationToken;
        var single = await RunSingleProcessAsync(ct);

        await using var cluster = await KeeperTestSilos.StartClusterAsync(3, ct);
        var (sharded, _) = await RunShardedAsync(cluster, async day =>
        {
            if (day % 20 == 10)
            {
                // Every idle activation goes: the vault grains come back wherever Orleans places them.
                await cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            }

            if (day == 60)
            {
                // A silo dies without warning; its vault grains (and maybe the coordinator) reactivate elsewhere.
                await cluster.KillSiloAsync(cluster.SecondarySilos[0]);
            }
        }, ct);

        AssertSameJournal(single, sharded);
        var ids = sharded.Where(e => e.Type == "command").Select(e => e.CommandId).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task ARoundSubmittedTwice_OrWithEveryVaultClaimingToFire_ChangesNothingTheSequencerDoesNotDecide()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var deployment = await KeeperDeployment.OpenAsync(ct);
        await deployment.SetUpAsync(ct);
        var keeper = new KeeperService(deployment.Writer, deployment.Clock, NullLogger<KeeperService>.Instance, TimeSpan.FromHours(1));
        for (var day = 0; day < 60; day++)
        {
            await deployment.DayAsync(day, () => keeper.RunRoundAsync(ct), ct);
        }

        var name = KeeperTestSilos.Serve(deployment);
        using var journals = new JournalStoreSource(_ => JournalStores.Open(deployment.Location));
        using var replica = new DeploymentReplica(name, journals, SpecPolicyCompiler.Instance);

        // The day's round again, at the head the keeper left: every vault claims its call would change the journal.
        var head = await replica.CatchUpAsync(long.MaxValue, ct);
        var now = deployment.Clock.GetUtcNow();
        var plan = replica.Read((state, h) => KeeperRoundPlan.Of(state, h, now));
        Assert.NotEmpty(plan.Ask);
        var forged = plan.Submit(plan.Ask.ToHashSet());
        var first = await KeeperTestSilos.Submitter.SubmitAsync(name, forged, ct);

        // The keeper had already acted on this day: the sequencer decides each call again and journals nothing.
        Assert.All(first, r => Assert.Equal(WriteStatus.Unchanged, r.Status));
        Assert.Equal(head, deployment.Writer.Head);

        // The next day, one call that fires, submitted twice under its id: journaled once, the second answered from the journal.
        await deployment.DayAsync(60, () => Task.CompletedTask, ct);
        head = await replica.CatchUpAsync(long.MaxValue, ct);
        now = deployment.Clock.GetUtcNow();
        plan = replica.Read((state, h) => KeeperRoundPlan.Of(state, h, now));
        var firing = plan.Ask.Where(v => replica.DecideRebalance(v, now).Outcome.Status == CommandStatus.Applied).ToHashSet();
        Assert.NotEmpty(firing);
        var round = plan.Submit(firing);
        var applied = await KeeperTestSilos.Submitter.SubmitAsync(name, round, ct);
        var afterFirst = deployment.Writer.Head;
        var again = await KeeperTestSilos.Submitter.SubmitAsync(name, round, ct);

        Assert.Contains(applied, r => r.Status == WriteStatus.Applied);
        Assert.All(again.Zip(applied), p => Assert.Equal(p.Second.Status == WriteStatus.Applied ? WriteStatus.Replayed : p.Second.Status, p.First.Status));
        Assert.Equal(afterFirst, deployment.Writer.Head);
        Assert.True(afterFirst.Sequence > head.Sequence);
    }

    [Fact]
    public async Task AFakeKeeperClock_DrivesTheTicks_AndNothingElseDoes()
    {
        // The ticks run on the keeper's own clock (KeeperTickOptions.Clock), a FakeTimeProvider advanced by the test:
        // made the silo's TimeProvider, a frozen clock stalled Orleans' membership and gateway timers too, and the test
        // client failed to connect on CI. The decisions are made at the sequencer's (fake) time, through NowAsync.
        var ct = TestContext.Current.CancellationToken;
        await using var deployment = await KeeperDeployment.OpenAsync(ct);
        await deployment.SetUpAsync(ct);
        await deployment.DayAsync(0, () => Task.CompletedTask, ct);
        var name = KeeperTestSilos.Serve(deployment);
        var before = deployment.Writer.Head;

        await using var cluster = await KeeperTestSilos.StartClusterAsync(1, ct, fakeKeeperClock: true);
        var coordinator = cluster.GrainFactory.GetGrain<IKeeperCoordinatorGrain>(name);
        await coordinator.StartAsync();
        await coordinator.StartAsync(); // a second start (another silo's) leaves the one timer running

        // The first tick is due at once; then nothing until the keeper's clock moves an hour, however long we wait.
        await KeeperTestSilos.TicksAsync(coordinator, 1, ct);
        await Task.Delay(1500, ct);
        Assert.Equal(1, (await coordinator.StatusAsync()).Ticks);
        var first = await coordinator.StatusAsync();

        KeeperTestSilos.KeeperClock.Advance(TimeSpan.FromHours(1));
        await KeeperTestSilos.TicksAsync(coordinator, 2, ct);
        KeeperTestSilos.KeeperClock.Advance(TimeSpan.FromHours(1));
        var status = await KeeperTestSilos.TicksAsync(coordinator, 3, ct);
        Assert.True(status.Ticking);
        Assert.Equal(0, status.Failed);

        // Stopped: the clock moves on and no tick comes.
        await coordinator.StopAsync();
        KeeperTestSilos.KeeperClock.Advance(TimeSpan.FromHours(2));
        await Task.Delay(1500, ct);
        var stopped = await coordinator.StatusAsync();
        Assert.False(stopped.Ticking);
        Assert.Equal(3, stopped.Ticks);

        // The first tick filled the deposits requested before the first reports (a duty of the round); the later ones
        // were planned at the head it left.
        Assert.NotNull(first.Last);
        Assert.True(deployment.Writer.Head.Sequence > before.Sequence);
        Assert.True(status.Last!.Head > before.Sequence);
    }

    [Theory]
    [InlineData("", "a")]
    [InlineData("a/b", "c")]
    public void VaultKey_RefusesADeploymentNameThatCannotBeParsedBack(string deployment, string vault) =>
        Assert.Throws<ArgumentException>(() => KeeperGrainKeys.Vault(deployment, new VaultId(vault)));

    [Fact]
    public void VaultKey_ParsesBackToItsDeploymentAndVault() =>
        Assert.Equal(("demo", new VaultId("mix-1")), KeeperGrainKeys.ParseVault(KeeperGrainKeys.Vault("demo", new VaultId("mix-1"))));

    private static async Task<IReadOnlyList<JournalEvent>> RunSingleProcessAsync(CancellationToken ct)
    {
        await using var deployment = await KeeperDeployment.OpenAsync(ct);
        await deployment.SetUpAsync(ct);
        using var keeper = new KeeperService(deployment.Writer, deployment.Clock, NullLogger<KeeperService>.Instance, TimeSpan.FromHours(1));
        for (var day = 0; day < Days; day++)
        {
            await deployment.DayAsync(day, () => keeper.RunRoundAsync(ct), ct);
        }

        return await deployment.EventsAsync(ct);
    }

    private static async Task<(IReadOnlyList<JournalEvent> Events, List<KeeperTick> Ticks)> RunShardedAsync(TestCluster cluster, Func<int, Task>? disturb, CancellationToken ct, bool commandByCommand = false)
    {
        await using var deployment = await KeeperDeployment.OpenAsync(ct);
        await deployment.SetUpAsync(ct);
        var name = KeeperTestSilos.Serve(deployment, commandByCommand);
        var ticks = new List<KeeperTick>();
        for (var day = 0; day < Days; day++)
        {
            if (disturb is not null)
            {
                await disturb(day);
            }

            await deployment.DayAsync(day, async () => ticks.Add(await cluster.GrainFactory.GetGrain<IKeeperCoordinatorGrain>(name).TickAsync()), ct);
        }

        return (await deployment.EventsAsync(ct), ticks);
    }

    private static void AssertSameJournal(IReadOnlyList<JournalEvent> single, IReadOnlyList<JournalEvent> sharded)
    {
        for (var i = 0; i < Math.Min(single.Count, sharded.Count); i++)
        {
            Assert.True(single[i] == sharded[i], $"event {i + 1} differs: single-process {single[i].Type} {single[i].CommandId} {single[i].Payload}; sharded {sharded[i].Type} {sharded[i].CommandId} {sharded[i].Payload}");
        }

        Assert.Equal(single.Count, sharded.Count);
        Assert.Equal(JournalHead.After(single[^1]), JournalHead.After(sharded[^1]));
    }

    /// <summary>The scenario is not trivial: risk-based and banded vaults rebalance with trades, a regime is observed, requests are filled.</summary>
    private static void AssertTheScenarioExercisesThePolicies(IReadOnlyList<JournalEvent> events)
    {
        var rebalanced = events.Where(e => e.Type == "rebalanced").Select(e => (Rebalanced)EventTypes.Parse(e.Type, e.Payload)).Where(r => !r.Trades.IsDefaultOrEmpty).ToList();
        foreach (var vault in new[] { "v-band", "v-ivol", "v-rp", "v-minvar" })
        {
            Assert.Contains(rebalanced, r => r.Vault.Value == vault && r.Row > 0);
        }

        Assert.Contains(events, e => e.Type == "policy-observed");
        Assert.Contains(events, e => e.Type == "command" && e.CommandId.Contains("-fill-", StringComparison.Ordinal));
    }
}
