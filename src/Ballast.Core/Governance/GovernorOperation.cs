using System.Text.Json.Serialization;
using Ballast.Accounting;
using Ballast.Hashing;

namespace Ballast.Governance;

/// <summary>How a vote counts: the integer codes are OpenZeppelin's (0 Against, 1 For, 2 Abstain).</summary>
public enum VoteSupport
{
    /// <summary>Against (0).</summary>
    Against = 0,

    /// <summary>For (1).</summary>
    For = 1,

    /// <summary>Abstain (2): counts toward the quorum only.</summary>
    Abstain = 2,
}

/// <summary>A governor record, with every number computed; <see cref="At"/> is unix seconds (UTC).</summary>
/// <param name="ProposalId">The proposal concerned.</param>
/// <param name="At">Unix seconds (UTC) the operation was decided at.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(ProposalCreated), "proposal-created")]
[JsonDerivedType(typeof(VoteCast), "vote-cast")]
[JsonDerivedType(typeof(ProposalQueued), "proposal-queued")]
[JsonDerivedType(typeof(ProposalExecuted), "proposal-executed")]
[JsonDerivedType(typeof(ProposalCanceled), "proposal-canceled")]
public abstract record GovernorOperation(long ProposalId, long At);

/// <summary>
/// A proposal made: its immutable actions and description with their content hash, the proposer's power at
/// <see cref="GovernorOperation.At"/>, and the edges and quorum fraction fixed for it from the parameters then.
/// </summary>
/// <param name="ProposalId">The new proposal's id (ids start at 1).</param>
/// <param name="Proposer">The proposer.</param>
/// <param name="Actions">The actions, in execution order.</param>
/// <param name="Description">The proposer's text.</param>
/// <param name="ContentHash">SHA-256 of the canonical actions and description (<see cref="ProposalContent"/>).</param>
/// <param name="ProposerPower">The proposer's veBANK at <paramref name="At"/>.</param>
/// <param name="Snapshot">Unix seconds voting power is read at: at + voting delay.</param>
/// <param name="Deadline">Unix seconds voting closes: snapshot + voting period.</param>
/// <param name="QuorumBps">The quorum fixed for this proposal, bps of the veBANK supply at the snapshot.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record ProposalCreated(
    long ProposalId,
    AccountId Proposer,
    IReadOnlyList<GovernanceAction> Actions,
    string Description,
    Sha256Digest ContentHash,
    UInt128 ProposerPower,
    long Snapshot,
    long Deadline,
    int QuorumBps,
    long At) : GovernorOperation(ProposalId, At);

/// <summary>A vote with its weight: the voter's veBANK at the proposal's snapshot.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Voter">The voter.</param>
/// <param name="Support">Against, For or Abstain.</param>
/// <param name="Weight">The voter's veBANK at the proposal's snapshot.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record VoteCast(long ProposalId, AccountId Voter, VoteSupport Support, UInt128 Weight, long At) : GovernorOperation(ProposalId, At);

/// <summary>A succeeded proposal queued: executable from <paramref name="Eta"/>, expired from <paramref name="ExpiresAt"/> = eta + grace.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Eta">Unix seconds from which it may execute: at + timelock delay.</param>
/// <param name="ExpiresAt">Unix seconds from which it can no longer execute: eta + grace period.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record ProposalQueued(long ProposalId, long Eta, long ExpiresAt, long At) : GovernorOperation(ProposalId, At);

/// <summary>
/// A queued proposal executed, every action at once. <paramref name="NewParameters"/> is the last
/// <see cref="ChangeGovernanceParameters"/> action's parameters, or null; the target's records are journaled beside
/// this one (see <see cref="ProposalExecution{TRecord}"/>).
/// </summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="NewParameters">The governor's parameters set by the proposal, or null when it set none.</param>
/// <param name="TargetRecordCount">How many records the target journaled beside this one.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record ProposalExecuted(long ProposalId, GovernanceParameters? NewParameters, int TargetRecordCount, long At) : GovernorOperation(ProposalId, At);

/// <summary>A proposal canceled by its proposer (Pending) or vetoed by the guardian (<paramref name="Vetoed"/>, Queued).</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="By">The proposer or the guardian.</param>
/// <param name="Vetoed">True for the guardian's veto of a queued proposal.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record ProposalCanceled(long ProposalId, AccountId By, bool Vetoed, long At) : GovernorOperation(ProposalId, At);
