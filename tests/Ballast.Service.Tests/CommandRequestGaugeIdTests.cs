using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Service.Tests;

/// <summary>A command body's gauge is a <see cref="GaugeId"/>: a bad one is refused when the body is read, naming the member.</summary>
public class CommandRequestGaugeIdTests
{
    [Theory]
    [InlineData("vote-gauge", """{"gauge":"demo mix","bps":100}""", "$.gauge", "'demo mix' is not a valid gauge id")]
    [InlineData("vote-gauge", """{"gauge":"","bps":100}""", "$.gauge", "'' is not a valid gauge id")]
    [InlineData("vote-gauge", """{"gauge":7,"bps":100}""", "$.gauge", "expected a gauge id as a string")]
    [InlineData("claim-gauge-reward", """{"gauge":"Long/Short Equity"}""", "$.gauge", "'Long/Short Equity' is not a valid gauge id")]
    [InlineData("propose", """{"actions":[{"$type":"add-gauge","gauge_id":"demo-mix"},{"$type":"remove-gauge","gauge_id":" old"}],"description":"x"}""", "$.actions[1].gauge_id", "' old' is not a valid gauge id")]
    public void BadGauge_IsRefused_NamingTheMember(string name, string body, string member, string expected)
    {
        var e = Assert.Throws<CommandRequestException>(() => CommandRequest.Parse(name, System.Text.Encoding.UTF8.GetBytes(body), "k1", new AccountId("alice")));

        Assert.Equal(member, e.Member);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodGauge_IsReadAsTheId()
    {
        var vote = Assert.IsType<VoteGauge>(CommandRequest.Parse("vote-gauge", """{"gauge":"demo-mix","bps":2500}"""u8, "k1", new AccountId("alice")));
        var claim = Assert.IsType<ClaimGaugeReward>(CommandRequest.Parse("claim-gauge-reward", """{"gauge":"demo-mix"}"""u8, "k2", new AccountId("alice")));

        Assert.Equal(new GaugeId("demo-mix"), vote.Gauge);
        Assert.Equal(2_500, vote.Bps);
        Assert.Equal(new GaugeId("demo-mix"), claim.Gauge);
    }
}
