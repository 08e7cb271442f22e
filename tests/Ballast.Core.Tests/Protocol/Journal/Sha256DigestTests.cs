using Ballast.Protocol.Journal;

namespace Ballast.Core.Tests.Protocol.Journal;

public sealed class Sha256DigestTests
{
    [Fact]
    public void OfUtf8_KnownText_MatchesStandardVector() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256Digest.OfUtf8("abc").ToHex());

    [Fact]
    public void Parse_LowercaseHex_RoundTripsBytesAndText()
    {
        var digest = Sha256Digest.OfUtf8("abc");

        Assert.Equal(digest, Sha256Digest.Parse(digest.ToHex()));
        Assert.Equal(digest, Sha256Digest.FromBytes(digest.ToArray()));
        Assert.True(digest == Sha256Digest.Parse(digest.ToString()));
        Assert.Equal(digest.GetHashCode(), Sha256Digest.Parse(digest.ToHex()).GetHashCode());
    }

    [Theory]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("ba7816bf")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag")]
    [InlineData("")]
    public void TryParse_NotLowercaseHexOf64_ReturnsFalse(string text)
    {
        Assert.False(Sha256Digest.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Sha256Digest.Parse(text));
    }

    [Fact]
    public void Zero_Default_IsZeroAndAllZeroHex()
    {
        Assert.True(Sha256Digest.Zero.IsZero);
        Assert.Equal(new string('0', 64), Sha256Digest.Zero.ToHex());
        Assert.False(Sha256Digest.OfUtf8("").IsZero);
        Assert.Throws<ArgumentException>(() => Sha256Digest.FromBytes(new byte[31]));
    }
}
