using System.Text.Json;
using Ballast.Accounting;
using Ballast.Protocol;
using CsCheck;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// The vault id type: the same acceptance as the engine's former string rule, the composed rule (the id names the
/// account <c>vault:ID</c>), its JSON form (the bare text, byte-identical to a string) and refusal of bad input.
/// </summary>
public class VaultIdTests
{
    [Theory]
    [InlineData("demo-mix")]
    [InlineData("Long/Short Equity")]
    [InlineData("Événements (CTA)")]
    [InlineData("x")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234")]
    public void ValidIds_AreAccepted_AndKeptAsGiven(string text)
    {
        Assert.True(VaultId.IsValid(text));
        Assert.Equal(text, new VaultId(text).ToString());
        Assert.True(VaultId.TryParse(text, out var parsed));
        Assert.Equal(text, parsed.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("\u00a0nbsp")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public void InvalidIds_AreRefused_WithTheRule(string text)
    {
        Assert.False(VaultId.IsValid(text));
        Assert.False(VaultId.TryParse(text, out var parsed));
        Assert.Equal(default, parsed);
        var error = Assert.Throws<ArgumentException>(() => new VaultId(text));
        Assert.Contains($"'{text}' is not a valid vault id (1 to 64 printable characters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo-mix", true)]
    [InlineData("-mix", true)]
    [InlineData("a:b.c_d", true)]
    [InlineData("Long/Short Equity", false)]
    [InlineData("bad id", false)]
    [InlineData("1234567890123456789012345678901234567890123456789012345678", true)]
    [InlineData("12345678901234567890123456789012345678901234567890123456789", false)]
    public void ComposedIds_MustNameAnAccount(string text, bool composed)
    {
        var id = new VaultId(text);

        Assert.Equal(composed, id.CanNameAccount);
        Assert.Equal(composed, VaultId.CanBeComposed(text));
        if (composed)
        {
            Assert.Equal(new AccountId("vault:" + text), id.Account);
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(() => id.Account);
            Assert.Contains($"'{text}' is not a valid composed vault id", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_IsTheBareText_InCommandsEventsAndAsDictionaryKeys()
    {
        var deposit = new DepositCommand("c1", new AccountId("alice"), new VaultId("Long/Short Equity"), 5);
        const string Json = """{"actor":"alice","assets":"5","id":"c1","vault":"Long/Short Equity"}""";
        Assert.Equal(Json, ProtocolJson.Canonical(deposit));
        Assert.Equal(deposit, ProtocolJson.Deserialize<DepositCommand>(Json));

        var flow = new ChildFlow(new VaultId("A"), new Deposited(new AccountId("vault:mix"), 1, 1, 0, DateTimeOffset.UnixEpoch));
        Assert.Contains("\"child\":\"A\"", ProtocolJson.Canonical(flow), StringComparison.Ordinal);

        var keyed = new Dictionary<VaultId, int> { [new VaultId("demo-mix")] = 1 };
        var text = JsonSerializer.Serialize(keyed);
        Assert.Equal("""{"demo-mix":1}""", text);
        Assert.Equal(keyed, JsonSerializer.Deserialize<Dictionary<VaultId, int>>(text));
    }

    [Theory]
    [InlineData("""{"actor":"alice","assets":"5","id":"c1","vault":" mix"}""", "' mix' is not a valid vault id")]
    [InlineData("""{"actor":"alice","assets":"5","id":"c1","vault":""}""", "'' is not a valid vault id")]
    [InlineData("""{"actor":"alice","assets":"5","id":"c1","vault":7}""", "expected a vault id as a string")]
    public void Json_RefusesBadIds(string json, string expected)
    {
        var error = Assert.Throws<JsonException>(() => ProtocolJson.Deserialize<DepositCommand>(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_IsOrdinal() =>
        Assert.Equal(["B", "a"], new[] { new VaultId("a"), new VaultId("B") }.Order().Select(s => s.Value));

    /// <summary>
    /// Over random text (letters, space, '/', control characters, non-ASCII white space and letters): the type accepts
    /// exactly what the engine's string rule accepted, and for accepted ids equality, hash, order and the JSON bytes
    /// (value and dictionary key) agree with the plain string's; refused text is refused by JSON too.
    /// </summary>
    [Fact]
    public void Property_AcceptanceEqualityHashOrderAndJson_AgreeWithTheString()
    {
        var chars = Gen.OneOf(Gen.Char["aB0-_.:/ "], Gen.Char['\u0000', '\u001f'], Gen.Char["\u00a0\u2003é€"]);
        var text = Gen.OneOf(chars.Array[0, 8], chars.Array[56, 70]).Select(a => new string(a));
        Gen.Select(text, text, Gen.Bool).Sample((a, other, same) =>
        {
            var b = same ? new string(a.AsSpan()) : other;
            var stringJson = JsonSerializer.Serialize(a, ProtocolJson.Options);
            Assert.Equal(FormerEngineRule(a), VaultId.IsValid(a));
            if (!VaultId.IsValid(a))
            {
                Assert.ThrowsAny<ArgumentException>(() => new VaultId(a));
                Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<VaultId>(stringJson, ProtocolJson.Options));
                return;
            }

            var x = new VaultId(a);
            Assert.Equal(AccountId.IsValid("vault:" + a), x.CanNameAccount);
            var json = JsonSerializer.Serialize(x, ProtocolJson.Options);
            Assert.Equal(stringJson, json);
            Assert.Equal(x, JsonSerializer.Deserialize<VaultId>(json, ProtocolJson.Options));
            Assert.Equal(
                JsonSerializer.Serialize(new Dictionary<string, int> { [a] = 1 }, ProtocolJson.Options),
                JsonSerializer.Serialize(new Dictionary<VaultId, int> { [x] = 1 }, ProtocolJson.Options));
            if (VaultId.IsValid(b))
            {
                var y = new VaultId(b);
                Assert.Equal(string.Equals(a, b, StringComparison.Ordinal), x == y);
                Assert.Equal(Math.Sign(string.CompareOrdinal(a, b)), Math.Sign(x.CompareTo(y)));
                if (x == y)
                {
                    Assert.Equal(x.GetHashCode(), y.GetHashCode());
                }
            }
        });
    }

    /// <summary>The engine's rule for a simple vault id before the type (SimpleVaultDecisions.VaultIdProblem on a string).</summary>
    private static bool FormerEngineRule(string vault) =>
        vault.Length is > 0 and <= AccountId.MaxLength && vault.All(c => !char.IsControl(c)) && vault.Trim() == vault;
}
