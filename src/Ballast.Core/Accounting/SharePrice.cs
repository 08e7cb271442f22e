using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// An exact share price as a fraction: <see cref="Assets"/> base units of the asset per <see cref="Shares"/> base
/// units of the share. The ledger's price is <c>(totalAssets + 1) / (totalSupply + 10^offset)</c>, virtual
/// asset and shares included. Ordered by value (cross-multiplied exactly); equality is of the two integers.
/// </summary>
/// <param name="Assets">The numerator: asset base units.</param>
/// <param name="Shares">The denominator: share base units (greater than zero for a meaningful price).</param>
public readonly record struct SharePrice(UInt128 Assets, UInt128 Shares) : IComparable<SharePrice>
{
    /// <inheritdoc />
    public int CompareTo(SharePrice other) =>
        ((BigInteger)Assets * other.Shares).CompareTo((BigInteger)other.Assets * Shares);

    /// <summary>Whether this price is strictly above <paramref name="other"/> in value.</summary>
    public bool IsAbove(SharePrice other) => CompareTo(other) > 0;

    /// <summary>The higher in value of two prices (the first when equal in value).</summary>
    public static SharePrice Max(SharePrice a, SharePrice b) => b.IsAbove(a) ? b : a;

    /// <inheritdoc />
    public override string ToString() => $"{Assets}/{Shares}";
}
