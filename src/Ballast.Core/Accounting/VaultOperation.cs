namespace Ballast.Accounting;

/// <summary>
/// An operation record: what a decision accepted, with every number already computed, so
/// <see cref="Vault.Apply(VaultOperation)"/> only moves numbers and a replay of the records rebuilds the exact
/// state. <see cref="At"/> is the time the decision was made at.
/// </summary>
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

/// <summary>Assets paid in, shares minted to <paramref name="Receiver"/> (deposit or mint); the entry fee stays in the vault.</summary>
public sealed record Deposited(AccountId Receiver, UInt128 Assets, UInt128 Shares, UInt128 EntryFee, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares burned from <paramref name="Owner"/>, <paramref name="Assets"/> paid out (withdraw or redeem); the exit fee stays in the vault.</summary>
public sealed record Withdrawn(AccountId Owner, UInt128 Shares, UInt128 Assets, UInt128 ExitFee, DateTimeOffset At) : VaultOperation(At);

/// <summary>Assets added without minting: a donation or a strategy gain.</summary>
public sealed record AssetsDonated(AccountId Donor, UInt128 Assets, DateTimeOffset At) : VaultOperation(At);

/// <summary>Assets removed without burning: a strategy loss.</summary>
public sealed record LossRecorded(UInt128 Assets, DateTimeOffset At) : VaultOperation(At);

/// <summary>
/// A NAV report applied: total assets set to <paramref name="ReportedAssets"/>, then management and performance fee
/// shares minted to <paramref name="FeeRecipient"/>, and the high-water mark set.
/// </summary>
public sealed record NavReportApplied(
    UInt128 ReportedAssets,
    UInt128 ManagementFeeShares,
    UInt128 PerformanceFeeShares,
    AccountId FeeRecipient,
    SharePrice HighWaterMark,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A NAV report recorded but not applied; the vault pauses. <paramref name="ReasonCode"/> is a <see cref="Rejections"/> code.</summary>
public sealed record NavReportHeld(UInt128 ReportedAssets, string ReasonCode, DateTimeOffset At) : VaultOperation(At);

/// <summary>The operator paused the vault.</summary>
public sealed record VaultPaused(AccountId Operator, DateTimeOffset At) : VaultOperation(At);

/// <summary>The operator unpaused the vault, applying the pending report first when <paramref name="AcceptedReport"/> is set; a pending report not accepted is dropped.</summary>
public sealed record VaultUnpaused(AccountId Operator, NavReportApplied? AcceptedReport, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares moved from the owner's free balance into a withdrawal request.</summary>
public sealed record WithdrawalRequested(
    long RequestId,
    AccountId Owner,
    UInt128 Shares,
    UInt128 AssetsAtRequest,
    int MaxLossBps,
    DateTimeOffset NotBefore,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request settled: its shares burned, <paramref name="AssetsPaid"/> paid (gross less exit fee).</summary>
public sealed record WithdrawalSettled(
    long RequestId,
    AccountId Owner,
    UInt128 Shares,
    UInt128 GrossAssets,
    UInt128 ExitFee,
    UInt128 AssetsPaid,
    DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request refused at settlement; its shares go back to the owner.</summary>
public sealed record WithdrawalRefused(long RequestId, AccountId Owner, UInt128 Shares, Rejection Reason, DateTimeOffset At) : VaultOperation(At);

/// <summary>A withdrawal request cancelled by its owner; its shares go back to the owner.</summary>
public sealed record WithdrawalCancelled(long RequestId, AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);

/// <summary>The vault's fees replaced (by a governance decision); everything else in its config is unchanged.</summary>
public sealed record FeesChanged(int EntryFeeBps, int ExitFeeBps, int ManagementFeeBps, int PerformanceFeeBps, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares moved from the owner's free balance into a lock held outside the vault (a forward-priced redemption request); still in the supply.</summary>
public sealed record SharesLocked(AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);

/// <summary>Shares locked by <see cref="SharesLocked"/> returned to the owner's free balance (the request was cancelled, or is being filled).</summary>
public sealed record SharesReleased(AccountId Owner, UInt128 Shares, DateTimeOffset At) : VaultOperation(At);
