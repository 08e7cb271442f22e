using Ballast.Accounting;
using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>The first thing that does not check out in a journal: the event's sequence number and what differs.</summary>
public sealed record ReplayDiscrepancy(long Sequence, string What);

/// <summary>What <see cref="JournalReplay.Verify"/> found.</summary>
public sealed record ReplayReport(long EventsChecked, int Vaults, int RebalancesRederived, ReplayDiscrepancy? Discrepancy, ProtocolState State)
{
    public bool IsValid => Discrepancy is null;
}

/// <summary>
/// Verification of a journal by anyone: the hash chain, then a replay of every event into a fresh state (each
/// payload must parse and be in canonical form, and apply cleanly), re-deriving every rebalance from the recorded
/// policy and the state the journal had built up to it: the re-derived event must equal the stored one byte for
/// byte. Stops at the first discrepancy.
/// </summary>
public static class JournalReplay
{
    public static ReplayReport Verify(IEnumerable<JournalEvent> events, ProtocolEngine engine)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(engine);
        var state = new ProtocolState();
        var head = JournalHead.Empty;
        var rebalances = 0;
        long checkedCount = 0;
        foreach (var stored in events)
        {
            if (JournalVerifier.Check(head, stored) is { } chain)
            {
                return Fail(chain.Sequence, $"{chain.Kind}: expected {chain.Expected}, stored {chain.Actual}");
            }

            ProtocolEvent parsed;
            try
            {
                parsed = EventTypes.Parse(stored.Type, stored.Payload);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
            {
                return Fail(stored.Sequence, $"the {stored.Type} payload does not parse: {e.Message}");
            }

            var canonical = EventTypes.Payload(parsed);
            if (canonical != stored.Payload)
            {
                return Fail(stored.Sequence, $"the payload is not in canonical form (expected {canonical})");
            }

            if (parsed is Rebalanced rebalanced)
            {
                var outcome = engine.Decide(state, new RebalanceCommand(stored.CommandId, new AccountId("verifier"), rebalanced.Vault), stored.Time);
                var rederived = outcome.Status == CommandStatus.Applied && outcome.Events.Count == 1 ? EventTypes.Payload(outcome.Events[0]) : null;
                if (rederived != stored.Payload)
                {
                    var what = rederived is null
                        ? $"the policy does not rebalance '{rebalanced.Vault}' here: {outcome.Rejection?.Message ?? outcome.Note}"
                        : $"the rebalance of '{rebalanced.Vault}' re-derived from its policy differs: {FirstDifference(stored.Payload, rederived)}";
                    return Fail(stored.Sequence, what);
                }

                rebalances++;
            }

            try
            {
                engine.Apply(state, parsed, stored.Time);
            }
            catch (Exception e) when (e is AccountingInvariantException or KeyNotFoundException or ArgumentException or OverflowException or BallastInputException)
            {
                return Fail(stored.Sequence, $"the {stored.Type} event does not apply to the state built so far: {e.Message}");
            }

            head = JournalHead.After(stored);
            checkedCount++;
        }

        return new ReplayReport(checkedCount, state.SimpleVaults.Count + state.ComposedVaults.Count, rebalances, null, state);

        ReplayReport Fail(long sequence, string what) =>
            new(checkedCount, state.SimpleVaults.Count + state.ComposedVaults.Count, rebalances, new ReplayDiscrepancy(sequence, what), state);
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

        return "field order or extra fields";
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
