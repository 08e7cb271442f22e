using System.Text.Json;
using Ballast.Hashing;
using Ballast.Policies;

namespace Ballast.Core.Tests.Policies;

public sealed class PolicyHashTests
{
    private const string Canonical = "{\"name\":\"p\"}";

    [Fact]
    public void OfCanonicalJson_IsTheSha256OfItsUtf8Bytes()
    {
        var hash = PolicyHash.OfCanonicalJson(Canonical);

        Assert.Equal(Sha256Digest.OfUtf8(Canonical), hash.Digest);
        Assert.Equal(hash.Digest.ToHex(), hash.ToString());
        Assert.Equal(hash.ToString()[..PolicyHash.AbbreviatedLength], hash.Abbreviated);
        Assert.Equal(hash, CanonicalPolicy.HashOf(Canonical));
    }

    [Fact]
    public void Json_ValueAndDictionaryKey_AreTheBareHex()
    {
        var hash = PolicyHash.OfCanonicalJson(Canonical);
        var hex = hash.ToString();

        var json = JsonSerializer.Serialize(new Dictionary<PolicyHash, PolicyHash> { [hash] = hash });

        Assert.Equal($"{{\"{hex}\":\"{hex}\"}}", json);
        Assert.Equal(hash, JsonSerializer.Deserialize<Dictionary<PolicyHash, PolicyHash>>(json)![hash]);
    }

    [Theory]
    [InlineData("\"ABC\"")]
    [InlineData("null")]
    public void Json_NotAHash_ThrowsNamingWhatWasExpected(string json)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<PolicyHash>(json));

        Assert.Contains("policy hash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotLowercaseHex_Throws()
    {
        Assert.False(PolicyHash.TryParse("xyz", out _));
        Assert.Throws<FormatException>(() => PolicyHash.Parse(PolicyHash.OfCanonicalJson(Canonical).ToString().ToUpperInvariant()));
    }
}
