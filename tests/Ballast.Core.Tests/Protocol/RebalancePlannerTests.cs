using Ballast.Policies;
using Ballast.Protocol;
using static Ballast.Core.Tests.Protocol.EngineHarness;

namespace Ballast.Core.Tests.Protocol;

/// <summary>The keeper's rebalance planner: policy on the NAV table, rails, exact child operations.</summary>
public class RebalancePlannerTests
{
    private static readonly TriggerSpec Drift5 = new DriftTrigger(DriftMeasure.Absolute, 0.05, null);

    [Fact]
    public void Keeper_AfterDrift_RebalancesToTargets_WithoutCreatingValue()
    {
        var h = new EngineHarness(trigger: Drift5);
        h.Deposit(Alice, 1_000_000);
        h.NextDay();
        h.NextDay(1.4, 0.9);
        var supply = h.Mix.Ledger.TotalSupply;
        var navBefore = ProtocolEngine.Nav(h.State, h.Mix);

        var outcome = h.Keep();

        var e = Assert.IsType<Rebalanced>(Assert.Single(outcome.Events));
        Assert.StartsWith("drift", e.Reason, StringComparison.Ordinal);
        Assert.Equal(navBefore, e.NavBefore);
        Assert.Equal(ProtocolEngine.Nav(h.State, h.Mix), e.NavAfter);
        Assert.True(e.NavAfter <= e.NavBefore, "a rebalance never creates value");
        Assert.True(e.NavAfter + e.FlowFees + e.FixedCosts + 16 >= e.NavBefore, "only costs leave");
        Assert.Equal(supply, h.Mix.Ledger.TotalSupply);
        Assert.Equal(0.5, h.WeightOfA(), 5);
    }

    [Fact]
    public void Keeper_WithoutATrigger_ChangesNothing()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000_000);
        h.NextDay();
        h.NextDay(1.4, 0.9);
        var before = h.Fingerprint();

        var outcome = h.Keep();

        Assert.Equal(CommandStatus.Unchanged, outcome.Status);
        Assert.Contains("no trigger fired", outcome.Note, StringComparison.Ordinal);
        Assert.Equal(before, h.Fingerprint());
    }

    [Fact]
    public void Keeper_BeforeTwoDaysOfReports_WaitsForHistory()
    {
        var h = new EngineHarness(trigger: Drift5);
        h.Deposit(Alice, 1_000_000);

        var outcome = h.Keep();

        Assert.Equal(CommandStatus.Unchanged, outcome.Status);
        Assert.Contains("not enough NAV history", outcome.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeper_OnAnEmptyVaultUnderARiskPolicy_SetsTheBacktestsInitialTargets_OnTheFirstRowWithTheWholeLookback()
    {
        // Inverse volatility over 3 returns: they take 4 rows of NAV history, the 4th being where a backtest invests.
        var compiler = new FakePolicyCompiler();
        var h = new EngineHarness(compiler);
        var spec = FakePolicyCompiler.Fixed("r", ["A", "B"], [0.5, 0.5]) with { Weights = new RiskWeights(RiskScheme.InverseVolatility, new CovarianceSpec(CovarianceMethod.Sample, 3, null), [], [], []) };
        var policy = new RebalancePolicy(spec);
        h.Must(new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "r", compiler.Register("inverse-vol A B over 3 returns", spec)));
        h.Fund(Bob, 2_000);
        foreach (var child in new[] { "A", "B" })
        {
            h.Must(new DepositCommand(h.Id(), Bob, new VaultId(child), 1_000_000_000)); // another investor, so the children's NAV moves
        }

        double[][] days = [[1.0, 1.0], [1.01, 0.97], [0.99, 1.05], [1.02, 0.96]];
        for (var d = 0; d < 3; d++)
        {
            h.NextDay(days[d]);
            var waiting = h.Keep();
            Assert.Equal(CommandStatus.Unchanged, waiting.Status);
            Assert.Contains("not enough NAV history", waiting.Note, StringComparison.Ordinal);
        }

        h.NextDay(days[3]);
        var table = ProtocolEngine.NavTable(h.State, h.Mix, ["A", "B"], h.Now)!.WithHistory(3, minWindowRows: 1);
        Assert.Equal(1, table.RowCount);
        var expected = PolicyStep.InitialTargets(policy, table, 0, table.InferPeriodsPerYear());
        Assert.NotEqual(h.Mix.TargetsPpm, expected); // not the equal weights in force since the policy was attached

        var set = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));

        Assert.Equal(PolicyStep.InitialInvestment.Kind, set.Trigger);
        Assert.Empty(set.Trades);
        Assert.Equal(expected, set.TargetsPpm);
        Assert.Equal(expected, h.Mix.TargetsPpm);
        Assert.Equal(CommandStatus.Unchanged, h.Keep().Status); // the same row again: the targets are in force already
        h.Deposit(Alice, 1_000_000);
        Assert.Equal(expected[0] / 1e6, h.WeightOfA(), 3);
    }

    [Fact]
    public void Keeper_OnAVaultThatStaysEmpty_JournalsInitialTargetsOnlyWhenTheyChange()
    {
        // Inverse volatility over 4 returns of prices that go up and back down by the same factors: every window
        // holds the same returns (in another order), so the targets stay put while the vault stays empty.
        var compiler = new FakePolicyCompiler();
        var h = new EngineHarness(compiler);
        var spec = FakePolicyCompiler.Fixed("r", ["A", "B"], [0.5, 0.5]) with { Weights = new RiskWeights(RiskScheme.InverseVolatility, new CovarianceSpec(CovarianceMethod.Sample, 4, null), [], [], []) };
        var policy = new RebalancePolicy(spec);
        h.Must(new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "r", compiler.Register("inverse-vol A B over 4 returns", spec)));
        h.Fund(Bob, 2_000);
        foreach (var child in new[] { "A", "B" })
        {
            h.Must(new DepositCommand(h.Id(), Bob, new VaultId(child), 1_000_000_000)); // another investor, so the children's NAV moves
        }

        double[][] factors = [[1.02, 0.97], [1 / 1.02, 1 / 0.97]];
        var journaled = 0;
        var keptInForce = 0;
        for (var d = 0; d < 12; d++)
        {
            h.NextDay(factors[d % 2]);
            if (d < 4)
            {
                Assert.Contains("not enough NAV history", h.Keep().Note, StringComparison.Ordinal);
                continue;
            }

            var table = ProtocolEngine.NavTable(h.State, h.Mix, ["A", "B"], h.Now)!.WithHistory(4, minWindowRows: 1);

            var expected = PolicyStep.InitialTargets(policy, table, table.RowCount - 1, table.InferPeriodsPerYear());
            var inForce = h.Mix.TargetsPpm!.ToArray();
            var outcome = h.Keep();
            var events = outcome.Events.OfType<Rebalanced>().ToList();
            if (expected.SequenceEqual(inForce))
            {
                keptInForce++;
                Assert.True(events.Count == 0, $"day {d}: the targets {string.Join(',', expected)} are in force already, yet the keeper journaled them again");
            }
            else
            {
                journaled++;
                var set = Assert.Single(events);
                Assert.Equal(PolicyStep.InitialInvestment.Kind, set.Trigger);
                Assert.Equal(expected, set.TargetsPpm);
            }
        }

        Assert.True(journaled >= 1, "the empty vault's targets were never set");
        Assert.True(keptInForce >= 3, $"only {keptInForce} days with unchanged targets: the case under test did not arise");
    }

    [Fact]
    public void Rails_MaxStep_ClipsEachChildsMove()
    {
        var h = new EngineHarness(trigger: Drift5, rails: new RebalanceRails { MaxStepPpm = 20_000 });
        h.Deposit(Alice, 1_000_000);
        h.NextDay();
        h.NextDay(1.5, 1.0);
        var before = h.WeightOfA();

        Assert.Equal(CommandStatus.Applied, h.Keep().Status);

        // A was ~0.6 and wants 0.5: it moves by at most 2 points.
        Assert.InRange(before - h.WeightOfA(), 0.019, 0.0201);
    }

    [Fact]
    public void Rails_Cooldown_DefersTheNextRebalance()
    {
        var h = new EngineHarness(trigger: Drift5, rails: new RebalanceRails { CooldownSeconds = 7 * Day });
        h.Deposit(Alice, 1_000_000);
        h.NextDay();
        h.NextDay(1.5, 1.0);
        Assert.Equal(CommandStatus.Applied, h.Keep().Status);
        h.NextDay(1.5, 1.0);

        var deferred = h.Keep();

        Assert.Equal(CommandStatus.Unchanged, deferred.Status);
        Assert.Contains("cooldown", deferred.Note, StringComparison.Ordinal);
    }
}
