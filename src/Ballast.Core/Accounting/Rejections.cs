namespace Ballast.Accounting;

/// <summary>
/// The rejection codes of the accounting layer and their messages, kept together so the wording stays consistent.
/// Codes are stable identifiers; messages may change.
/// </summary>
public static class Rejections
{
    /// <summary>An operation is dated before the vault's last operation (time never runs backwards).</summary>
    public const string TimeRegression = "time-regression";
    /// <summary>The vault is paused; deposits, withdrawals, requests and settlements wait until an operator unpauses it.</summary>
    public const string VaultPaused = "vault-paused";
    /// <summary>An amount of assets or shares is zero.</summary>
    public const string ZeroAmount = "zero-amount";
    /// <summary>A deposit would mint no shares at the current price (floor rounding).</summary>
    public const string ZeroShares = "zero-shares";
    /// <summary>A redemption would pay no assets at the current price (floor rounding).</summary>
    public const string ZeroAssets = "zero-assets";
    /// <summary>Total assets or total supply would exceed the ledger's capacity.</summary>
    public const string ExceedsCapacity = "exceeds-capacity";
    /// <summary>The owner has fewer free shares than needed (shares in withdrawal requests are locked).</summary>
    public const string InsufficientShares = "insufficient-shares";
    /// <summary>The vault only pays withdrawals through delayed requests.</summary>
    public const string InstantWithdrawalsDisabled = "instant-withdrawals-disabled";
    /// <summary>A reported loss is larger than the vault's total assets.</summary>
    public const string ExceedsTotalAssets = "exceeds-total-assets";
    /// <summary>Someone other than the vault's reporter sent a NAV report.</summary>
    public const string NotReporter = "not-reporter";
    /// <summary>Someone other than the vault's operator tried an operator action (pause, unpause).</summary>
    public const string NotOperator = "not-operator";
    /// <summary>The vault is already paused.</summary>
    public const string AlreadyPaused = "already-paused";
    /// <summary>The vault is not paused, so it cannot be unpaused.</summary>
    public const string NotPaused = "not-paused";
    /// <summary>Unpausing asked to accept a pending NAV report, but none is held.</summary>
    public const string NoPendingReport = "no-pending-report";
    /// <summary>No withdrawal request with this id is in flight.</summary>
    public const string UnknownRequest = "unknown-request";
    /// <summary>The account does not own the withdrawal request.</summary>
    public const string NotRequestOwner = "not-request-owner";
    /// <summary>The withdrawal request's delay has not yet passed.</summary>
    public const string WithdrawalNotDue = "withdrawal-not-due";
    /// <summary>A request's max loss is outside 0 to 10,000 basis points.</summary>
    public const string InvalidMaxLoss = "invalid-max-loss";
    /// <summary>At settlement the request is worth more than its max loss below its value at request time.</summary>
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
