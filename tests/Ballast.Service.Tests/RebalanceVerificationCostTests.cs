using System.Net;
using System.Runtime.CompilerServices;
using Ballast.Io.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Projection;
using Microsoft.Extensions.DependencyInjection;

namespace Ballast.Service.Tests;

/// <summary>
/// "Verify this rebalance" is bounded: repeated and concurrent calls do not replay the journal again (counted by
/// <see cref="RebalanceVerifications.Replays"/>, not timed), a rebalance journaled later costs one more replay, and
/// the results stay right: each equals what a replay of its own prefix gives, and an altered journal is still caught.
/// </summary>
public class RebalanceVerificationCostTests
{
    private const string Mix = ServiceHarness.Composed;

    [Fact]
    public async Task RepeatedVerifies_ReplayOnce_UntilARebalanceIsJournaledAfter()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        await RebalanceSeveralTimesAsync(h, days: 8, "a");
        var verifications = h.Service.App.Services.GetRequiredService<RebalanceVerifications>();
        var rebalances = h.Service.Projector.Current.Rebalances[Mix];
        Assert.True(rebalances.Count >= 2, $"{rebalances.Count} rebalances");

        // Many calls, some concurrent, on every rebalance: one replay.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(rebalances.Select(async r =>
            {
                var v = await h.GetJsonAsync($"/api/vaults/{Mix}/rebalances/{r.Sequence}/verify");
                Assert.True(v.GetProperty("verified").GetBoolean(), v.GetRawText());
                Assert.True(v.GetProperty("identical").GetBoolean(), v.GetRawText());
                Assert.Equal(r.InputsDigest, v.GetProperty("inputs_digest").GetString());
            }));
        }

        Assert.Equal(1, verifications.Replays);

        // Unknown, future and non-rebalance sequences cost no replay.
        foreach (var sequence in new[] { 1L, h.Service.Projector.Current.Head.Sequence + 1, long.MaxValue })
        {
            using var response = await h.Client.GetAsync($"/api/vaults/{Mix}/rebalances/{sequence}/verify", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(1, verifications.Replays);

        // A rebalance journaled since: one more replay for it, then none again for any.
        await RebalanceSeveralTimesAsync(h, days: 4, "b");
        var later = h.Service.Projector.Current.Rebalances[Mix];
        Assert.True(later.Count > rebalances.Count);
        var newest = await h.GetJsonAsync($"/api/vaults/{Mix}/rebalances/{later[^1].Sequence}/verify");
        Assert.True(newest.GetProperty("verified").GetBoolean(), newest.GetRawText());
        foreach (var r in later)
        {
            await h.GetJsonAsync($"/api/vaults/{Mix}/rebalances/{r.Sequence}/verify");
        }

        Assert.Equal(2, verifications.Replays);
    }

    [Fact]
    public async Task Results_AreThoseOfAReplayOfEachPrefix_AndAnAlteredJournalIsCaught()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        await RebalanceSeveralTimesAsync(h, days: 8, "c");
        var rebalances = h.Service.Projector.Current.Rebalances[Mix];
        var store = h.Service.App.Services.GetRequiredService<Ballast.Service.Endpoints.ReadStore>().Store;
        var evidence = new DataEvidenceVerifier();

        // Sound journal: each result is the replay of its own prefix (what the service did before the cache).
        var sound = new RebalanceVerifications(store, evidence);
        foreach (var r in rebalances)
        {
            var v = await sound.VerifyAsync(Mix, r.Sequence, TestContext.Current.CancellationToken);
            Assert.NotNull(v);
            var prefix = await PrefixAsync(store, r.Sequence);
            var replay = Ballast.Protocol.JournalReplay.Verify(prefix, new Ballast.Protocol.ProtocolEngine(Ballast.Io.Protocol.SpecPolicyCompiler.Instance, evidence));
            Assert.True(v.Verified);
            Assert.Equal(replay.EventsChecked, v.EventsChecked);
            Assert.Equal(prefix[^1].Sequence, v.EventsChecked);
            Assert.True(v.Identical);
        }

        Assert.Equal(1, sound.Replays);

        // One NAV report between the first and the last rebalance altered (its hash left as stored): the rebalances
        // after it are not verified, the ones before still are.
        var first = rebalances[0].Sequence;
        var last = rebalances[^1].Sequence;
        var all = await PrefixAsync(store, last);
        var altered = all.First(e => e.Sequence > first + 2 && e.Payload.Contains("\"total_assets\":\"", StringComparison.Ordinal));
        var tampered = new RebalanceVerifications(new AlteringStore(store, altered.Sequence), evidence);
        var before = await tampered.VerifyAsync(Mix, first, TestContext.Current.CancellationToken);
        var after = await tampered.VerifyAsync(Mix, last, TestContext.Current.CancellationToken);
        Assert.True(before!.Verified, before.Discrepancy);
        Assert.False(after!.Verified);
        Assert.NotNull(after.Discrepancy);
        Assert.True(after.EventsChecked < altered.Sequence, $"{after.EventsChecked} events checked, altered {altered.Sequence}");
    }

    private static async Task RebalanceSeveralTimesAsync(ServiceHarness h, int days, string prefix)
    {
        await h.ReportAllAsync(1.0, $"{prefix}-d0");
        await h.KeeperRoundAsync();
        for (var day = 0; day < days; day++)
        {
            await h.ReportAllAsync(i => i == 0 ? 1.12 : 0.96, $"{prefix}-d{day + 1}"); // drifts past hybrid's 25 % in 3 days
            await h.KeeperRoundAsync();
        }
    }

    /// <summary>The journal from 1 to the end of the command holding <paramref name="sequence"/>.</summary>
    private static async Task<List<JournalEvent>> PrefixAsync(IJournalStore store, long sequence)
    {
        var events = new List<JournalEvent>();
        string? command = null;
        await foreach (var e in store.ReadAsync(1, TestContext.Current.CancellationToken))
        {
            if (command is not null && e.CommandId != command)
            {
                break;
            }

            events.Add(e);
            if (e.Sequence == sequence)
            {
                command = e.CommandId;
            }
        }

        return events;
    }

    /// <summary>A read view of a store in which the event at one sequence carries a different NAV (its stored hashes kept).</summary>
    private sealed class AlteringStore(IJournalStore inner, long sequence) : IJournalStore
    {
        public Task<JournalHead> HeadAsync(CancellationToken cancellationToken = default) => inner.HeadAsync(cancellationToken);

        public Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var e in inner.ReadAsync(fromSequence, cancellationToken))
            {
                yield return e.Sequence == sequence
                    ? new JournalEvent(e.Sequence, e.Time, e.Type, e.CommandId, Alter(e.Payload), e.PreviousHash, e.Hash)
                    : e;
            }
        }

        public Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(string commandId, CancellationToken cancellationToken = default) => inner.FindCommandAsync(commandId, cancellationToken);

        public Task SaveSnapshotAsync(long sequence, string stateJson, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<JournalSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken = default) => inner.LatestSnapshotAsync(cancellationToken);

        public Task<bool> PutBlobAsync(string sha256Hex, string text, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string?> GetBlobAsync(string sha256Hex, CancellationToken cancellationToken = default) => inner.GetBlobAsync(sha256Hex, cancellationToken);

        public void Dispose()
        {
        }

        /// <summary>The payload with its first run of digits one larger in its last digit (a NAV nudged by one base unit).</summary>
        private static string Alter(string payload)
        {
            var m = System.Text.RegularExpressions.Regex.Match(payload, "\"total_assets\":\"([0-9]+)\"");
            Assert.True(m.Success, payload);
            var digits = m.Groups[1].Value;
            var nudged = digits[..^1] + (char)('0' + ((digits[^1] - '0' + 1) % 10));
            return payload.Replace(m.Value, $"\"total_assets\":\"{nudged}\"", StringComparison.Ordinal);
        }
    }
}
