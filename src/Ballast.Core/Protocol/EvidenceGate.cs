using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// Execution needs verified evidence: while the governance parameters require it
/// (<see cref="Governance.GovernanceParameters.EvidenceRequired"/>, the default), a proposal with an evidence claim
/// the system did not verify when it was proposed (journaled <c>data-unknown</c> or <c>mismatch</c>) is refused.
/// </summary>
public static class EvidenceGate
{
    /// <summary>Rejection: the proposal carries evidence that is not verified and the parameters require verified evidence.</summary>
    public const string EvidenceNotVerified = "evidence-not-verified";

    /// <summary>Why proposal <paramref name="proposalId"/> cannot be executed for its evidence, or null when it can.</summary>
    public static Rejection? Check(GovernanceState governance, long proposalId)
    {
        ArgumentNullException.ThrowIfNull(governance);
        if (!governance.Governor.Parameters.EvidenceRequired)
        {
            return null;
        }

        var unverified = governance.Evidence
            .Where(e => e.Key.ProposalId == proposalId && e.Value.Result != "verified")
            .OrderBy(e => e.Key.ActionIndex)
            .Select(e => $"action {e.Key.ActionIndex + 1} {e.Value.Result}")
            .ToList();
        return unverified.Count == 0
            ? null
            : new Rejection(EvidenceNotVerified, $"governance requires verified evidence to execute (evidence_required), and proposal {proposalId}'s is not verified: {string.Join(", ", unverified)}; re-propose with the data (--data) or change the parameter by governance");
    }
}
