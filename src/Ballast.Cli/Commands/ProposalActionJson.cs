using Ballast.Governance;
using Ballast.Policies;

namespace Ballast.Cli.Commands;

/// <summary>
/// A proposal action as a structured object for <c>gov status ID --json</c>: its <c>type</c> (as journaled), the
/// vault or gauge it concerns, its parameters and evidence claim as fields, and <c>summary</c>, the sentence the text
/// view prints. Metric values of a claim stay the exact texts claimed.
/// </summary>
internal static class ProposalActionJson
{
    /// <summary>The object for <paramref name="action"/>; <paramref name="policyName"/> names a policy by its spec text and hash.</summary>
    public static object Of(GovernanceAction action, string summary, Func<string, PolicyHash, string> policyName) => action switch
    {
        AdoptPolicy a => new { type = "adopt-policy", vault = a.VaultId.Value, policy_hash = a.PolicyHash.ToString(), policy_name = policyName(a.PolicyText, a.PolicyHash), evidence = Evidence(a.Evidence), summary },
        LaunchComposedVault l => new { type = "launch-composed-vault", vault = l.VaultId.Value, evidence = Evidence(l.Evidence), summary },
        ChangeVaultSettings s => new { type = "change-vault-settings", vault = s.VaultId.Value, settings = s.Settings, summary },
        AddGauge g => new { type = "add-gauge", gauge = g.GaugeId.Value, summary },
        RemoveGauge r => new { type = "remove-gauge", gauge = r.GaugeId.Value, summary },
        ChangeGovernanceParameters c => new
        {
            type = "change-governance-parameters",
            parameters = new
            {
                voting_delay_seconds = c.Parameters.VotingDelay,
                voting_period_seconds = c.Parameters.VotingPeriod,
                quorum_bps = c.Parameters.QuorumBps,
                proposal_threshold = c.Parameters.ProposalThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
                timelock_delay_seconds = c.Parameters.TimelockDelay,
                grace_period_seconds = c.Parameters.GracePeriod,
                guardian = c.Parameters.Guardian.ToString(),
                evidence_required = c.Parameters.EvidenceRequired,
            },
            summary,
        },
        _ => new { type = action.GetType().Name, summary },
    };

    private static object? Evidence(EvidenceClaim? claim) => claim is null ? null : new
    {
        subject = claim.Subject,
        data_digest = claim.DataDigest.ToHex(),
        period_from = claim.PeriodFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        period_to = claim.PeriodTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        values = claim.Values,
        fill = claim.Fill,
        metrics = claim.Metrics,
    };
}
