using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The governor's parameters, changed only by an executed <see cref="ChangeGovernanceParameters"/> action. Times
/// are seconds; <paramref name="QuorumBps"/> is basis points of the veBANK total supply at a proposal's snapshot;
/// <paramref name="ProposalThreshold"/> is veBANK base units at the proposal time.
/// </summary>
/// <param name="VotingDelay">Seconds from a proposal to its snapshot, when voting opens (0 to ten years).</param>
/// <param name="VotingPeriod">Seconds voting stays open after the snapshot (1 s to ten years).</param>
/// <param name="QuorumBps">For plus Abstain votes needed, bps of the veBANK supply at the snapshot (0 to 10,000).</param>
/// <param name="ProposalThreshold">veBANK a proposer needs at proposal time, in base units.</param>
/// <param name="TimelockDelay">Seconds from queueing until a proposal may execute (0 to ten years).</param>
/// <param name="GracePeriod">Seconds after the timelock during which it may still execute, after which it expires (1 s to ten years).</param>
/// <param name="Guardian">The account that may veto (cancel) a queued proposal.</param>
public sealed record GovernanceParameters(
    long VotingDelay,
    long VotingPeriod,
    int QuorumBps,
    UInt128 ProposalThreshold,
    long TimelockDelay,
    long GracePeriod,
    AccountId Guardian)
{
    /// <summary>
    /// Whether a proposal whose evidence the system did not verify (an evidence claim journaled <c>data-unknown</c>
    /// or <c>mismatch</c>) is refused at execution (default true). Actions without a claim carry no evidence to verify.
    /// </summary>
    [JsonIgnore]
    public bool EvidenceRequired { get; init; } = true;

    /// <summary>The longest delay, period, timelock or grace accepted: ten years.</summary>
    public const long MaxDuration = 315_360_000;

    /// <summary>Why these parameters are invalid, or null when they are valid.</summary>
    public string? Problem() =>
        VotingDelay is < 0 or > MaxDuration ? $"voting delay {VotingDelay} must be 0 to {MaxDuration} s"
        : VotingPeriod is < 1 or > MaxDuration ? $"voting period {VotingPeriod} must be 1 to {MaxDuration} s"
        : QuorumBps is < 0 or > BasisPoints.One ? $"quorum {QuorumBps} must be 0 to 10,000 bps"
        : TimelockDelay is < 0 or > MaxDuration ? $"timelock delay {TimelockDelay} must be 0 to {MaxDuration} s"
        : GracePeriod is < 1 or > MaxDuration ? $"grace period {GracePeriod} must be 1 to {MaxDuration} s"
        : null;

    /// <summary>
    /// <see cref="EvidenceRequired"/> as journaled: absent when true (the default), so journals written before the
    /// parameter existed keep their canonical bytes; <c>false</c> when evidence is not required.
    /// </summary>
    [JsonInclude]
    [JsonPropertyName("evidence_required")]
    private bool? EvidenceRequiredJournaled
    {
        get => EvidenceRequired ? null : false;
        init => EvidenceRequired = value ?? true;
    }
}
