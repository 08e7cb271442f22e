using System.Globalization;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The rejection codes of the governance layer and their messages, kept together so the wording stays consistent.
/// Codes are stable identifiers; messages may change. Times in messages are unix seconds (UTC).
/// </summary>
public static class GovernanceRejections
{
    /// <summary>An operation is dated before the last governance operation (time never runs backwards).</summary>
    public const string TimeRegression = "time-regression";
    /// <summary>An amount (minted, transferred or locked) is zero.</summary>
    public const string ZeroAmount = "zero-amount";
    /// <summary>Someone other than the BANK minter tried to mint.</summary>
    public const string NotMinter = "not-minter";
    /// <summary>A mint would take the BANK supply beyond its cap.</summary>
    public const string ExceedsCap = "exceeds-cap";
    /// <summary>The account holds fewer BANK base units than the operation needs.</summary>
    public const string InsufficientBalance = "insufficient-balance";
    /// <summary>The account already has a veBANK lock (one lock per account).</summary>
    public const string LockExists = "lock-exists";
    /// <summary>The account has no veBANK lock to increase, extend, withdraw or vote with.</summary>
    public const string NoLock = "no-lock";
    /// <summary>The unlock time, rounded down to a week, is not after now.</summary>
    public const string UnlockNotInFuture = "unlock-not-in-future";
    /// <summary>The unlock time, rounded down to a week, is more than four years (126,144,000 s) after now.</summary>
    public const string UnlockTooFar = "unlock-too-far";
    /// <summary>The lock has expired, so it can no longer be increased or extended.</summary>
    public const string LockExpired = "lock-expired";
    /// <summary>The new unlock time, rounded down to a week, is not after the lock's current end.</summary>
    public const string UnlockNotLater = "unlock-not-later";
    /// <summary>The lock cannot be withdrawn before its end.</summary>
    public const string LockNotExpired = "lock-not-expired";
    /// <summary>A proposal has no actions.</summary>
    public const string EmptyProposal = "empty-proposal";
    /// <summary>The proposer's veBANK is below the proposal threshold.</summary>
    public const string BelowThreshold = "below-threshold";
    /// <summary>No proposal has this id.</summary>
    public const string UnknownProposal = "unknown-proposal";
    /// <summary>The proposal is not Active, so it takes no votes.</summary>
    public const string VotingClosed = "voting-closed";
    /// <summary>The account has already voted on this proposal.</summary>
    public const string AlreadyVoted = "already-voted";
    /// <summary>The vote's support is not 0 (Against), 1 (For) or 2 (Abstain).</summary>
    public const string UnknownSupport = "unknown-support";
    /// <summary>The voter had no veBANK at the proposal's snapshot.</summary>
    public const string NoVotingPower = "no-voting-power";
    /// <summary>Only a Succeeded proposal can be queued.</summary>
    public const string NotSucceeded = "not-succeeded";
    /// <summary>Only a Queued proposal can be executed.</summary>
    public const string NotQueued = "not-queued";
    /// <summary>The proposal's timelock has not yet passed.</summary>
    public const string TimelockPending = "timelock-pending";
    /// <summary>The proposal's grace period ended before it was executed.</summary>
    public const string ProposalExpired = "proposal-expired";
    /// <summary>The proposal's state forbids cancelling (the proposer cancels while Pending, the guardian while Queued).</summary>
    public const string NotCancelable = "not-cancelable";
    /// <summary>The account is neither the proposer nor the guardian.</summary>
    public const string NotAuthorized = "not-authorized";
    /// <summary>Governance parameters are out of range.</summary>
    public const string InvalidParameters = "invalid-parameters";
    /// <summary>An executed proposal's action was refused; nothing was applied and the proposal stays Queued.</summary>
    public const string ActionRefused = "action-refused";
    /// <summary>No active gauge has this id.</summary>
    public const string UnknownGauge = "unknown-gauge";
    /// <summary>A gauge with this id already exists.</summary>
    public const string GaugeExists = "gauge-exists";
    /// <summary>A gauge vote is outside 0 to 10,000 basis points.</summary>
    public const string InvalidBps = "invalid-bps";
    /// <summary>The account's gauge votes would total more than 10,000 basis points.</summary>
    public const string VotePowerExceeded = "vote-power-exceeded";
    /// <summary>The vote on this gauge changed less than 10 days ago.</summary>
    public const string VoteCooldown = "vote-cooldown";
    /// <summary>The voter's lock does not outlast the next week boundary.</summary>
    public const string LockExpiresTooSoon = "lock-expires-too-soon";
    /// <summary>The emission week is not a week boundary (a multiple of 604,800 s), or has not started.</summary>
    public const string NotWeekStart = "not-week-start";
    /// <summary>This week's emission has already been distributed.</summary>
    public const string AlreadyDistributed = "already-distributed";
    /// <summary>No active gauge has weight that week, so there is nothing to distribute to.</summary>
    public const string NoGaugeWeight = "no-gauge-weight";
    /// <summary>The account has no reward to claim from the gauge.</summary>
    public const string NothingToClaim = "nothing-to-claim";

    private static string N(UInt128 v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A unix time as readable UTC with the seconds beside it, e.g. "2005-01-14T00:00:00Z (1105660800)".</summary>
    private static string T(long unixSeconds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({unixSeconds})");

    internal static Rejection TimeWentBack(long now, long last) =>
        new(TimeRegression, $"time {T(now)} is before the last governance operation at {T(last)}");

    internal static Rejection Zero(string what) => new(ZeroAmount, $"the {what} must be more than zero");

    internal static Rejection WrongMinter(AccountId who) => new(NotMinter, $"{who} is not the BANK minter");

    internal static Rejection Cap(UInt128 supply, UInt128 amount, UInt128 cap) =>
        new(ExceedsCap, $"minting {N(amount)} would take the BANK supply from {N(supply)} beyond its cap of {N(cap)}");

    internal static Rejection Balance(AccountId who, UInt128 needed, UInt128 has) =>
        new(InsufficientBalance, $"{who} needs {N(needed)} BANK base units but holds {N(has)}");

    internal static Rejection HasLock(AccountId who) =>
        new(LockExists, $"{who} already has a lock; withdraw the old tokens first, or increase its amount or unlock time");

    internal static Rejection WithoutLock(AccountId who) => new(NoLock, $"{who} has no lock");

    internal static Rejection NotFuture(long rounded, long now) =>
        new(UnlockNotInFuture, $"the unlock time rounded down to a week ({T(rounded)}) must be after now ({T(now)})");

    internal static Rejection TooFar(long rounded, long now) =>
        new(UnlockTooFar, $"the unlock time rounded down to a week ({T(rounded)}) is more than 4 years (126,144,000 s) after now ({T(now)})");

    internal static Rejection Expired(AccountId who, long end) =>
        new(LockExpired, $"the lock of {who} expired at {T(end)}; withdraw it and create a new one");

    internal static Rejection NotLater(long rounded, long end) =>
        new(UnlockNotLater, $"the new unlock time rounded down to a week ({T(rounded)}) must be after the current end ({T(end)})");

    internal static Rejection NotExpired(AccountId who, long end) =>
        new(LockNotExpired, $"the lock of {who} ends at {T(end)}; it can be withdrawn at or after that time");

    internal static Rejection NoActions() => new(EmptyProposal, "a proposal needs at least one action");

    internal static Rejection Threshold(AccountId who, UInt128 power, UInt128 threshold) =>
        new(BelowThreshold, $"{who} has {N(power)} veBANK, below the proposal threshold of {N(threshold)}");

    internal static Rejection NoProposal(long id) => new(UnknownProposal, $"there is no proposal {id}");

    internal static Rejection Closed(long id, ProposalState state) =>
        new(VotingClosed, $"proposal {id} is {state}; votes are taken only while it is Active");

    internal static Rejection Voted(long id, AccountId who) => new(AlreadyVoted, $"{who} has already voted on proposal {id}");

    internal static Rejection Support(int support) =>
        new(UnknownSupport, $"support {support} is unknown: use 0 (Against), 1 (For) or 2 (Abstain)");

    internal static Rejection NoPower(long id, AccountId who, long snapshot) =>
        new(NoVotingPower, $"{who} had no veBANK at the snapshot of proposal {id} ({T(snapshot)})");

    internal static Rejection NotSuccess(long id, ProposalState state) =>
        new(NotSucceeded, $"proposal {id} is {state}; only a Succeeded proposal can be queued");

    internal static Rejection NotInQueue(long id, ProposalState state) =>
        new(NotQueued, $"proposal {id} is {state}; only a Queued proposal can be executed");

    internal static Rejection Timelock(long id, long eta) =>
        new(TimelockPending, $"proposal {id} can be executed from {T(eta)}");

    internal static Rejection PastGrace(long id, long expiresAt) =>
        new(ProposalExpired, $"proposal {id} expired at {T(expiresAt)} without being executed");

    internal static Rejection CannotCancel(long id, ProposalState state) =>
        new(NotCancelable, $"proposal {id} is {state}: the proposer cancels only while Pending, the guardian only while Queued");

    internal static Rejection Unauthorized(long id, AccountId who) =>
        new(NotAuthorized, $"{who} is neither the proposer of proposal {id} nor the guardian");

    internal static Rejection BadParameters(string why) => new(InvalidParameters, $"invalid governance parameters: {why}");

    internal static Rejection Refused(long id, Rejection inner) =>
        new(ActionRefused, $"proposal {id} {(inner.ActionIndex is { } index ? $"action {index}" : "an action")} was refused ({inner}); nothing was applied and the proposal stays Queued");

    internal static Rejection NoGauge(GaugeId gauge) => new(UnknownGauge, $"there is no active gauge '{gauge}'");

    internal static Rejection HasGauge(GaugeId gauge) => new(GaugeExists, $"gauge '{gauge}' already exists");

    internal static Rejection Bps(int bps) => new(InvalidBps, $"a gauge vote must be 0 to 10,000 basis points, not {bps}");

    internal static Rejection OverAllocated(AccountId who, int used) =>
        new(VotePowerExceeded, $"{who} would allocate {used} basis points of voting power; at most 10,000 in total");

    internal static Rejection Cooldown(AccountId who, GaugeId gauge, long from) =>
        new(VoteCooldown, $"{who} can change the vote on gauge '{gauge}' from {T(from)} (10 days after the last)");

    internal static Rejection TooSoon(AccountId who, long end, long nextWeek) =>
        new(LockExpiresTooSoon, $"the lock of {who} ends at {T(end)}; it must outlast the next week boundary ({T(nextWeek)})");

    internal static Rejection NotWeek(long t) => new(NotWeekStart, $"{T(t)} is not a week boundary (a multiple of 604,800), or the week has not started");

    internal static Rejection Distributed(long week) => new(AlreadyDistributed, $"the emission of week {T(week)} has already been distributed");

    internal static Rejection NoWeight(long week) => new(NoGaugeWeight, $"no active gauge has weight at week {T(week)}; nothing to distribute to");

    internal static Rejection Nothing(AccountId who, GaugeId gauge) => new(NothingToClaim, $"{who} has no reward to claim from gauge '{gauge}'");
}
