using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// A veBANK record, with every number computed. Applying one moves the BANK it names between the account and
/// the escrow account in the token and checkpoints the voting power. <see cref="At"/> is unix seconds (UTC).
/// </summary>
/// <param name="Account">The lock's owner.</param>
/// <param name="At">Unix seconds (UTC) the operation was decided at.</param>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockCreated), "lock-created")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockAmountIncreased), "lock-amount-increased")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockExtended), "lock-extended")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(LockWithdrawn), "lock-withdrawn")]
public abstract record EscrowOperation(AccountId Account, long At);

/// <summary>A new lock of <paramref name="Amount"/> until <paramref name="End"/> (rounded to a week); power <paramref name="Bias"/> at <paramref name="At"/>.</summary>
/// <param name="Account">The lock's owner.</param>
/// <param name="Amount">BANK locked, in base units.</param>
/// <param name="End">The unlock time, unix seconds, a week boundary.</param>
/// <param name="Slope">Voting power lost per second: amount / four years (floor), as in Curve.</param>
/// <param name="Bias">Voting power at <paramref name="At"/>: slope × (end − at).</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record LockCreated(AccountId Account, UInt128 Amount, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary><paramref name="Added"/> BANK added to an unexpired lock, now <paramref name="Amount"/>; the end is unchanged.</summary>
/// <param name="Account">The lock's owner.</param>
/// <param name="Added">BANK added, in base units.</param>
/// <param name="Amount">The lock's BANK after the addition, in base units.</param>
/// <param name="End">The unchanged unlock time, unix seconds.</param>
/// <param name="Slope">The lock's new power decay per second.</param>
/// <param name="Bias">The lock's voting power at <paramref name="At"/>.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record LockAmountIncreased(AccountId Account, UInt128 Added, UInt128 Amount, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary>An unexpired lock's end moved from <paramref name="OldEnd"/> to <paramref name="End"/> (rounded to a week).</summary>
/// <param name="Account">The lock's owner.</param>
/// <param name="Amount">The lock's unchanged BANK, in base units.</param>
/// <param name="OldEnd">The previous unlock time, unix seconds.</param>
/// <param name="End">The new unlock time, unix seconds, a week boundary.</param>
/// <param name="Slope">The lock's power decay per second (unchanged by an extension).</param>
/// <param name="Bias">The lock's voting power at <paramref name="At"/>, higher for the later end.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record LockExtended(AccountId Account, UInt128 Amount, long OldEnd, long End, Int128 Slope, Int128 Bias, long At) : EscrowOperation(Account, At);

/// <summary>An expired lock's whole <paramref name="Amount"/> returned to the account.</summary>
/// <param name="Account">The lock's owner, credited with the BANK.</param>
/// <param name="Amount">BANK returned, in base units: the whole lock.</param>
/// <param name="At">Unix seconds (UTC), at or after the lock's end.</param>
public sealed record LockWithdrawn(AccountId Account, UInt128 Amount, long At) : EscrowOperation(Account, At);
