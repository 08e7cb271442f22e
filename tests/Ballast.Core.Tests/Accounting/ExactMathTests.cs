using System.Numerics;
using Ballast.Accounting;
using CsCheck;

namespace Ballast.Core.Tests.Accounting;

public class ExactMathTests
{
    [Fact]
    public void MulDiv_ProductBeyond128Bits_IsExact()
    {
        var max = UInt128.MaxValue;

        Assert.Equal(max, ExactMath.MulDiv(max, max, max, Rounding.Floor));
        Assert.Equal(max - 1, ExactMath.MulDiv(max - 1, max, max, Rounding.Ceiling));
        Assert.Equal((UInt128)1 << 120, ExactMath.MulDiv((UInt128)1 << 100, (UInt128)1 << 100, (UInt128)1 << 80, Rounding.Floor));
    }

    [Fact]
    public void MulDiv_Remainder_FloorAndCeilingDifferByOne()
    {
        Assert.Equal((UInt128)3, ExactMath.MulDiv(7, 3, 6, Rounding.Floor));
        Assert.Equal((UInt128)4, ExactMath.MulDiv(7, 3, 6, Rounding.Ceiling));
        Assert.Equal((UInt128)4, ExactMath.MulDiv(8, 3, 6, Rounding.Ceiling));
    }

    [Fact]
    public void MulDiv_ZeroDivisor_Throws() =>
        Assert.Throws<DivideByZeroException>(() => ExactMath.MulDiv(1, 1, 0, Rounding.Floor));

    [Fact]
    public void MulDiv_QuotientBeyond128Bits_Throws() =>
        Assert.Throws<OverflowException>(() => ExactMath.MulDiv(UInt128.MaxValue, 2, 1, Rounding.Floor));

    [Fact]
    public void MulDiv_RandomOperands_MatchesBigIntegerDivision()
    {
        var big = Gen.Select(Gen.ULong, Gen.ULong).Select((hi, lo) => new UInt128(hi, lo));
        Gen.Select(big, big, big.Where(c => c != 0)).Sample((a, b, c) =>
        {
            var exact = BigInteger.DivRem((BigInteger)a * b, c, out var remainder);
            if (exact > UInt128.MaxValue)
            {
                Assert.Throws<OverflowException>(() => ExactMath.MulDiv(a, b, c, Rounding.Floor));
                return;
            }

            Assert.Equal((UInt128)exact, ExactMath.MulDiv(a, b, c, Rounding.Floor));
            var up = remainder.IsZero ? exact : exact + 1;
            if (up <= UInt128.MaxValue)
            {
                Assert.Equal((UInt128)up, ExactMath.MulDiv(a, b, c, Rounding.Ceiling));
            }
        });
    }

    [Fact]
    public void Pow10_Range_IsExactUpTo38()
    {
        Assert.Equal(UInt128.One, ExactMath.Pow10(0));
        Assert.Equal(UInt128.Parse("100000000000000000000000000000000000000", System.Globalization.CultureInfo.InvariantCulture), ExactMath.Pow10(38));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExactMath.Pow10(39));
    }

    [Fact]
    public void GrossForNet_AnyFee_IsTheSmallestGrossLeavingTheNet()
    {
        Gen.Select(Gen.ULong[0, 1_000_000_000_000], Gen.Int[0, 5_000]).Sample((net, bps) =>
        {
            var gross = BasisPoints.GrossForNet(net, bps);
            Assert.True(gross - BasisPoints.FeeOnGross(gross, bps) >= net);
            if (gross > 0)
            {
                var less = gross - 1;
                Assert.True(less - BasisPoints.FeeOnGross(less, bps) < net);
            }
        });
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("0xAbC:vault-1.fees_2")]
    public void AccountId_ValidText_IsAccepted(string text) => Assert.Equal(text, new AccountId(text).Value);

    [Theory]
    [InlineData("")]
    [InlineData("-alice")]
    [InlineData("al ice")]
    [InlineData("álice")]
    public void AccountId_InvalidText_Throws(string text) => Assert.Throws<ArgumentException>(() => new AccountId(text));
}
