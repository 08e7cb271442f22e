using System.Globalization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// Rejection codes of the protocol's range checks: a command whose events would not apply (a total past its range,
/// arithmetic out of bounds) is rejected with one of these, never accepted and never an internal error.
/// </summary>
public static class ProtocolRejections
{
    /// <summary>An issue would take the asset's issued total past <see cref="UInt128.MaxValue"/>.</summary>
    public const string SupplyOverflow = "supply-overflow";

    /// <summary>A wallet would hold more than <see cref="UInt128.MaxValue"/> base units.</summary>
    public const string BalanceOverflow = "balance-overflow";

    /// <summary>A wallet would pay more than it holds (a debit the state cannot cover).</summary>
    public const string InsufficientBalance = "insufficient-balance";

    /// <summary>A composed vault's NAV or share supply would pass the ledger's capacity (<see cref="ShareLedger.MaxTotal"/>).</summary>
    public const string NavOutOfRange = "nav-out-of-range";

    /// <summary>Arithmetic inside the decision went out of range (an overflow, a division by zero): the command is refused.</summary>
    public const string ArithmeticBound = "arithmetic-bound";

    /// <summary>The decision failed on an unexpected error: the command is refused rather than journaled.</summary>
    public const string DecisionFailed = "decision-failed";

    internal static Rejection Supply(AssetSymbol symbol, UInt128 issued, UInt128 amount) =>
        new(SupplyOverflow, $"issuing {Text(amount)} {symbol} would take its issued total {Text(issued)} past {Text(UInt128.MaxValue)}");

    internal static Rejection Overflow(AssetSymbol symbol, AccountId account, UInt128 held, UInt128 escrowed, UInt128 amount) =>
        new(BalanceOverflow, escrowed == 0
            ? $"{account} holds {Text(held)} {symbol}; receiving {Text(amount)} more would pass {Text(UInt128.MaxValue)}"
            : $"{account} holds {Text(held)} {symbol} and has {Text(escrowed)} in escrow for pending deposit requests; receiving {Text(amount)} more would pass {Text(UInt128.MaxValue)}");

    internal static Rejection Short(AssetSymbol symbol, AccountId account, UInt128 held, UInt128 amount) =>
        new(InsufficientBalance, $"{account} holds {Text(held)} {symbol}, not {Text(amount)}");

    internal static Rejection Nav(VaultId vault, string what) =>
        new(NavOutOfRange, $"composed vault '{vault}': {what} would pass the ledger's capacity of {Text(ShareLedger.MaxTotal)}");

    internal static Rejection Arithmetic(ProtocolCommand command, Exception e) =>
        new(ArithmeticBound, $"{command.GetType().Name} takes an amount out of range ({e.Message}); refused");

    internal static Rejection Failed(ProtocolCommand command, Exception e) =>
        new(DecisionFailed, $"{command.GetType().Name} could not be decided ({e.GetType().Name}: {e.Message}); refused");

    private static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
