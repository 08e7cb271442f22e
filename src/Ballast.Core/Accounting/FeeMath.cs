using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// The management and performance fee formulas, in exact integers. Fees are taken by minting new shares to the
/// fee recipient; the fee value is rounded down and the share count is rounded down (both in favour of the
/// existing holders).
/// </summary>
public static class FeeMath
{
    /// <summary>Seconds in the fee year (365 days).</summary>
    public const long SecondsPerYear = 365L * 24 * 60 * 60;

    /// <summary>
    /// Management fee value for <paramref name="elapsedSeconds"/> at <paramref name="annualBps"/> on
    /// <paramref name="nav"/>: <c>floor(nav · bps · seconds / (10⁴ · 31,536,000))</c>, at most <paramref name="nav"/>.
    /// </summary>
    public static UInt128 ManagementFeeAssets(UInt128 nav, int annualBps, long elapsedSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(annualBps);
        ArgumentOutOfRangeException.ThrowIfNegative(elapsedSeconds);
        var fee = ExactMath.MulDiv((BigInteger)nav * annualBps, elapsedSeconds, (BigInteger)BasisPoints.One * SecondsPerYear, Rounding.Floor);
        return ExactMath.ToUInt128(BigInteger.Min(fee, nav));
    }

    /// <summary>
    /// Performance fee value: <paramref name="bps"/> of the gain of the real supply <c>S</c> from the high-water
    /// mark <c>h = hA/hS</c> to the price <c>p = (A + 1)/(S + V)</c>:
    /// <c>floor(bps · S · ((A + 1)·hS − hA·(S + V)) / (10⁴ · (S + V) · hS))</c>; zero when <c>p ≤ h</c>.
    /// At most <paramref name="totalAssets"/>.
    /// </summary>
    public static UInt128 PerformanceFeeAssets(UInt128 totalAssets, UInt128 totalSupply, UInt128 virtualShares, SharePrice highWaterMark, int bps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bps);
        var supplyWithVirtual = (BigInteger)totalSupply + virtualShares;
        var excess = (((BigInteger)totalAssets + 1) * highWaterMark.Shares) - ((BigInteger)highWaterMark.Assets * supplyWithVirtual);
        if (excess.Sign <= 0 || bps == 0 || totalSupply == 0)
        {
            return UInt128.Zero;
        }

        var fee = ExactMath.MulDiv((BigInteger)totalSupply * bps, excess, (BigInteger)BasisPoints.One * supplyWithVirtual * highWaterMark.Shares, Rounding.Floor);
        return ExactMath.ToUInt128(BigInteger.Min(fee, totalAssets));
    }

    /// <summary>
    /// Shares to mint so that they are worth <paramref name="feeAssets"/> <c>F</c> after minting:
    /// <c>f·(A + 1)/(S + f + V) = F</c> gives <c>f = floor(F · (S + V) / (A + 1 − F))</c>. Rounding down means the
    /// recipient's shares are worth at most <c>F</c> (and less than <c>F</c> by under one share's value).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="feeAssets"/> exceeds <paramref name="totalAssets"/>.</exception>
    public static UInt128 SharesForFee(UInt128 feeAssets, UInt128 totalAssets, UInt128 totalSupply, UInt128 virtualShares)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(feeAssets, totalAssets);
        return ExactMath.ToUInt128(SharesForFeeExact(feeAssets, totalAssets, totalSupply, virtualShares));
    }

    internal static BigInteger SharesForFeeExact(UInt128 feeAssets, UInt128 totalAssets, BigInteger totalSupply, UInt128 virtualShares) =>
        feeAssets == 0
            ? BigInteger.Zero
            : ExactMath.MulDiv(feeAssets, totalSupply + virtualShares, (BigInteger)totalAssets + 1 - feeAssets, Rounding.Floor);
}
