namespace Ballast.Accounting;

/// <summary>
/// The rejection codes of the accounting layer and their messages, kept together so the wording stays consistent.
/// Codes are stable identifiers; messages may change.
/// </summary>
public static class Rejections
{
    public const string TimeRegression = "time-regression";
    public const string VaultPaused = "vault-paused";
    public const string ZeroAmount = "zero-amount";
    public const string ZeroShares = "zero-shares";
    public const string ZeroAssets = "zero-assets";
    public const string ExceedsCapacity = "exceeds-capacity";
    public const string InsufficientShares = "insufficient-shares";
    public const string InstantWithdrawalsDisabled = "instant-withdrawals-disabled";
    public const string ExceedsTotalAssets = "exceeds-total-assets";
    public const string NotReporter = "not-reporter";
    public const string NotOperator = "not-operator";
    public const string AlreadyPaused = "already-paused";
    public const string NotPaused = "not-paused";
    public const string NoPendingReport = "no-pending-report";
    public const string UnknownRequest = "unknown-request";
    public const string NotRequestOwner = "not-request-owner";
    public const string WithdrawalNotDue = "withdrawal-not-due";
    public const string InvalidMaxLoss = "invalid-max-loss";
    public const string ExceedsMaxLoss = "exceeds-max-loss";

    /// <summary>A time the operation needs (a request's settlement date) is beyond what a date can hold.</summary>
    public const string TimeOutOfRange = "time-out-of-range";

    /// <summary>Reason code of a NAV report held (and the vault paused) because it moved NAV more than the bounds allow.</summary>
    public const string NavChangeExceedsBounds = "nav-change-exceeds-bounds";

    /// <summary>
    /// Reason code of a NAV report held (and the vault paused) because, compounded with the reports applied within
    /// the bounds' rolling window, it moves NAV more than the window allows.
    /// </summary>
    public const string NavWindowExceedsBounds = "nav-window-exceeds-bounds";

    /// <summary>Reason code of a NAV report held (and the vault paused) because it came sooner than the minimum interval.</summary>
    public const string NavReportTooSoon = "nav-report-too-soon";

    internal static Rejection TimeWentBack(DateTimeOffset now, DateTimeOffset last) =>
        new(TimeRegression, $"time {now:O} is before the vault's last operation at {last:O}");

    internal static Rejection TimeRange(DateTimeOffset now, TimeSpan delay) =>
        new(TimeOutOfRange, $"{now:O} plus the withdrawal delay of {delay.TotalDays:0.#} days is beyond the last representable date");

    internal static Rejection Paused() =>
        new(VaultPaused, "the vault is paused; deposits, withdrawals, requests and settlements wait until an operator unpauses it");

    internal static Rejection Zero(string what) => new(ZeroAmount, $"the {what} must be more than zero");

    internal static Rejection NoShares(UInt128 assets) =>
        new(ZeroShares, $"depositing {assets} base units would mint no shares at the current price");

    internal static Rejection NoAssets(UInt128 shares) =>
        new(ZeroAssets, $"redeeming {shares} shares would pay no assets at the current price");

    internal static Rejection Capacity() =>
        new(ExceedsCapacity, "the operation would take total assets or total supply beyond the ledger's capacity");

    internal static Rejection NotEnoughShares(AccountId owner, string needed, UInt128 free) =>
        new(InsufficientShares, $"{owner} needs {needed} shares but has {free} free (shares in withdrawal requests are locked)");

    internal static Rejection InstantDisabled() =>
        new(InstantWithdrawalsDisabled, "this vault has no instant withdrawals; request a withdrawal instead");

    internal static Rejection LossTooLarge(UInt128 loss, UInt128 totalAssets) =>
        new(ExceedsTotalAssets, $"a loss of {loss} exceeds the total assets of {totalAssets}");

    internal static Rejection WrongReporter(AccountId who) => new(NotReporter, $"{who} is not this vault's reporter");

    internal static Rejection WrongOperator(AccountId who) => new(NotOperator, $"{who} is not this vault's operator");

    internal static Rejection IsPaused() => new(AlreadyPaused, "the vault is already paused");

    internal static Rejection IsNotPaused() => new(NotPaused, "the vault is not paused");

    internal static Rejection NothingPending() => new(NoPendingReport, "there is no pending NAV report to accept");

    internal static Rejection NoSuchRequest(long id) => new(UnknownRequest, $"there is no withdrawal request {id} in flight");

    internal static Rejection NotOwner(long id, AccountId who) =>
        new(NotRequestOwner, $"{who} does not own withdrawal request {id}");

    internal static Rejection NotDue(long id, DateTimeOffset notBefore) =>
        new(WithdrawalNotDue, $"withdrawal request {id} settles no earlier than {notBefore:O}");

    internal static Rejection BadMaxLoss(int bps) =>
        new(InvalidMaxLoss, $"max loss must be 0 to {BasisPoints.One} basis points, not {bps}");

    internal static Rejection MaxLoss(long id, UInt128 atRequest, UInt128 now, int maxLossBps) =>
        new(ExceedsMaxLoss, $"withdrawal request {id} was worth {atRequest} and is now worth {now}, a loss above its max of {maxLossBps} bps");
}
