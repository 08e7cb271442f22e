using System.Text.Json;
using Ballast.Accounting;
using Ballast.Protocol;

namespace Ballast.Core.Tests.Accounting;

/// <summary>The asset symbol type: the validation rule, its JSON form (the bare text, byte-identical to a string) and refusal of bad input.</summary>
public class AssetSymbolTests
{
    [Theory]
    [InlineData("USD")]
    [InlineData("usdc.e")]
    [InlineData("A-B_C.D:E")]
    [InlineData("0123456789ABCDEF")]
    public void ValidSymbols_AreAccepted_AndKeptAsGiven(string text)
    {
        Assert.True(AssetSymbol.IsValid(text));
        Assert.Equal(text, new AssetSymbol(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad symbol")]
    [InlineData("-USD")]
    [InlineData("0123456789ABCDEFG")]
    [InlineData("US$")]
    [InlineData("ÜSD")]
    public void InvalidSymbols_AreRefused_WithTheRule(string text)
    {
        Assert.False(AssetSymbol.IsValid(text));
        var error = Assert.Throws<ArgumentException>(() => new AssetSymbol(text));
        Assert.Contains($"'{text}' is not a valid asset symbol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_IsTheBareText_InEventsAndAsDictionaryKeys()
    {
        var created = new AssetCreated(new AssetSymbol("USD"), 6, new AccountId("issuer"));
        Assert.Equal("""{"decimals":6,"issuer":"issuer","symbol":"USD"}""", ProtocolJson.Canonical(created));
        Assert.Equal(created, ProtocolJson.Deserialize<AssetCreated>("""{"decimals":6,"issuer":"issuer","symbol":"USD"}"""));

        var keyed = new Dictionary<AssetSymbol, int> { [new AssetSymbol("EUR")] = 1 };
        var text = JsonSerializer.Serialize(keyed);
        Assert.Equal("""{"EUR":1}""", text);
        Assert.Equal(keyed, JsonSerializer.Deserialize<Dictionary<AssetSymbol, int>>(text));
    }

    [Theory]
    [InlineData("""{"decimals":6,"issuer":"issuer","symbol":"bad symbol"}""", "'bad symbol' is not a valid asset symbol")]
    [InlineData("""{"decimals":6,"issuer":"issuer","symbol":7}""", "expected an asset symbol as a string")]
    public void Json_RefusesBadSymbols(string json, string expected)
    {
        var error = Assert.Throws<JsonException>(() => ProtocolJson.Deserialize<AssetCreated>(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_IsOrdinal() =>
        Assert.Equal(["B", "a"], new[] { new AssetSymbol("a"), new AssetSymbol("B") }.Order().Select(s => s.Value));
}
