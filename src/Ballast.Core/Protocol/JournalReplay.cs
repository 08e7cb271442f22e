using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>The first thing that does not check out in a journal: the event's sequence number and what differs.</summary>
/// <param name="Sequence">The 1-based sequence number of the first event that does not check out.</param>
/// <param name="What">What differs, e.g. the expected and the stored events.</param>
public sealed record ReplayDiscrepancy(long Sequence, string What);

/// <summary>What <see cref="JournalReplay.Verify"/> found.</summary>
/// <param name="EventsChecked">Events found sound, in order from sequence 1: the coverage is 1..<see cref="LastSequence"/>.</param>
/// <param name="Vaults">Vaults in the replayed state.</param>
/// <param name="CommandsRederived">Commands decided again and matched (each command id once).</param>
/// <param name="RebalancesRederived">Rebalances among their events.</param>
/// <param name="Head">The head after the last event read (the last sound one when there is a discrepancy in the chain).</param>
/// <param name="Discrepancy">The first discrepancy, or null.</param>
/// <param name="State">The state replayed so far.</param>
public sealed record ReplayReport(long EventsChecked, int Vaults, long CommandsRederived, int RebalancesRederived, JournalHead Head, ReplayDiscrepancy? Discrepancy, ProtocolState State)
{
    /// <summary>Whether every event checked out.</summary>
    public bool IsValid => Discrepancy is null;

    /// <summary>
    /// Evidence claims journaled <c>data-unknown</c> that this verification re-ran, because its verifier knows the data:
    /// the results as re-derived now (<c>verified</c> or <c>mismatch</c> with every differing field).
    /// </summary>
    public ImmutableArray<EvidenceChecked> EvidenceRerun { get; init; } = [];

    /// <summary>The re-run claims that do not hold on the data (<see cref="EvidenceRerun"/> with result <c>mismatch</c>).</summary>
    public IEnumerable<EvidenceChecked> FalseClaims => EvidenceRerun.Where(e => e.Result != EvidenceResults.Verified);

    /// <summary>The first sequence covered: 1, or 0 when nothing was.</summary>
    public long FirstSequence => EventsChecked > 0 ? 1 : 0;

    /// <summary>The last sequence covered (every event 1..this one was checked).</summary>
    public long LastSequence => EventsChecked;
}

/// <summary>
/// Verification of a journal by anyone. For every event: the hash chain (sequence, previous hash, hash) and the
/// canonical form of its payload. For every command (each command's events start with the command itself): the
/// command is decided again by the protocol's rules on the state the journal has built up to it, at its journaled
/// time, and must give exactly the journaled events, byte for byte; then they are applied. So a rebalance is
/// re-derived from its policy and inputs, and a forged deposit, report, fee or share count is caught where it was
/// forged. A command id appears once in the chain: a second command with an id already journaled (an idempotent
/// retry applied twice) is a discrepancy. Stops at the first discrepancy.
/// </summary>
public static class JournalReplay
{
    /// <summary>Verifies <paramref name="events"/> (a whole journal, from sequence 1) held in memory.</summary>
    public static ReplayReport Verify(IEnumerable<JournalEvent> events, ProtocolEngine engine)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replay = new Replay(engine);
        foreach (var stored in events)
        {
            if (!replay.Add(stored))
            {
                break;
            }
        }

        return replay.Finish();
    }

    /// <summary>Verifies a journal as a store reads it (<see cref="IJournalStore.ReadAsync"/>): memory does not grow with the events.</summary>
    /// <exception cref="JournalCorruptedException">The store cannot read an event, or one is missing.</exception>
    public static async Task<ReplayReport> VerifyAsync(IAsyncEnumerable<JournalEvent> events, ProtocolEngine engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replay = new Replay(engine);
        await foreach (var stored in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!replay.Add(stored))
            {
                break;
            }
        }

        return replay.Finish();
    }

    /// <summary>One verification in progress: events are added in order until the first discrepancy.</summary>
    private sealed class Replay(ProtocolEngine engine)
    {
        private readonly ProtocolEngine _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        private readonly ProtocolState _state = new();
        private readonly List<(JournalEvent Stored, ProtocolEvent Parsed)> _group = [];
        private readonly Dictionary<string, long> _commandStarts = new(StringComparer.Ordinal);
        private readonly List<EvidenceChecked> _rerun = [];
        private JournalHead _head = JournalHead.Empty;
        private long _commands;
        private int _rebalances;
        private long _checked;
        private ReplayDiscrepancy? _failure;

        /// <summary>Checks one more event; false once a discrepancy is found (stop adding).</summary>
        public bool Add(JournalEvent stored)
        {
            _failure = Step(stored);
            return _failure is null;
        }

        public ReplayReport Finish()
        {
            if (_failure is null && _group.Count > 0)
            {
                _failure = Rederive(_group, _state, _engine, _rerun, ref _commands, ref _rebalances);
                if (_failure is null)
                {
                    _checked += _group.Count;
                }
            }

            if (_failure is null && _checked == 0)
            {
                _failure = new(0, "the journal is empty");
            }

            return new ReplayReport(_checked, _state.SimpleVaults.Count + _state.ComposedVaults.Count, _commands, _rebalances, _head, _failure, _state) { EvidenceRerun = [.. _rerun] };
        }

        private ReplayDiscrepancy? Step(JournalEvent stored)
        {
            ArgumentNullException.ThrowIfNull(stored);
            if (JournalVerifier.Check(_head, stored) is { } chain)
            {
                return new(chain.Sequence, $"{chain.Kind}: expected {chain.Expected}, stored {chain.Actual}");
            }

            ProtocolEvent parsed;
            string canonical;
            try
            {
                parsed = EventTypes.Parse(stored.Type, stored.Payload);

                // A payload that parses with a field missing (an array left default, ...) may not write back at all.
                canonical = EventTypes.Payload(parsed);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or NotSupportedException or InvalidOperationException or FormatException)
            {
                return new(stored.Sequence, $"the {stored.Type} payload does not parse: {e.Message}");
            }

            if (canonical != stored.Payload)
            {
                return new(stored.Sequence, $"the payload is not in canonical form (expected {canonical})");
            }

            if (_group.Count > 0 && (stored.CommandId != _group[0].Stored.CommandId || parsed is CommandAccepted))
            {
                if (Rederive(_group, _state, _engine, _rerun, ref _commands, ref _rebalances) is { } failure)
                {
                    return failure;
                }

                _checked += _group.Count;
                _group.Clear();
            }

            if (_group.Count == 0 && !_commandStarts.TryAdd(stored.CommandId, stored.Sequence))
            {
                return new(stored.Sequence, $"command id '{stored.CommandId}' appears twice in the chain: first at event {_commandStarts[stored.CommandId]}, again here (a command applies once)");
            }

            _group.Add((stored, parsed));
            _head = JournalHead.After(stored);
            return null;
        }
    }

    /// <summary>Decides one journaled command again and compares; applies its events when they match.</summary>
    private static ReplayDiscrepancy? Rederive(List<(JournalEvent Stored, ProtocolEvent Parsed)> group, ProtocolState state, ProtocolEngine engine, List<EvidenceChecked> rerun, ref long commands, ref int rebalances)
    {
        var first = group[0].Stored;
        if (group[0].Parsed is not CommandAccepted accepted)
        {
            return new(first.Sequence, $"a {first.Type} event without the command that produced it (command id {first.CommandId})");
        }

        foreach (var (stored, _) in group)
        {
            if (stored.Time != first.Time)
            {
                return new(stored.Sequence, $"the events of command {first.CommandId} carry different times ({stored.Time:O} vs {first.Time:O})");
            }
        }

        var command = accepted.Command;
        if (command is SetPolicyCommand { TextHash: { } textHash } setPolicy)
        {
            var text = group.Select(g => g.Parsed).OfType<PolicyStored>().Select(p => p.Text).Concat(state.Policies.Values.Select(p => p.Text))
                .FirstOrDefault(t => Sha256Digest.OfUtf8(t) == textHash);
            if (text is null)
            {
                return new(first.Sequence, $"the policy text with SHA-256 {textHash} is neither stored with this command nor before it");
            }

            command = setPolicy with { Text = text, TextHash = null };
        }

        if (command.Id != first.CommandId)
        {
            return new(first.Sequence, $"the command's id '{command.Id}' differs from its journal command id '{first.CommandId}'");
        }

        CommandOutcome outcome;
        try
        {
            outcome = engine.Decide(state, command, first.Time);
        }
        catch (Exception e) when (e is AccountingInvariantException or Governance.GovernanceInvariantException or KeyNotFoundException or ArgumentException or OverflowException or BallastInputException or InvalidOperationException)
        {
            return new(first.Sequence, $"deciding the {first.CommandId} command again fails: {e.Message}");
        }

        if (outcome.Status != CommandStatus.Applied)
        {
            return new(first.Sequence, $"the rules do not accept command {first.CommandId} here: {outcome.Status}: {outcome.Rejection?.Code} {outcome.Rejection?.Message ?? outcome.Note}");
        }

        var expected = outcome.Events.Select(EventTypes.Payload).ToList();
        for (var i = 0; i < Math.Max(expected.Count, group.Count - 1); i++)
        {
            if (i >= group.Count - 1)
            {
                return new(group[^1].Stored.Sequence, $"command {first.CommandId} produces {expected.Count} events; the journal holds {group.Count - 1}");
            }

            var stored = group[i + 1].Stored;
            if (i >= expected.Count)
            {
                return new(stored.Sequence, $"command {first.CommandId} produces {expected.Count} events; this one is extra");
            }

            // "data-unknown" records what the submitting system knew; a verifier that knows the data re-runs more
            // than was run then, which does not make the record false, but the claim may be: the re-run is reported.
            var unknownThen = group[i + 1].Parsed is EvidenceChecked { Result: EvidenceResults.DataUnknown } then
                && outcome.Events[i] is EvidenceChecked now && now.ProposalId == then.ProposalId && now.ActionIndex == then.ActionIndex;
            if (unknownThen && outcome.Events[i] is EvidenceChecked { Result: not EvidenceResults.DataUnknown } known)
            {
                rerun.Add(known);
            }
            if (!unknownThen && (stored.Type != EventTypes.NameOf(outcome.Events[i]) || stored.Payload != expected[i]))
            {
                return new(stored.Sequence, $"the {stored.Type} event differs from what the rules give for command {first.CommandId}: {FirstDifference(stored.Payload, expected[i])}");
            }
        }

        try
        {
            foreach (var (stored, parsed) in group)
            {
                engine.Apply(state, parsed, stored.Time);
            }
        }
        catch (Exception e) when (e is AccountingInvariantException or Governance.GovernanceInvariantException or KeyNotFoundException or ArgumentException or OverflowException or BallastInputException or InvalidOperationException)
        {
            return new(first.Sequence, $"the events of command {first.CommandId} do not apply: {e.Message}");
        }

        commands++;
        rebalances += outcome.Events.Count(e => e is Rebalanced);
        return null;
    }

    /// <summary>The first top-level field whose canonical value differs between two event payloads.</summary>
    private static string FirstDifference(string stored, string rederived)
    {
        using var a = System.Text.Json.JsonDocument.Parse(stored);
        using var b = System.Text.Json.JsonDocument.Parse(rederived);
        foreach (var property in a.RootElement.EnumerateObject())
        {
            var other = b.RootElement.TryGetProperty(property.Name, out var p) ? p.GetRawText() : "(absent)";
            if (property.Value.GetRawText() != other)
            {
                return $"{property.Name}: stored {Clip(property.Value.GetRawText())}, re-derived {Clip(other)}";
            }
        }

        return "the event type or extra fields";
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
