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

/// <summary>Verifies one journaled rebalance from the journal (see <see cref="RebalanceVerification"/>).</summary>
public static class RebalanceVerifier
{
    /// <summary>
    /// Reads the journal from <paramref name="store"/> up to the end of the command that journaled the rebalance at
    /// <paramref name="sequence"/> and verifies it with an engine like the writer's (<paramref name="evidence"/>: the
    /// same data the service knows). Null when no rebalance of <paramref name="vault"/> is at that sequence.
    /// </summary>
    public static async Task<RebalanceVerification?> VerifyAsync(IJournalStore store, IEvidenceVerifier evidence, string vault, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var events = new List<JournalEvent>();
        JournalEvent? rebalance = null;
        await foreach (var e in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (rebalance is not null && e.CommandId != rebalance.CommandId)
            {
                break;
            }

            events.Add(e);
            if (e.Sequence == sequence)
            {
                if (EventTypes.Parse(e.Type, e.Payload) is not Rebalanced r || Touches.Key(r.Vault) != vault)
                {
                    return null;
                }

                rebalance = e;
            }
        }

        if (rebalance is null)
        {
            return null;
        }

        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance, evidence);
        var report = JournalReplay.Verify(events, engine);
        var verified = report.IsValid && report.LastSequence == events[^1].Sequence;

        // The decision again, on the state the journal built up to the command (the replay's own rules and state).
        var start = events.FindIndex(e => e.CommandId == rebalance.CommandId);
        var before = start == 0 ? null : JournalReplay.Verify(events.Take(start), engine);
        string? rederived = null;
        if (before is { IsValid: true } && EventTypes.Parse(events[start].Type, events[start].Payload) is CommandAccepted accepted)
        {
            var outcome = engine.Decide(before.State, accepted.Command, events[start].Time);
            rederived = outcome.Events.OfType<Rebalanced>().Where(r => Touches.Key(r.Vault) == vault).Select(EventTypes.Payload).FirstOrDefault();
        }

        var journaled = rebalance.Payload;
        var digest = ((Rebalanced)EventTypes.Parse(rebalance.Type, journaled)).InputsDigest;
        return new RebalanceVerification(vault, sequence, rebalance.CommandId, verified, report.EventsChecked, report.Discrepancy?.What, digest, journaled, rederived, rederived == journaled);
    }
}
