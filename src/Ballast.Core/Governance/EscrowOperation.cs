using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// A veBANK record, with every number computed. Applying one moves the BANK it names between the account and
/// the escrow account in the token and checkpoints the voting power. <see cref="At"/> is unix seconds (UTC).
/// </summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockCreated), "lock-created")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockAmountIncreased), "lock-amount-increased")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockExtended), "lock-extended")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockWithdrawn), "lock-withdrawn")]
public abstract record EscrowOperation(AccountId Account, long At);

/// <summary>A new lock of <paramref name="Amount"/> until <paramref name="End"/> (rounded to a week); power <paramref name="Bias"/> at <paramref name="At"/>.</summary>
public sealed record LockCreated(AccountId Account, UInt128 Amount, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary><paramref name="Added"/> BANK added to an unexpired lock, now <paramref name="Amount"/>; the end is unchanged.</summary>
public sealed record LockAmountIncreased(AccountId Account, UInt128 Added, UInt128 Amount, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary>An unexpired lock's end moved from <paramref name="OldEnd"/> to <paramref name="End"/> (rounded to a week).</summary>
public sealed record LockExtended(AccountId Account, UInt128 Amount, long OldEnd, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary>An expired lock's whole <paramref name="Amount"/> returned to the account.</summary>
public sealed record LockWithdrawn(AccountId Account, UInt128 Amount, long At) : EscrowOperation(Account, At);
