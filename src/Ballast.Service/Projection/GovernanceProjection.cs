using System.Collections.Immutable;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Ballast.Protocol;

namespace Ballast.Service.Projection;

/// <summary>Governance as the dashboard shows it: proposals and gauges, as of the journal's last event time.</summary>
public sealed record GovernanceView(DateTimeOffset At, ImmutableArray<ProposalView> Proposals, ImmutableArray<GaugeView> Gauges, ImmutableArray<EmissionView> Distributed, ImmutableArray<LockView> Locks);

/// <summary>A proposal: state at the view's time, votes against quorum, the timelock, and per action what it does and its evidence.</summary>
public sealed record ProposalView(
    long Id,
    string State,
    string Proposer,
    string Description,
    string ContentHash,
    DateTimeOffset ProposedAt,
    DateTimeOffset Snapshot,
    DateTimeOffset Deadline,
    string For,
    string Against,
    string Abstain,
    string Quorum,
    bool QuorumReached,
    DateTimeOffset? Eta,
    DateTimeOffset? ExpiresAt,
    ImmutableArray<VoteView> Votes,
    ImmutableArray<ActionView> Actions);

/// <summary>One vote: veBANK weight at the proposal's snapshot (decimal text).</summary>
public sealed record VoteView(string Voter, string Support, string Weight, DateTimeOffset At);

/// <summary>
/// One action of a proposal: its kind, vault and policy hash where it has them, and its evidence: the result the
/// system journaled when it re-ran the claim (<c>verified</c>, <c>mismatch</c>, <c>data-unknown</c>; null without a
/// claim) and each claimed metric beside the re-run's value (null where the system could not re-run it).
/// </summary>
public sealed record ActionView(string Kind, string? Vault, string? PolicyHash, string? DataDigest, string? Period, string? EvidenceResult, ImmutableArray<EvidenceMetricView> Evidence);

/// <summary>A claimed metric and the system's re-run of it.</summary>
public sealed record EvidenceMetricView(string Metric, string? Claimed, string? Rerun);

/// <summary>
/// A gauge: weight this week and next (decimal veBANK) and its rewards. <c>Gauge</c> is the <see cref="GaugeId"/>'s
/// text (its composed vault's id), a plain string in this view as every id of the read model is.
/// </summary>
public sealed record GaugeView(string Gauge, bool Active, string WeightNow, string WeightNext, string Emitted, string Claimed);

/// <summary>BANK emitted for one week.</summary>
public sealed record EmissionView(DateTimeOffset Week, string Amount);

/// <summary>A veBANK lock: BANK locked, unlock time and voting power now.</summary>
public sealed record LockView(string Account, string Locked, DateTimeOffset Unlock, string Power);

/// <summary>Builds the <see cref="GovernanceView"/> from the replayed <see cref="GovernanceState"/>.</summary>
internal static class GovernanceProjection
{
    public static GovernanceView Of(GovernanceState g, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var books = Math.Max(t, g.Gauges.LastAt);
        var proposals = g.Governor.Proposals.Values.OrderBy(p => p.Id).Select(p => Proposal(g, p, t)).ToImmutableArray();
        var gauges = g.Gauges.Gauges.Select(id =>
        {
            var rewards = g.Gauges.RewardsAt(id, books);
            return new GaugeView(id.Value, g.Gauges.IsActive(id), Bank(g.Gauges.WeightAt(id, Weeks.Floor(t))), Bank(g.Gauges.WeightAt(id, Weeks.Next(t))), Bank(rewards.Emitted), Bank(rewards.Claimed));
        }).ToImmutableArray();
        var distributed = g.Gauges.Distributed.Select(d => new EmissionView(Time(d.Key), Bank(d.Value))).ToImmutableArray();
        var locks = g.Escrow.Locks.OrderBy(l => l.Key.Value, StringComparer.Ordinal)
            .Select(l => new LockView(l.Key.Value, Bank(l.Value.Amount), Time(l.Value.End), Bank(g.Escrow.BalanceOfAt(l.Key, t)))).ToImmutableArray();
        return new GovernanceView(at, proposals, gauges, distributed, locks);
    }

    private static ProposalView Proposal(GovernanceState g, Proposal p, long t)
    {
        var c = p.Created;
        var actions = c.Actions.Select((a, i) => Action(a, g.Evidence.GetValueOrDefault((p.Id, i)))).ToImmutableArray();
        return new ProposalView(
            p.Id, g.Governor.StateOf(p, t).ToString(), c.Proposer.Value, c.Description, c.ContentHash.ToHex(), Time(c.At), Time(c.Snapshot), Time(c.Deadline),
            Bank(p.ForVotes), Bank(p.AgainstVotes), Bank(p.AbstainVotes), Bank(g.Governor.QuorumOf(p)), g.Governor.QuorumReached(p),
            p.Queued is { } q ? Time(q.Eta) : null, p.Queued is { } q2 ? Time(q2.ExpiresAt) : null,
            [.. p.Votes.Values.OrderBy(v => v.At).Select(v => new VoteView(v.Voter.Value, v.Support.ToString(), Bank(v.Weight), Time(v.At)))],
            actions);
    }

    private static ActionView Action(GovernanceAction action, EvidenceChecked? check)
    {
        var (kind, vault, hash, claim) = action switch
        {
            AdoptPolicy a => ("adopt-policy", a.VaultId.Value, a.PolicyHash.ToString(), a.Evidence),
            LaunchComposedVault l => ("launch-composed-vault", l.VaultId.Value, null, l.Evidence),
            ChangeVaultSettings s => ("change-vault-settings", s.VaultId.Value, null, null),
            AddGauge x => ("add-gauge " + x.GaugeId, null, null, null),
            RemoveGauge x => ("remove-gauge " + x.GaugeId, null, null, null),
            ChangeGovernanceParameters => ("change-governance-parameters", (string?)null, (string?)null, (EvidenceClaim?)null),
            _ => (action.GetType().Name, null, null, null),
        };
        if (claim is null)
        {
            return new ActionView(kind, vault, hash, null, null, check?.Result, []);
        }

        var mismatched = check?.Mismatches.ToDictionary(m => m.Field, m => m.Recomputed, StringComparer.Ordinal) ?? [];
        var metrics = claim.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new EvidenceMetricView(
            m.Key,
            m.Value,
            check?.Result switch
            {
                EvidenceResults.Verified => m.Value,
                EvidenceResults.DataUnknown or null => null,
                _ => mismatched.TryGetValue(m.Key, out var rerun) ? rerun : m.Value,
            })).ToImmutableArray();
        return new ActionView(kind, vault, hash, claim.DataDigest.ToHex(), $"{claim.PeriodFrom:yyyy-MM-dd} to {claim.PeriodTo:yyyy-MM-dd}", check?.Result, metrics);
    }

    private static DateTimeOffset Time(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    /// <summary>A BANK or veBANK amount (18 decimals) as decimal text.</summary>
    private static string Bank(UInt128 amount) => SimRunner.Format(amount, BankToken.Decimals);
}
