using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// Exact integer arithmetic for the ledger: <c>a * b / c</c> with the product kept whole (no 128-bit truncation)
/// and an explicit rounding direction, and powers of ten.
/// </summary>
public static class ExactMath
{
    private static readonly UInt128[] Powers = BuildPowers();

    /// <summary>
    /// <c>a * b / c</c>, exact, rounded as asked. The product may exceed 128 bits; only the quotient must fit.
    /// </summary>
    /// <exception cref="DivideByZeroException"><paramref name="c"/> is zero.</exception>
    /// <exception cref="OverflowException">The rounded quotient does not fit in a <see cref="UInt128"/>.</exception>
    public static UInt128 MulDiv(UInt128 a, UInt128 b, UInt128 c, Rounding rounding) =>
        ToUInt128(MulDiv((BigInteger)a, (BigInteger)b, (BigInteger)c, rounding));

    /// <summary><c>10^exponent</c> for 0 ≤ exponent ≤ 38 (the largest power of ten a <see cref="UInt128"/> holds).</summary>
    public static UInt128 Pow10(int exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(exponent, Powers.Length - 1);
        return Powers[exponent];
    }

    /// <summary>The <see cref="BigInteger"/> form of <see cref="MulDiv(UInt128, UInt128, UInt128, Rounding)"/> for non-negative operands.</summary>
    internal static BigInteger MulDiv(BigInteger a, BigInteger b, BigInteger c, Rounding rounding)
    {
        if (c.IsZero)
        {
            throw new DivideByZeroException("MulDiv: the divisor is zero");
        }

        if (a.Sign < 0 || b.Sign < 0 || c.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), "MulDiv takes non-negative operands only");
        }

        var quotient = BigInteger.DivRem(a * b, c, out var remainder);
        return rounding switch
        {
            Rounding.Floor => quotient,
            Rounding.Ceiling => remainder.IsZero ? quotient : quotient + 1,
            _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding"),
        };
    }

    /// <summary>Narrows an exact non-negative value to <see cref="UInt128"/>, throwing when it does not fit.</summary>
    internal static UInt128 ToUInt128(BigInteger value)
    {
        if (value.Sign < 0 || value > UInt128.MaxValue)
        {
            throw new OverflowException($"{value} does not fit in an unsigned 128-bit amount");
        }

        return (UInt128)value;
    }

    private static UInt128[] BuildPowers()
    {
        var powers = new UInt128[39];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
