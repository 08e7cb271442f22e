namespace Ballast.Governance;

/// <summary>A BANK token record, with every number computed; <see cref="At"/> is the unix time (UTC, seconds) it was decided at.</summary>
/// <param name="At">Unix seconds (UTC) the operation was decided at.</param>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(BankMinted), "bank-minted")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(BankTransferred), "bank-transferred")]
public abstract record BankOperation(long At);

/// <summary>New BANK minted by the minter to <paramref name="To"/>.</summary>
/// <param name="Minter">The BANK minter.</param>
/// <param name="To">The account credited.</param>
/// <param name="Amount">BANK created, in base units.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record BankMinted(Accounting.AccountId Minter, Accounting.AccountId To, UInt128 Amount, long At) : BankOperation(At);

/// <summary>BANK moved from one account to another.</summary>
/// <param name="From">The account debited.</param>
/// <param name="To">The account credited.</param>
/// <param name="Amount">BANK moved, in base units.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record BankTransferred(Accounting.AccountId From, Accounting.AccountId To, UInt128 Amount, long At) : BankOperation(At);
