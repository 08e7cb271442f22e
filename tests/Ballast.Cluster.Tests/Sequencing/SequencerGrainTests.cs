using Ballast.Cluster.Sequencing;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Tests.Sequencing;

/// <summary>
/// The sequencer grain on in-process clusters over a real PostgreSQL journal: the write lock and the head check keep
/// one writer per journal whatever Orleans does, retries get stored outcomes, and deployments live side by side.
/// </summary>
public sealed class SequencerGrainTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoClusters_RacingForOneJournal_OneWritesTheOtherIsRefused_AndTheJournalVerifies()
    {
        // Two clusters that do not know each other are the extreme of Orleans activating one grain twice.
        await using var database = await TestDatabase.CreateAsync();
        await using var first = await SequencerCluster.StartAsync(database);
        await using var second = await SequencerCluster.StartAsync(database);
        SequencerCluster.Applied(await first.Submitter("race").SubmitAsync(SequencerCluster.Usd("usd"), Cancel));

        var sends = Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).Submitter("race").SubmitAsync(SequencerCluster.Issue($"issue-{i}", "alice", 1_000), Cancel));
        var results = await Task.WhenAll(sends);

        // The first cluster's activation holds the lock: all its commands apply; every one sent to the other is refused, nothing written.
        Assert.All(results.Where((_, i) => i % 2 == 0), SequencerCluster.Applied);
        Assert.All(results.Where((_, i) => i % 2 == 1), r =>
        {
            Assert.Equal(WriteStatus.Failed, r.Status);
            Assert.True(r.Error is Ballast.Protocol.Journal.JournalStoreException { IsTransient: true }, r.Error?.ToString());
        });
        var journaled = await first.VerifiedCommandsAsync("race");
        Assert.Equal(["usd", .. Enumerable.Range(0, 40).Where(i => i % 2 == 0).Select(i => $"issue-{i}")], journaled.Order(StringComparer.Ordinal).OrderBy(id => id == "usd" ? -1 : int.Parse(id["issue-".Length..], System.Globalization.CultureInfo.InvariantCulture)));

        // When the holder goes, the other takes the journal over from where it is, and a retry of an applied command gets its stored outcome.
        await first.Cluster.StopAllSilosAsync(Cancel);
        var retried = await RetryUntilDecidedAsync(second.Submitter("race"), SequencerCluster.Issue("issue-0", "alice", 1_000));
        Assert.Equal(WriteStatus.Replayed, retried.Status);
        SequencerCluster.Applied(await second.Submitter("race").SubmitAsync(SequencerCluster.Issue("issue-1", "alice", 1_000), Cancel));
        Assert.Equal(22, (await second.VerifiedCommandsAsync("race")).Count);
    }

    [Fact]
    public async Task RetriedCommands_GetTheirStoredOutcomes_ThroughTheGrain()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await SequencerCluster.StartAsync(database);
        var submitter = cluster.Submitter("main");
        var applied = await submitter.SubmitAsync(SequencerCluster.Usd("usd"), Cancel);
        SequencerCluster.Applied(applied);

        var replayed = await submitter.SubmitAsync(SequencerCluster.Usd("usd"), Cancel);
        Assert.Equal(WriteStatus.Replayed, replayed.Status);
        Assert.Equal(applied.Events, replayed.Events);

        var refused = await submitter.SubmitAsync(SequencerCluster.Usd("usd-again"), Cancel);
        Assert.Equal(WriteStatus.Rejected, refused.Status);
        Assert.False(refused.StoredRefusal);
        var refusedAgain = await submitter.SubmitAsync(SequencerCluster.Usd("usd-again"), Cancel);
        Assert.Equal(WriteStatus.Rejected, refusedAgain.Status);
        Assert.True(refusedAgain.StoredRefusal);
        Assert.Equal(refused.Rejection, refusedAgain.Rejection);

        Assert.Equal(WriteStatus.KeyReused, (await submitter.SubmitAsync(SequencerCluster.Issue("usd", "alice", 5), Cancel)).Status);

        // After the grain moves (here: deactivated), the stored outcomes are the same.
        await cluster.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)cluster.Cluster.Client.GetGrain<ISequencerGrain>("main"));
        var afterMove = await RetryUntilDecidedAsync(submitter, SequencerCluster.Usd("usd"));
        Assert.Equal(WriteStatus.Replayed, afterMove.Status);
        Assert.Equal(applied.Events, afterMove.Events);
        Assert.Equal(["usd"], await cluster.VerifiedCommandsAsync("main"));
    }

    [Fact]
    public async Task SeveralDeployments_SideBySide_EachWritesItsOwnJournal()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await SequencerCluster.StartAsync(database, silos: 2);
        string[] deployments = ["alpha", "beta", "gamma", "delta"];
        await Task.WhenAll(deployments.Select(async (d, k) =>
        {
            var submitter = cluster.Submitter(d);
            SequencerCluster.Applied(await submitter.SubmitAsync(SequencerCluster.Usd($"{d}-usd"), Cancel));
            for (var i = 0; i <= k; i++)
            {
                SequencerCluster.Applied(await submitter.SubmitAsync(SequencerCluster.Issue($"{d}-issue-{i}", "alice", 7), Cancel));
            }
        }));

        foreach (var (d, k) in deployments.Select((d, k) => (d, k)))
        {
            Assert.Equal([$"{d}-usd", .. Enumerable.Range(0, k + 1).Select(i => $"{d}-issue-{i}")], await cluster.VerifiedCommandsAsync(d));
            var status = await cluster.Cluster.Client.GetGrain<ISequencerGrain>(d).Status();
            Assert.Equal(d, status.Deployment);
            Assert.True(status.HeadSequence > 0);
        }
    }

    [Fact]
    public async Task AnotherWriterMovesTheHead_TheSequencerStopsAndANewActivationCarriesOn()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await SequencerCluster.StartAsync(database);
        var submitter = cluster.Submitter("main");
        SequencerCluster.Applied(await submitter.SubmitAsync(SequencerCluster.Usd("usd"), Cancel));

        // A writer that ignores the lock (a single-process serve on the same journal, say) appends behind the grain's back.
        using (var store = new PostgresJournalStore(cluster.Options.ConnectionStringOf("main"), "main"))
        {
            var outsider = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), TimeProvider.System, Cancel);
            Assert.Equal(CommandStatus.Applied, (await outsider.SubmitAsync(SequencerCluster.Issue("outsider", "bob", 3), Cancel)).Status);
        }

        // The grain's next write meets the moved head: refused, nothing written, and the activation goes.
        var stale = await submitter.SubmitAsync(SequencerCluster.Issue("after", "alice", 4), Cancel);
        Assert.Equal(WriteStatus.Failed, stale.Status);
        Assert.IsType<Ballast.Protocol.Journal.JournalStoreException>(stale.Error);
        Assert.Contains("moved the journal's head", stale.Error!.Message, StringComparison.Ordinal);

        // The retry reaches a new activation, rebuilt from the journal (the outsider's command included).
        SequencerCluster.Applied(await RetryUntilDecidedAsync(submitter, SequencerCluster.Issue("after", "alice", 4)));
        Assert.Equal(["usd", "outsider", "after"], await cluster.VerifiedCommandsAsync("main"));
    }

    /// <summary>Sends <paramref name="command"/> until it is decided (a client retrying with the same key while the sequencer moves).</summary>
    private static async Task<WriteResult> RetryUntilDecidedAsync(ICommandSubmitter submitter, ProtocolCommand command)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await submitter.SubmitAsync(command, Cancel);
            if (result.Status != WriteStatus.Failed || attempt == 100)
            {
                return result;
            }

            await Task.Delay(100, Cancel);
        }
    }
}
