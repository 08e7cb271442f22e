using Ballast.Accounting;
using Ballast.Protocol;

namespace Ballast.Core.Tests.Protocol;

public sealed class JournalClockTests
{
    [Fact]
    public void Format_WholeSeconds_IsIsoUtcToTheSecond_AFractionOnlyWhenThereIsOne()
    {
        var t = new DateTimeOffset(2005, 1, 3, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("2005-01-03T00:00:00Z", JournalClock.Format(t));
        Assert.Equal("2005-01-03T00:00:00.5Z", JournalClock.Format(t.AddMilliseconds(500)));
        Assert.Equal("2005-01-03T00:00:00.0000001Z", JournalClock.Format(t.AddTicks(1)));
    }

    [Fact]
    public void Decide_CommandDatedBeforeTheLastEvent_SaysGovernanceForGovernanceCommandsAndNeverTheVault()
    {
        var engine = new ProtocolEngine(new NoPolicies());
        var state = new ProtocolState();
        var t = new DateTimeOffset(2005, 1, 3, 0, 0, 0, TimeSpan.Zero);
        var init = engine.Decide(state, new InitGovernance("g", new AccountId("treasury"), new Ballast.Governance.GovernanceParameters(86_400, 604_800, 1_000, 0, 172_800, 1_209_600, new AccountId("guardian"))), t);
        foreach (var e in init.Events)
        {
            engine.Apply(state, e, t);
        }

        var governance = engine.Decide(state, new MintBank("m", new AccountId("treasury"), new AccountId("alice"), 1), t.AddSeconds(-1)).Rejection!;
        var asset = engine.Decide(state, new CreateAsset("a", new AccountId("issuer"), new AssetSymbol("USD"), 6), t.AddSeconds(-1)).Rejection!;

        Assert.Equal(Rejections.TimeRegression, governance.Code);
        Assert.StartsWith("governance refuses a command dated 2005-01-02T23:59:59Z: the journal's last event is at 2005-01-03T00:00:00Z", governance.Message, StringComparison.Ordinal);
        Assert.Equal(Rejections.TimeRegression, asset.Code);
        Assert.StartsWith("time 2005-01-02T23:59:59Z is before the journal's last event at 2005-01-03T00:00:00Z", asset.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vault", governance.Message + asset.Message, StringComparison.Ordinal);
    }

    private sealed class NoPolicies : IPolicyCompiler
    {
        public Ballast.Policies.PolicySpec Compile(string name, string text) => throw new NotSupportedException();

        public IReadOnlyList<Ballast.Policies.PolicySpec> CompileAll(string text) => throw new NotSupportedException();
    }
}
