namespace Ballast.Accounting;

/// <summary>
/// An operation record: what a decision accepted, with every number already computed, so
/// <see cref="Vault.Apply(VaultOperation)"/> only moves numbers and a replay of the records rebuilds the exact
/// state. <see cref="At"/> is the time the decision was made at.
/// </summary>
/// <param name="At">The time the decision was made at; the vault's clock moves to it.</param>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Deposited), "deposited")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Withdrawn), "withdrawn")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(AssetsDonated), "assets-donated")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LossRecorded), "loss-recorded")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(NavReportApplied), "nav-report-applied")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(NavReportHeld), "nav-report-held")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(VaultPaused), "vault-paused")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(VaultUnpaused), "vault-unpaused")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawalRequested), "withdrawal-requested")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawalSettled), "withdrawal-settled")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawalRefused), "withdrawal-refused")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawalCancelled), "withdrawal-cancelled")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(FeesChanged), "fees-changed")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SharesLocked), "shares-locked")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SharesReleased), "shares-released")]
public abstract record VaultOperation(DateTimeOffset At);

/// <summary>Assets paid in, shares minted to <paramref name="Receiver"/> (deposit or mint); the entry fee stays in the vault for its holders, or goes to the fee recipient when <see cref="VaultConfig.FlowFeesPaidOut"/> is set.</summary>
/// <param name="Receiver">The account credited with the shares.</param>
/// <param name="Assets">Net assets added to the vault, in base units (the entry fee not included).</param>
/// <param name="Shares">Shares minted, in share base units.</param>
/// <param name="EntryFee">The entry fee paid on top, in base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record Deposited(AccountId Receiver, UInt128 Assets, UInt128 Shares, UInt128 EntryFee, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares burned from <paramref name="Owner"/>, <paramref name="Assets"/> paid out (withdraw or redeem); the exit fee stays in the vault for its holders, or goes to the fee recipient when <see cref="VaultConfig.FlowFeesPaidOut"/> is set.</summary>
/// <param name="Owner">The account whose shares were burned.</param>
/// <param name="Shares">Shares burned, in share base units.</param>
/// <param name="Assets">Assets paid out, in base units (after the exit fee).</param>
/// <param name="ExitFee">The exit fee withheld, in base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record Withdrawn(AccountId Owner, UInt128 Shares, UInt128 Assets, UInt128 ExitFee, DateTimeOffset At) : VaultOperation(At);

/// <summary>Assets added without minting: a donation or a strategy gain.</summary>
/// <param name="Donor">The account the assets came from.</param>
/// <param name="Assets">Assets added, in base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record AssetsDonated(AccountId Donor, UInt128 Assets, DateTimeOffset At) : VaultOperation(At);

/// <summary>Assets removed without burning: a strategy loss.</summary>
/// <param name="Assets">Assets removed, in base units (at most the total assets).</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record LossRecorded(UInt128 Assets, DateTimeOffset At) : VaultOperation(At);

/// <summary>
/// A NAV report applied: total assets set to <paramref name="ReportedAssets"/>, then management and performance fee
/// shares minted to <paramref name="FeeRecipient"/>, and the high-water mark set.
/// </summary>
/// <param name="ReportedAssets">The reported total assets, in base units.</param>
/// <param name="ManagementFeeShares">Shares minted for the management fee accrued since the last report.</param>
/// <param name="PerformanceFeeShares">Shares minted for the performance fee on the gain above the high-water mark.</param>
/// <param name="FeeRecipient">The account the fee shares were minted to.</param>
/// <param name="HighWaterMark">The high-water mark share price after the report.</param>
/// <param name="At">The report's time; fees accrue to it.</param>
public sealed record NavReportApplied(
    UInt128 ReportedAssets,
    UInt128 ManagementFeeShares,
    UInt128 PerformanceFeeShares,
    AccountId FeeRecipient,
    SharePrice HighWaterMark,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A NAV report recorded but not applied; the vault pauses. <paramref name="ReasonCode"/> is a <see cref="Rejections"/> code.</summary>
/// <param name="ReportedAssets">The reported total assets, in base units, kept pending.</param>
/// <param name="ReasonCode">Why it was held (a <see cref="Rejections"/> NAV bound code).</param>
/// <param name="At">When it arrived.</param>
public sealed record NavReportHeld(UInt128 ReportedAssets, string ReasonCode, DateTimeOffset At) : VaultOperation(At);

/// <summary>The operator paused the vault.</summary>
/// <param name="Operator">The operator who paused.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record VaultPaused(AccountId Operator, DateTimeOffset At) : VaultOperation(At);

/// <summary>The operator unpaused the vault, applying the pending report first when <paramref name="AcceptedReport"/> is set; a pending report not accepted is dropped.</summary>
/// <param name="Operator">The operator who unpaused.</param>
/// <param name="AcceptedReport">The pending report applied as of its own time, or null when none was accepted.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record VaultUnpaused(AccountId Operator, NavReportApplied? AcceptedReport, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares moved from the owner's free balance into a withdrawal request.</summary>
/// <param name="RequestId">The request's number within the vault.</param>
/// <param name="Owner">The shares' owner, paid at settlement.</param>
/// <param name="Shares">Shares moved into the request, in share base units.</param>
/// <param name="AssetsAtRequest">Their value at request time (convertToAssets, floor), in base units.</param>
/// <param name="MaxLossBps">Settlement is refused if the value then is more than this many bps below <paramref name="AssetsAtRequest"/>.</param>
/// <param name="NotBefore">The earliest settlement time: request time plus the withdrawal delay.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record WithdrawalRequested(
    long RequestId,
    AccountId Owner,
    UInt128 Shares,
    UInt128 AssetsAtRequest,
    int MaxLossBps,
    DateTimeOffset NotBefore,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request settled: its shares burned, <paramref name="AssetsPaid"/> paid (gross less exit fee).</summary>
/// <param name="RequestId">The request's number within the vault.</param>
/// <param name="Owner">The account paid.</param>
/// <param name="Shares">Shares burned, in share base units.</param>
/// <param name="GrossAssets">Their value at settlement, in base units, before the exit fee.</param>
/// <param name="ExitFee">The exit fee withheld, in base units.</param>
/// <param name="AssetsPaid"><paramref name="GrossAssets"/> less <paramref name="ExitFee"/>, in base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record WithdrawalSettled(
    long RequestId,
    AccountId Owner,
    UInt128 Shares,
    UInt128 GrossAssets,
    UInt128 ExitFee,
    UInt128 AssetsPaid,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request refused at settlement; its shares go back to the owner.</summary>
/// <param name="RequestId">The request's number within the vault.</param>
/// <param name="Owner">The account the shares return to.</param>
/// <param name="Shares">Shares returned to the free balance, in share base units.</param>
/// <param name="Reason">Why settlement was refused (e.g. the loss exceeded the max).</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record WithdrawalRefused(long RequestId, AccountId Owner, UInt128 Shares, Rejection Reason, DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request cancelled by its owner; its shares go back to the owner.</summary>
/// <param name="RequestId">The request's number within the vault.</param>
/// <param name="Owner">The owner who cancelled.</param>
/// <param name="Shares">Shares returned to the free balance, in share base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record WithdrawalCancelled(long RequestId, AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);

/// <summary>The vault's fees replaced (by a governance decision); everything else in its config is unchanged.</summary>
/// <param name="EntryFeeBps">The new entry fee, bps.</param>
/// <param name="ExitFeeBps">The new exit fee, bps.</param>
/// <param name="ManagementFeeBps">The new management fee, bps of NAV per year.</param>
/// <param name="PerformanceFeeBps">The new performance fee, bps of the gain above the high-water mark.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record FeesChanged(int EntryFeeBps, int ExitFeeBps, int ManagementFeeBps, int PerformanceFeeBps, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares moved from the owner's free balance into a lock held outside the vault (a forward-priced redemption request); still in the supply.</summary>
/// <param name="Owner">The shares' owner.</param>
/// <param name="Shares">Shares locked, in share base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record SharesLocked(AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares locked by <see cref="SharesLocked"/> returned to the owner's free balance (the request was cancelled, or is being filled).</summary>
/// <param name="Owner">The shares' owner.</param>
/// <param name="Shares">Shares released, in share base units.</param>
/// <param name="At">The time the decision was made at (see <see cref="VaultOperation.At"/>).</param>
public sealed record SharesReleased(AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);
