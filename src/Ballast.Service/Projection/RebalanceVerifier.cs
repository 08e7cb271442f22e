using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Hashing;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Projection;

/// <summary>
/// "Verify this rebalance": the journal up to and including the rebalance's command is checked by
/// <see cref="JournalReplay.Verify"/>, the same replay <c>ballast verify</c> runs (hash chain, canonical payloads,
/// every command decided again and compared byte for byte). The decision is also shown as re-derived: the command is
/// decided again on the state replayed up to it, and its <see cref="Rebalanced"/> event set beside the journaled one.
/// </summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Sequence">The journaled <see cref="Rebalanced"/> event's sequence.</param>
/// <param name="CommandId">The rebalance command's id.</param>
/// <param name="Verified">Whether the journal 1..the command's last event verifies (so the rebalance is re-derived exactly).</param>
/// <param name="EventsChecked">Events the replay checked.</param>
/// <param name="Discrepancy">The first discrepancy the replay found, or null.</param>
/// <param name="InputsDigest">The inputs digest as journaled.</param>
/// <param name="Journaled">The journaled rebalance event (canonical JSON).</param>
/// <param name="Rederived">The rebalance event the rules give now on the replayed state (canonical JSON), or null when they give none.</param>
/// <param name="Identical">Whether <paramref name="Rederived"/> equals <paramref name="Journaled"/> byte for byte.</param>
public sealed record RebalanceVerification(string Vault, long Sequence, string CommandId, bool Verified, long EventsChecked, string? Discrepancy, string InputsDigest, string Journaled, string? Rederived, bool Identical);

/// <summary>
/// Verifies journaled rebalances (see <see cref="RebalanceVerification"/>) without replaying the journal on every
/// call. One replay (<see cref="JournalReplay.VerifyAsync"/>, the check <c>ballast verify</c> runs, streamed from the
/// read store) covers the journal from sequence 1 to its end as read, and in the same pass re-derives every rebalance
/// in it on a state kept from the journaled events; each result is kept under the hash of the last event of its
/// command (the head of the prefix it stands for, which the hash chain ties to every event before it). A later call
/// reads only that command's events: when the stored hash is the one the result was made under, the result is
/// served as is; otherwise (a rebalance journaled since, or a changed journal) one new replay is made. Replays run one
/// at a time, and callers waiting for one are served by it: however many calls arrive, the replays made are at most
/// one per change of the journal between calls. <see cref="Replays"/> counts them.
/// </summary>
public sealed class RebalanceVerifications(IJournalStore store, IEvidenceVerifier evidence)
{
    private readonly IJournalStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly IEvidenceVerifier _evidence = evidence ?? throw new ArgumentNullException(nameof(evidence));
    private readonly SemaphoreSlim _replaying = new(1, 1);
    private ImmutableDictionary<long, Verified> _results = ImmutableDictionary<long, Verified>.Empty;
    private long _replays;

    /// <summary>Whole-journal replays made so far (a test's and an operator's view of the cost).</summary>
    public long Replays => Interlocked.Read(ref _replays);

    /// <summary>
    /// The verification of the rebalance of <paramref name="vault"/> journaled at <paramref name="sequence"/>, or null
    /// when no rebalance of that vault is there.
    /// </summary>
    public async Task<RebalanceVerification?> VerifyAsync(string vault, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var command = await CommandFromAsync(sequence, cancellationToken).ConfigureAwait(false);
        if (command.Count == 0 || EventTypes.Parse(command[0].Type, command[0].Payload) is not Rebalanced r || Touches.Key(r.Vault) != vault)
        {
            return null;
        }

        var end = command[^1].Hash;
        if (Cached(sequence, end) is { } hit)
        {
            return hit;
        }

        await _replaying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A replay that finished while this call waited may have covered it.
            if (Cached(sequence, end) is { } covered)
            {
                return covered;
            }

            var report = await ReplayAsync(cancellationToken).ConfigureAwait(false);
            if (Cached(sequence, end) is { } verified)
            {
                return verified;
            }

            // The replay stopped at a discrepancy before this command (or the journal changed under it): not verified,
            // and kept so, under this command's hash, like any other result.
            var unreached = new RebalanceVerification(vault, sequence, command[0].CommandId, false, report.EventsChecked,
                report.Discrepancy?.What ?? "the replay did not reach this rebalance's command", r.InputsDigest, command[0].Payload, null, false);
            _results = _results.SetItem(sequence, new Verified(end, unreached));
            return unreached;
        }
        finally
        {
            _replaying.Release();
        }
    }

    private RebalanceVerification? Cached(long sequence, Sha256Digest end) =>
        _results.TryGetValue(sequence, out var v) && v.End == end ? v.Result : null;

    /// <summary>The stored events from <paramref name="sequence"/> to the end of its command.</summary>
    private async Task<List<JournalEvent>> CommandFromAsync(long sequence, CancellationToken cancellationToken)
    {
        var events = new List<JournalEvent>();
        if (sequence < 1)
        {
            return events;
        }

        await foreach (var e in _store.ReadAsync(sequence, cancellationToken).ConfigureAwait(false))
        {
            if (events.Count > 0 && e.CommandId != events[0].CommandId)
            {
                break;
            }

            if (events.Count == 0 && e.Sequence != sequence)
            {
                break;
            }

            events.Add(e);
        }

        return events;
    }

    /// <summary>One replay of the journal as stored now, re-deriving every rebalance in it; the results replace the kept ones.</summary>
    private async Task<ReplayReport> ReplayAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _replays);
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance, _evidence);
        var shadow = new ShadowState(engine);
        var report = await JournalReplay.VerifyAsync(shadow.Watch(_store.ReadAsync(1, cancellationToken)), engine, cancellationToken).ConfigureAwait(false);
        shadow.Finish();
        var failedAt = report.Discrepancy?.Sequence;
        var results = ImmutableDictionary.CreateBuilder<long, Verified>();
        foreach (var seen in shadow.Rebalances)
        {
            // The prefix 1..the command's end is sound when the first discrepancy lies beyond it and beyond the next
            // command's first event (whose arrival is when the replay re-derives this command).
            var verified = failedAt is null ? report.LastSequence >= seen.End.Sequence : failedAt > seen.End.Sequence + 1;
            var rederived = failedAt is null || failedAt > seen.CommandStart ? seen.Rederived : null;
            var result = new RebalanceVerification(seen.Vault, seen.Event.Sequence, seen.Event.CommandId, verified,
                verified ? seen.End.Sequence : report.EventsChecked, verified ? null : report.Discrepancy?.What ?? "the replay did not reach this rebalance's command",
                seen.Parsed.InputsDigest, seen.Event.Payload, rederived, rederived == seen.Event.Payload);
            results[seen.Event.Sequence] = new Verified(seen.End.Hash, result);
        }

        _results = results.ToImmutable();
        return report;
    }

    private sealed record Verified(Sha256Digest End, RebalanceVerification Result);

    /// <summary>A rebalance met in a replay: its event, its command's first sequence and last event, and the decision re-derived on the state before the command.</summary>
    private sealed record SeenRebalance(string Vault, JournalEvent Event, Rebalanced Parsed, long CommandStart, string? Rederived)
    {
        public JournalEvent End { get; set; } = Event;
    }

    /// <summary>
    /// The protocol state as the journaled events build it, kept beside the replay: at the end of each command that
    /// journaled a rebalance, the command is decided again on the state before it (the re-derived decision shown
    /// beside the journaled one), then its events are applied. A journal whose events do not parse or apply stops
    /// the shadow (the replay reports where).
    /// </summary>
    private sealed class ShadowState(ProtocolEngine engine)
    {
        private readonly ProtocolState _state = new();
        private readonly List<(JournalEvent Stored, ProtocolEvent Parsed)> _group = [];
        private bool _broken;

        public List<SeenRebalance> Rebalances { get; } = [];

        public async IAsyncEnumerable<JournalEvent> Watch(IAsyncEnumerable<JournalEvent> events)
        {
            await foreach (var e in events.ConfigureAwait(false))
            {
                Add(e);
                yield return e;
            }
        }

        public void Finish() => Close();

        private void Add(JournalEvent e)
        {
            if (_broken)
            {
                return;
            }

            ProtocolEvent parsed;
            try
            {
                parsed = EventTypes.Parse(e.Type, e.Payload);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or NotSupportedException or InvalidOperationException or FormatException)
            {
                _broken = true;
                return;
            }

            if (_group.Count > 0 && (e.CommandId != _group[0].Stored.CommandId || parsed is CommandAccepted))
            {
                Close();
            }

            _group.Add((e, parsed));
        }

        private void Close()
        {
            if (_broken || _group.Count == 0)
            {
                _group.Clear();
                return;
            }

            try
            {
                var rebalances = _group.Where(g => g.Parsed is Rebalanced).ToList();
                if (rebalances.Count > 0)
                {
                    var start = _group[0];
                    List<string> rederived = [];
                    if (start.Parsed is CommandAccepted accepted)
                    {
                        var outcome = engine.Decide(_state, accepted.Command, start.Stored.Time);
                        rederived = [.. outcome.Events.OfType<Rebalanced>().Select(EventTypes.Payload)];
                    }

                    foreach (var (stored, parsed) in rebalances)
                    {
                        var r = (Rebalanced)parsed;
                        var vault = Touches.Key(r.Vault);
                        var again = rederived.FirstOrDefault(text => Touches.Key(((Rebalanced)EventTypes.Parse(stored.Type, text)).Vault) == vault);
                        Rebalances.Add(new SeenRebalance(vault, stored, r, start.Stored.Sequence, again) { End = _group[^1].Stored });
                    }
                }

                foreach (var (stored, parsed) in _group)
                {
                    engine.Apply(_state, parsed, stored.Time);
                }
            }
            catch (Exception ex) when (ex is AccountingInvariantException or Ballast.Governance.GovernanceInvariantException or KeyNotFoundException or ArgumentException or OverflowException or BallastInputException or InvalidOperationException)
            {
                _broken = true;
            }

            _group.Clear();
        }
    }
}
