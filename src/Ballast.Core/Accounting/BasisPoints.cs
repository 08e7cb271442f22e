using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// Basis points (1/10,000) applied to exact amounts. Fees are always rounded up (in the vault's favour).
/// </summary>
public static class BasisPoints
{
    /// <summary>10,000 basis points: the whole.</summary>
    public const int One = 10_000;

    /// <summary>The fee on a gross amount: <c>ceil(gross * bps / 10,000)</c>.</summary>
    public static UInt128 FeeOnGross(UInt128 gross, int bps)
    {
        CheckFee(bps);
        return bps == 0 ? UInt128.Zero : ExactMath.MulDiv(gross, (UInt128)bps, One, Rounding.Ceiling);
    }

    /// <summary>The fee on top of a net amount: <c>ceil(net * bps / 10,000)</c> (an entry fee on the assets credited).</summary>
    public static UInt128 FeeOnNet(UInt128 net, int bps)
    {
        CheckFee(bps);
        return bps == 0 ? UInt128.Zero : ExactMath.MulDiv(net, (UInt128)bps, One, Rounding.Ceiling);
    }

    /// <summary>
    /// The net amount credited out of a total that pays its own fee on top: <c>floor(total * 10,000 / (10,000 + bps))</c>
    /// (the fee, <c>total - net</c>, is then at least <see cref="FeeOnNet"/> of the net).
    /// </summary>
    public static UInt128 NetOfTotal(UInt128 total, int bps)
    {
        CheckFee(bps);
        return bps == 0 ? total : ExactMath.MulDiv(total, One, (UInt128)(One + bps), Rounding.Floor);
    }

    /// <summary>
    /// The smallest gross amount <c>g</c> whose remainder after <see cref="FeeOnGross"/> is at least
    /// <paramref name="net"/>: <c>g = ceil(net * 10,000 / (10,000 - bps))</c>.
    /// </summary>
    /// <remarks>
    /// <c>g - ceil(g·bps/10⁴) = floor(g·(10⁴ - bps)/10⁴)</c>, which is at least <c>net</c> exactly when
    /// <c>g·(10⁴ - bps) ≥ net·10⁴</c>.
    /// </remarks>
    public static UInt128 GrossForNet(UInt128 net, int bps)
    {
        CheckFee(bps);
        return bps == 0 ? net : ExactMath.MulDiv(net, One, (UInt128)(One - bps), Rounding.Ceiling);
    }

    /// <summary>Whether <c>part / whole</c> is strictly more than <c>bps / 10,000</c>, exactly.</summary>
    public static bool Exceeds(UInt128 part, UInt128 whole, long bps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bps);
        return (BigInteger)part * One > (BigInteger)whole * bps;
    }

    private static void CheckFee(int bps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bps);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bps, One);
    }
}
