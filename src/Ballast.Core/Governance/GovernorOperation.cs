using System.Text.Json.Serialization;
using Ballast.Accounting;

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
public sealed record ProposalCreated(
    long ProposalId,
    AccountId Proposer,
    IReadOnlyList<GovernanceAction> Actions,
    string Description,
    string ContentHash,
    UInt128 ProposerPower,
    long Snapshot,
    long Deadline,
    int QuorumBps,
    long At) : GovernorOperation(ProposalId, At);

/// <summary>A vote with its weight: the voter's veBANK at the proposal's snapshot.</summary>
public sealed record VoteCast(long ProposalId, AccountId Voter, VoteSupport Support, UInt128 Weight, long At) : GovernorOperation(ProposalId, At);

/// <summary>A succeeded proposal queued: executable from <paramref name="Eta"/>, expired from <paramref name="ExpiresAt"/> = eta + grace.</summary>
public sealed record ProposalQueued(long ProposalId, long Eta, long ExpiresAt, long At) : GovernorOperation(ProposalId, At);

/// <summary>
/// A queued proposal executed, every action at once. <paramref name="NewParameters"/> is the last
/// <see cref="ChangeGovernanceParameters"/> action's parameters, or null; the target's records are journaled beside
/// this one (see <see cref="ProposalExecution{TRecord}"/>).
/// </summary>
public sealed record ProposalExecuted(long ProposalId, GovernanceParameters? NewParameters, int TargetRecordCount, long At) : GovernorOperation(ProposalId, At);

/// <summary>A proposal canceled by its proposer (Pending) or vetoed by the guardian (<paramref name="Vetoed"/>, Queued).</summary>
public sealed record ProposalCanceled(long ProposalId, AccountId By, bool Vetoed, long At) : GovernorOperation(ProposalId, At);
