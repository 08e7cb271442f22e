using System.Text.Json;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Protocol;
using CsCheck;

namespace Ballast.Core.Tests.Governance;

/// <summary>
/// The gauge id type: the same acceptance as the protocol's former rule for a gauge (a vault id that can be a
/// composed vault's, so that <c>gauge:ID</c> is an account), its vault and account, its JSON form (the bare text,
/// byte-identical to the journal's strings) and the refusal of bad input naming the JSON member.
/// </summary>
public class GaugeIdTests
{
    [Theory]
    [InlineData("demo-mix")]
    [InlineData("hf-mix")]
    [InlineData("-mix")]
    [InlineData("a:b.c_d")]
    [InlineData("7")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678")]
    public void ValidIds_AreAccepted_NamingTheVaultAndTheAccount(string text)
    {
        Assert.True(GaugeId.IsValid(text));
        Assert.True(GaugeId.TryParse(text, out var parsed));
        Assert.Equal(text, parsed.Value);
        Assert.Equal(text, new GaugeId(text).ToString());
        Assert.Equal(new VaultId(text), parsed.Vault);
        Assert.Equal(new AccountId("gauge:" + text), parsed.Account);
        Assert.Equal(parsed, new GaugeId(new VaultId(text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("demo mix")]
    [InlineData(" mix")]
    [InlineData("Long/Short Equity")]
    [InlineData("Événements")]
    [InlineData("tab\there")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789")]
    public void InvalidIds_AreRefused_WithTheRule(string text)
    {
        Assert.False(GaugeId.IsValid(text));
        Assert.False(GaugeId.TryParse(text, out var parsed));
        Assert.Equal(default, parsed);
        var error = Assert.Throws<ArgumentException>(() => new GaugeId(text));
        Assert.Contains($"'{text}' is not a valid gauge id (a gauge is named by its composed vault's id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullAndDefault_AreRefusedOrNameNothing()
    {
        Assert.False(GaugeId.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => new GaugeId((string)null!));
        Assert.Throws<ArgumentException>(() => new GaugeId(default(VaultId)));
        Assert.Throws<ArgumentException>(() => new GaugeId(new VaultId("Long/Short Equity")));
        Assert.Equal(default, default(GaugeId).Vault);
        Assert.Throws<InvalidOperationException>(() => default(GaugeId).Account);
        Assert.Equal(string.Empty, default(GaugeId).ToString());
    }

    /// <summary>Payloads as the journal holds them (the governance-season sample, whose pinned head the type leaves unchanged): read and written back byte for byte.</summary>
    [Theory]
    [InlineData("gauge", """{"operation":{"$type":"gauge-added","at":1114819204,"gauge":"hf-mix"}}""")]
    [InlineData("gauge", """{"operation":{"$type":"gauge-shares-set","account":"alice","at":1114819204,"gauge":"hf-mix","shares":"998003992015000000"}}""")]
    [InlineData("gauge", """{"operation":{"$type":"gauge-voted","account":"alice","at":1117497604,"bps":10000,"effective_from":1117670400,"end":1167264000,"gauge":"hf-mix","power_used":10000,"slope":"7927447995941146"}}""")]
    [InlineData("command", """{"command":{"$type":"vote-gauge","actor":"alice","bps":10000,"gauge":"hf-mix","id":"r100-gov-9"}}""")]
    public void JournalPayloads_RoundTripByteForByte(string type, string payload)
    {
        var parsed = EventTypes.Parse(type, payload);

        Assert.Equal(payload, EventTypes.Payload(parsed));
    }

    [Fact]
    public void Json_IsTheBareText_InActionsEmissionsAndAsDictionaryKeys()
    {
        var gauge = new GaugeId("hf-mix");
        Assert.Equal("""{"$type":"add-gauge","gauge_id":"hf-mix"}""", ProtocolJson.Canonical<GovernanceAction>(new AddGauge(gauge)));
        Assert.Equal("""{"$type":"remove-gauge","gauge_id":"hf-mix"}""", ProtocolJson.Canonical<GovernanceAction>(new RemoveGauge(gauge)));
        var emission = new GaugeRecorded(new EmissionDistributed(604_800, 10, [new GaugeEmission(gauge, 3, 10)], 604_801));
        Assert.Contains("""{"amount":"10","gauge":"hf-mix","weight":"3"}""", EventTypes.Payload(emission), StringComparison.Ordinal);
        var read = Assert.IsType<EmissionDistributed>(((GaugeRecorded)EventTypes.Parse("gauge", EventTypes.Payload(emission))).Operation);
        Assert.Equal(gauge, Assert.Single(read.Shares).Gauge);

        var keyed = new Dictionary<GaugeId, int> { [gauge] = 1 };
        var text = JsonSerializer.Serialize(keyed);
        Assert.Equal("""{"hf-mix":1}""", text);
        Assert.Equal(keyed, JsonSerializer.Deserialize<Dictionary<GaugeId, int>>(text));
    }

    /// <summary>A journal payload with a gauge id the protocol could never have accepted is refused, naming the member.</summary>
    [Theory]
    [InlineData("gauge", """{"operation":{"$type":"gauge-added","at":1,"gauge":"hf mix"}}""", "'hf mix' is not a valid gauge id", "$.operation.gauge")]
    [InlineData("gauge", """{"operation":{"$type":"gauge-added","at":1,"gauge":7}}""", "expected a gauge id as a string", "$.operation.gauge")]
    [InlineData("gauge", """{"operation":{"$type":"emission-distributed","amount":"1","at":1,"shares":[{"amount":"1","gauge":"","weight":"1"}],"week":0}}""", "'' is not a valid gauge id", "$.operation.shares[0].gauge")]
    [InlineData("command", """{"command":{"$type":"claim-gauge-reward","actor":"alice","gauge":"Long/Short","id":"c1"}}""", "'Long/Short' is not a valid gauge id", "$.command.gauge")]
    public void JournalPayloads_WithABadGaugeId_AreRefusedNamingTheMember(string type, string payload, string expected, string member)
    {
        var error = Assert.Throws<JsonException>(() => EventTypes.Parse(type, payload));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains($"(at {member})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_IsOrdinal() =>
        Assert.Equal(["B", "a"], new[] { new GaugeId("a"), new GaugeId("B") }.Order().Select(s => s.Value));

    /// <summary>
    /// Over random text (letters, digits, the account punctuation, space, '/', control characters, non-ASCII): the
    /// type accepts exactly what the protocol accepted as a gauge (a vault id that is a valid composed vault id, so
    /// <c>gauge:ID</c> is an account), and for accepted ids equality, hash, order and the JSON bytes (value and
    /// dictionary key) agree with the plain string's; refused text is refused by JSON too.
    /// </summary>
    [Fact]
    public void Property_AcceptanceEqualityHashOrderAndJson_AgreeWithTheString()
    {
        var chars = Gen.OneOf(Gen.Char["aB0-_.:/ "], Gen.Char['\u0000', '\u001f'], Gen.Char["\u00a0é€"]);
        var text = Gen.OneOf(chars.Array[0, 8], chars.Array[54, 62]).Select(a => new string(a));
        Gen.Select(text, text, Gen.Bool).Sample((a, other, same) =>
        {
            var b = same ? new string(a.AsSpan()) : other;
            var stringJson = JsonSerializer.Serialize(a, ProtocolJson.Options);
            Assert.Equal(FormerProtocolRule(a), GaugeId.IsValid(a));
            if (!GaugeId.IsValid(a))
            {
                Assert.ThrowsAny<ArgumentException>(() => new GaugeId(a));
                Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<GaugeId>(stringJson, ProtocolJson.Options));
                return;
            }

            var x = new GaugeId(a);
            Assert.True(AccountId.IsValid("gauge:" + a));
            var json = JsonSerializer.Serialize(x, ProtocolJson.Options);
            Assert.Equal(stringJson, json);
            Assert.Equal(x, JsonSerializer.Deserialize<GaugeId>(json, ProtocolJson.Options));
            Assert.Equal(
                JsonSerializer.Serialize(new Dictionary<string, int> { [a] = 1 }, ProtocolJson.Options),
                JsonSerializer.Serialize(new Dictionary<GaugeId, int> { [x] = 1 }, ProtocolJson.Options));
            if (GaugeId.IsValid(b))
            {
                var y = new GaugeId(b);
                Assert.Equal(string.Equals(a, b, StringComparison.Ordinal), x == y);
                Assert.Equal(Math.Sign(string.CompareOrdinal(a, b)), Math.Sign(x.CompareTo(y)));
                if (x == y)
                {
                    Assert.Equal(x.GetHashCode(), y.GetHashCode());
                }
            }
        });
    }

    /// <summary>
    /// What the protocol accepted as a gauge before the type: an add_gauge had to name a composed vault (a vault id
    /// that also names the account vault:ID), and the gauge's BANK account gauge:ID had to be an account id.
    /// </summary>
    private static bool FormerProtocolRule(string gauge) =>
        VaultId.TryParse(gauge, out var vault) && vault.CanNameAccount && AccountId.IsValid("gauge:" + gauge);
}
