using System.Text.Json;
using Ballast.Hashing;

namespace Ballast.Core.Tests.Hashing;

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

    [Fact]
    public void Json_Digest_IsTheHexStringBothWays()
    {
        var digest = Sha256Digest.OfUtf8("abc");

        var json = JsonSerializer.Serialize(new { hash = digest, none = (Sha256Digest?)null });

        Assert.Equal("{\"hash\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\"none\":null}", json);
        Assert.Equal(digest, JsonSerializer.Deserialize<Sha256Digest>("\"" + digest.ToHex() + "\""));
    }

    [Theory]
    [InlineData("\"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"")]
    [InlineData("\"ba7816bf\"")]
    [InlineData("42")]
    public void Json_NotLowercaseHexOf64_ThrowsNamingTheText(string json)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Sha256Digest>(json));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_IncrementalPieces_EqualsDigestOfTheWhole()
    {
        using var hash = Sha256Digest.CreateIncremental();
        hash.AppendData("a"u8);
        hash.AppendData("bc"u8);

        Assert.Equal(Sha256Digest.OfUtf8("abc"), Sha256Digest.Finish(hash));
        Assert.Equal(Sha256Digest.OfUtf8(""), Sha256Digest.Finish(hash));
    }

    [Fact]
    public void Finish_NotSha256_Throws()
    {
        using var sha512 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA512);

        Assert.Throws<ArgumentException>(() => Sha256Digest.Finish(sha512));
    }
}
