using Ballast.Accounting;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Ballast.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ballast.Service.Tests;

/// <summary>
/// The writer is the journal's single writer even when it is started twice (the demo starts it to set up before the
/// host starts its hosted services, the writer among them). A second decision loop on the one sequencer decided a
/// command while another batch was between its decision and its commit: in the demo, the reporter's next NAV report
/// was decided on a state holding the keeper's fill that was not yet journaled, won the race to the journal, and the
/// fill was journaled after it, so the journal held a report its own replay refuses (requests-due).
/// </summary>
public sealed class SingleWriterLoopTests
{
    private static readonly AccountId Issuer = new("issuer");

    [Fact]
    public async Task StartedTwice_ACommandQueuedDuringABatch_IsDecidedAfterIt_AndTheJournalVerifies()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempJournal("ballast-writer-loop-");
        var engine = temp.Engine;
        {
            using var store = new GatedJournalStore(JournalStores.Open(temp.Location));
            var sequencer = await ProtocolSequencer.OpenAsync(store, engine, temp.Clock, ct);
            var metrics = new ServiceMetrics(null);
            using var writer = new CommandWriter(sequencer, new JournalSignal(), NullLogger<CommandWriter>.Instance, metrics);

            // As BallastService does in demo mode: started for the set-up, then again by the host.
            await writer.StartAsync(ct);
            await writer.StartAsync(ct);
            try
            {
                var first = writer.SubmitAsync(new CreateAsset("first", Issuer, new AssetSymbol("USD"), 6), ct);
                await store.FirstAppendEntered.WaitAsync(TimeSpan.FromSeconds(30), ct);

                // The first batch is decided and held between its decision and its commit. A second loop would decide
                // this one now, on the first batch's uncommitted state, and commit it first.
                var second = writer.SubmitAsync(new IssueAsset("second", Issuer, new AssetSymbol("USD"), new AccountId("alice"), 1_000_000), ct);
                await Task.WhenAny(store.SecondAppendEntered, Task.Delay(TimeSpan.FromSeconds(2), ct));
                store.Release();

                var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30), ct);
                Assert.All(results, r => Assert.Equal(WriteStatus.Applied, r.Status));

                // Arrival order is journal order, and the journal the writer wrote verifies.
                var events = await store.ReadAsync(1, ct).ToListAsync(ct);
                var report = JournalReplay.Verify(events, engine);
                Assert.True(report.IsValid, report.Discrepancy?.ToString());
                Assert.Equal(["first", "first", "second", "second"], events.Select(e => e.CommandId));
                Assert.Equal(JournalHead.After(events[^1]), sequencer.Head);
                Assert.Equal(1, store.MostAppendsAtOnce);
            }
            finally
            {
                store.Release();
                await writer.StopAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// A store whose first batch append waits at the gate until <see cref="Release"/> (later ones pass), and which
    /// counts the batch appends in progress at once.
    /// </summary>
    private sealed class GatedJournalStore(IJournalStore inner) : DelegatingJournalStore(inner)
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _appends;
        private int _inProgress;
        private int _most;

        public Task FirstAppendEntered => _first.Task;

        public Task SecondAppendEntered => _second.Task;

        public int MostAppendsAtOnce => Volatile.Read(ref _most);

        public void Release() => _gate.TrySetResult();

        public override async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _inProgress);
            for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
            {
            }

            try
            {
                if (Interlocked.Increment(ref _appends) == 1)
                {
                    _first.TrySetResult();
                    await _gate.Task.ConfigureAwait(false);
                }
                else
                {
                    _second.TrySetResult();
                }

                return await Inner.AppendBatchAsync(commands, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inProgress);
            }
        }

    }
}
