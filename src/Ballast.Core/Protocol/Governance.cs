using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Protocol;

/// <summary>The governance side of the protocol state: BANK, veBANK, the governor and the gauges.</summary>
public sealed class GovernanceState
{
    public GovernanceState(AccountId minter, GovernanceParameters parameters)
    {
        Bank = new BankToken(minter);
        Escrow = new VotingEscrow(Bank, EscrowAccount);
        Governor = new Governor(Escrow, parameters);
        Gauges = new GaugeController(Escrow);
    }

    /// <summary>The system's evidence checks, by proposal and action index.</summary>
    public Dictionary<(long ProposalId, int ActionIndex), EvidenceChecked> Evidence { get; } = [];

    /// <summary>The account that holds locked BANK.</summary>
    public static AccountId EscrowAccount { get; } = new("escrow:vebank");

    public BankToken Bank { get; }

    public VotingEscrow Escrow { get; }

    public Governor Governor { get; }

    public GaugeController Gauges { get; }

    /// <summary>The account a gauge's emissions are minted to, and claimed from.</summary>
    public static AccountId GaugeAccount(string gauge) => new("gauge:" + gauge);
}

/// <summary>
/// Re-runs the backtest behind an evidence claim (the spec, the data with that digest, the period) and compares;
/// null when no data with the claim's digest is known here. Lives outside the domain (it reads files).
/// </summary>
public interface IEvidenceVerifier
{
    EvidenceResult? Check(EvidenceClaim claim, string policyText, string policyHash);
}

/// <summary>Knows no data: every claim is "data digest unknown".</summary>
public sealed class NoEvidenceVerifier : IEvidenceVerifier
{
    public static NoEvidenceVerifier Instance { get; } = new();

    public EvidenceResult? Check(EvidenceClaim claim, string policyText, string policyHash) => null;
}

public sealed record InitGovernance(string Id, AccountId Actor, GovernanceParameters Parameters) : ProtocolCommand(Id, Actor);

public sealed record MintBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record TransferBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record CreateLock(string Id, AccountId Actor, UInt128 Amount, long UnlockTime) : ProtocolCommand(Id, Actor);

public sealed record IncreaseLockAmount(string Id, AccountId Actor, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record IncreaseUnlockTime(string Id, AccountId Actor, long UnlockTime) : ProtocolCommand(Id, Actor);

public sealed record WithdrawLock(string Id, AccountId Actor) : ProtocolCommand(Id, Actor);

public sealed record Propose(string Id, AccountId Actor, ImmutableArray<GovernanceAction> Actions, string Description) : ProtocolCommand(Id, Actor);

public sealed record CastVote(string Id, AccountId Actor, long ProposalId, int Support) : ProtocolCommand(Id, Actor);

public sealed record QueueProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record ExecuteProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record CancelProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record VoteGauge(string Id, AccountId Actor, string Gauge, int Bps) : ProtocolCommand(Id, Actor);

public sealed record DistributeEmission(string Id, AccountId Actor, long Week, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record ClaimGaugeReward(string Id, AccountId Actor, string Gauge) : ProtocolCommand(Id, Actor);

public sealed record GovernanceInitialized(AccountId Minter, GovernanceParameters Parameters, DateTimeOffset At) : ProtocolEvent;

public sealed record BankRecorded(BankOperation Operation) : ProtocolEvent;

public sealed record EscrowRecorded(EscrowOperation Operation) : ProtocolEvent;

public sealed record GovernorRecorded(GovernorOperation Operation) : ProtocolEvent;

public sealed record GaugeRecorded(GaugeOperation Operation) : ProtocolEvent;

/// <summary>
/// The system's re-run of a proposal action's evidence: "verified", "mismatch" (with every differing field), or
/// "data-unknown" (no data with the claimed digest here). Journaled with the proposal, so voters see both.
/// </summary>
public sealed record EvidenceChecked(long ProposalId, int ActionIndex, string Result, ImmutableArray<EvidenceMismatch> Mismatches) : ProtocolEvent;
