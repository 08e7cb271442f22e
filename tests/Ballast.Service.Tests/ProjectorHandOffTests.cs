using Ballast.Accounting;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;
using Ballast.Service.Projection;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Ballast.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ballast.Service.Tests;

/// <summary>
/// The writer hands each committed batch's events to the projector in memory (<see cref="JournalSignal.TakeCommitted"/>),
/// so the projector does not read them back from the database; when the journal moved under the writer (another
/// writer appended, the sequencer reloaded), the hand-off does not chain from the projector's head and the projector
/// reads the journal instead. Either way the read model is the one a rebuild from the journal gives.
/// </summary>
public sealed class ProjectorHandOffTests
{
    private static readonly AccountId Issuer = new("issuer");
    private static readonly AssetSymbol Usd = new("USD");

    [Fact]
    public async Task CommittedBatches_ReachTheProjectorInMemory_AndEventsAnotherWriterAppended_AreReadFromTheJournal()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempJournal("ballast-hand-off-");
        var (location, engine, clock) = (temp.Location, temp.Engine, temp.Clock);
        {
            using var writerStore = JournalStores.Open(location);
            using var readerStore = new CountingStore(JournalStores.Open(location));
            var signal = new JournalSignal();
            using var writer = new CommandWriter(await ProtocolSequencer.OpenAsync(writerStore, engine, clock, ct), signal, NullLogger<CommandWriter>.Instance, new ServiceMetrics(null));
            using var projector = new Projector(readerStore, signal, new ProjectionBuilder(KeeperService.Account), NullLogger<Projector>.Instance);
            await writer.StartAsync(ct);
            await projector.StartAsync(ct);
            try
            {
                await projector.WhenReady.WaitAsync(TimeSpan.FromSeconds(30), ct);
                var readsAtStart = readerStore.Reads;
                Assert.Equal(WriteStatus.Applied, (await writer.SubmitAsync(new CreateAsset("usd", Issuer, Usd, 6), ct)).Status);
                var sent = Enumerable.Range(0, 40).Select(i => writer.SubmitAsync(new IssueAsset($"issue-{i}", Issuer, Usd, new AccountId($"a{i % 3}"), 1 + (UInt128)i), ct)).ToList();
                Assert.All(await Task.WhenAll(sent).WaitAsync(TimeSpan.FromSeconds(30), ct), r => Assert.Equal(WriteStatus.Applied, r.Status));
                await projector.Published.WaitBeyondAsync(writer.Head.Sequence - 1, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                Assert.Equal(writer.Head, projector.Current.Head);
                Assert.Equal(readsAtStart, readerStore.Reads); // nothing read back from the database
                Assert.Equal(0L, projector.HandOffMissed);
                await AssertIsTheJournalsAsync(projector.Current, location, ct);

                // Another writer on the same file (as `ballast gov` would be) appends: the writer's next batch lost the
                // race, its sequencer reloaded and decided again, so its events do not follow the projector's head.
                using (var otherStore = JournalStores.Open(location))
                {
                    var other = await ProtocolSequencer.OpenAsync(otherStore, engine, clock, ct);
                    Assert.Equal(CommandStatus.Applied, (await other.SubmitAsync(new IssueAsset("elsewhere", Issuer, Usd, new AccountId("b"), 7), ct)).Status);
                }

                Assert.Equal(WriteStatus.Applied, (await writer.SubmitAsync(new IssueAsset("after", Issuer, Usd, new AccountId("b"), 8), ct)).Status);
                await projector.Published.WaitBeyondAsync(writer.Head.Sequence - 1, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                Assert.Equal(writer.Head, projector.Current.Head);
                Assert.Equal(1L, projector.HandOffMissed);
                Assert.True(readerStore.Reads > readsAtStart);
                await AssertIsTheJournalsAsync(projector.Current, location, ct);
            }
            finally
            {
                await writer.StopAsync(CancellationToken.None);
                await projector.StopAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The served model is the one a builder fed the whole journal from the database makes (its accounts and recent events).</summary>
    private static async Task AssertIsTheJournalsAsync(ReadModel served, string location, CancellationToken ct)
    {
        using var journal = JournalStores.Open(location);
        var rebuilt = new ProjectionBuilder(KeeperService.Account);
        await foreach (var e in journal.ReadAsync(1, ct))
        {
            rebuilt.Apply(e);
        }

        var model = rebuilt.Publish();
        Assert.Equal(model.Head, served.Head);
        Assert.Equal(model.Recent, served.Recent);
        Assert.Equal(model.Accounts.Keys.Order(StringComparer.Ordinal), served.Accounts.Keys.Order(StringComparer.Ordinal));
        foreach (var (account, view) in model.Accounts)
        {
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(view), System.Text.Json.JsonSerializer.Serialize(served.Accounts[account]));
        }
    }

    /// <summary>A store that counts the reads started on it.</summary>
    private sealed class CountingStore(IJournalStore inner) : DelegatingJournalStore(inner)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return base.ReadAsync(fromSequence, cancellationToken);
        }
    }
}
