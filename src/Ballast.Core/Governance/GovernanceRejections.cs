using System.Globalization;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The rejection codes of the governance layer and their messages, kept together so the wording stays consistent.
/// Codes are stable identifiers; messages may change. Times in messages are unix seconds (UTC).
/// </summary>
public static class GovernanceRejections
{
    public const string TimeRegression = "time-regression";
    public const string ZeroAmount = "zero-amount";
    public const string NotMinter = "not-minter";
    public const string ExceedsCap = "exceeds-cap";
    public const string InsufficientBalance = "insufficient-balance";
    public const string LockExists = "lock-exists";
    public const string NoLock = "no-lock";
    public const string UnlockNotInFuture = "unlock-not-in-future";
    public const string UnlockTooFar = "unlock-too-far";
    public const string LockExpired = "lock-expired";
    public const string UnlockNotLater = "unlock-not-later";
    public const string LockNotExpired = "lock-not-expired";
    public const string EmptyProposal = "empty-proposal";
    public const string BelowThreshold = "below-threshold";
    public const string UnknownProposal = "unknown-proposal";
    public const string VotingClosed = "voting-closed";
    public const string AlreadyVoted = "already-voted";
    public const string UnknownSupport = "unknown-support";
    public const string NoVotingPower = "no-voting-power";
    public const string NotSucceeded = "not-succeeded";
    public const string NotQueued = "not-queued";
    public const string TimelockPending = "timelock-pending";
    public const string ProposalExpired = "proposal-expired";
    public const string NotCancelable = "not-cancelable";
    public const string NotAuthorized = "not-authorized";
    public const string InvalidParameters = "invalid-parameters";
    public const string ActionRefused = "action-refused";
    public const string UnknownGauge = "unknown-gauge";
    public const string GaugeExists = "gauge-exists";
    public const string InvalidBps = "invalid-bps";
    public const string VotePowerExceeded = "vote-power-exceeded";
    public const string VoteCooldown = "vote-cooldown";
    public const string LockExpiresTooSoon = "lock-expires-too-soon";
    public const string NotWeekStart = "not-week-start";
    public const string AlreadyDistributed = "already-distributed";
    public const string NoGaugeWeight = "no-gauge-weight";
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

    internal static Rejection Refused(long id, int index, Rejection inner) =>
        new(ActionRefused, $"proposal {id} action {index} was refused ({inner}); nothing was applied and the proposal stays Queued");

    internal static Rejection NoGauge(string gauge) => new(UnknownGauge, $"there is no active gauge '{gauge}'");

    internal static Rejection HasGauge(string gauge) => new(GaugeExists, $"gauge '{gauge}' already exists");

    internal static Rejection Bps(int bps) => new(InvalidBps, $"a gauge vote must be 0 to 10,000 basis points, not {bps}");

    internal static Rejection OverAllocated(AccountId who, int used) =>
        new(VotePowerExceeded, $"{who} would allocate {used} basis points of voting power; at most 10,000 in total");

    internal static Rejection Cooldown(AccountId who, string gauge, long from) =>
        new(VoteCooldown, $"{who} can change the vote on gauge '{gauge}' from {T(from)} (10 days after the last)");

    internal static Rejection TooSoon(AccountId who, long end, long nextWeek) =>
        new(LockExpiresTooSoon, $"the lock of {who} ends at {T(end)}; it must outlast the next week boundary ({T(nextWeek)})");

    internal static Rejection NotWeek(long t) => new(NotWeekStart, $"{T(t)} is not a week boundary (a multiple of 604,800), or the week has not started");

    internal static Rejection Distributed(long week) => new(AlreadyDistributed, $"the emission of week {T(week)} has already been distributed");

    internal static Rejection NoWeight(long week) => new(NoGaugeWeight, $"no active gauge has weight at week {T(week)}; nothing to distribute to");

    internal static Rejection Nothing(AccountId who, string gauge) => new(NothingToClaim, $"{who} has no reward to claim from gauge '{gauge}'");
}
