namespace Ballast.Accounting;

/// <summary>
/// The asset a vault holds: a symbol and the number of decimals of its base unit (6 for a USD stablecoin, 8 or 18
/// for BTC- and ETH-like tokens). Every amount in the ledger is an integer count of base units.
/// </summary>
public sealed record Asset
{
    /// <summary>The most decimals accepted (10^36 base units per whole unit still leaves room in 128 bits).</summary>
    public const int MaxDecimals = 36;

    /// <summary>Creates an asset.</summary>
    public Asset(AssetSymbol symbol, int decimals)
    {
        ArgumentNullException.ThrowIfNull(symbol.Value, nameof(symbol));
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, MaxDecimals);
        Symbol = symbol;
        Decimals = decimals;
    }

    /// <summary>The asset's symbol, e.g. <c>USDC</c>.</summary>
    public AssetSymbol Symbol { get; }

    /// <summary>Decimals of the base unit.</summary>
    public int Decimals { get; }

    /// <summary>Base units in <paramref name="whole"/> whole units of the asset.</summary>
    /// <exception cref="OverflowException">The amount does not fit in 128 bits.</exception>
    public UInt128 Units(ulong whole) => checked(whole * ExactMath.Pow10(Decimals));
}
