using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Core.Tests.Policies;

/// <summary>Targets that depend on the volatility regime: entering the high regime re-targets to its weights, leaving it back.</summary>
public class RegimeTargetTests
{
    // Calm (±0.1 % a day), then 100 turbulent rows (±5 % a day on A), then calm again.
    private static PriceTable Path()
    {
        var rows = 700;
        var a = new double[rows];
        var b = new double[rows];
        a[0] = b[0] = 100;
        for (var t = 1; t < rows; t++)
        {
            var size = t is >= 300 and < 400 ? 0.05 : 0.001;
            var sign = t % 2 == 0 ? 1 : -1;
            a[t] = a[t - 1] * (1 + (sign * size));
            b[t] = b[t - 1] * (1 - (sign * 0.001));
        }

        return Specs.Table(["A", "B"], a, b).WithHistory(21);
    }

    private static VolatilityTrigger Regime(TriggerSpec normal, TriggerSpec high, FixedWeights? weights) =>
        new(normal, 21, 0.25, 0.20, high, VolatilityScope.AnyAsset, weights);

    private static (int Row, string Reason, double WeightA)[] Rebalances(PolicyRun run) =>
        [.. run.Trades!.Where(t => t.Row > 0).GroupBy(t => t.Row).Select(g => (g.Key, g.First().Reason, g.First(t => t.Asset == "A").WeightAfter))];

    [Fact]
    public void Run_EnteringAndLeavingTheHighRegime_RetargetsAndRebalancesOnceEach()
    {
        var table = Path();
        var policy = new RebalancePolicy(Specs.Fixed(["A", "B"], [0.6, 0.4], Regime(new NoTrigger(), new NoTrigger(), new FixedWeights([0.1, 0.9]))));

        var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));

        var rebalances = Rebalances(run);
        Assert.Equal(2, rebalances.Length);
        Assert.StartsWith("entered the high-volatility regime (volatility ", rebalances[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0.1, rebalances[0].WeightA, 6);
        Assert.StartsWith("left the high-volatility regime (volatility ", rebalances[1].Reason, StringComparison.Ordinal);
        Assert.Equal(0.6, rebalances[1].WeightA, 6);

        // The regime turns high within the window of the first turbulent row and back to normal once calm for a window.
        var history = table.History!.RowCount;
        Assert.InRange(rebalances[0].Row + history, 300, 321);
        Assert.InRange(rebalances[1].Row + history, 400, 430);
    }

    [Fact]
    public void Run_HighRegimeTrigger_MeasuresDriftAgainstTheRegimeTargets()
    {
        var table = Path();
        var band = new DriftTrigger(DriftMeasure.Absolute, 0.003, null);
        var policy = new RebalancePolicy(Specs.Fixed(["A", "B"], [0.6, 0.4], Regime(new NoTrigger(), band, new FixedWeights([0.1, 0.9]))));

        var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));

        var rebalances = Rebalances(run);
        var entered = Array.FindIndex(rebalances, r => r.Reason.StartsWith("entered", StringComparison.Ordinal));
        var left = Array.FindIndex(rebalances, r => r.Reason.StartsWith("left", StringComparison.Ordinal));
        Assert.True(entered >= 0 && left > entered + 1, "band rebalances happen between entering and leaving");
        Assert.All(rebalances[(entered + 1)..left], r =>
        {
            Assert.StartsWith("high-volatility regime (volatility ", r.Reason, StringComparison.Ordinal);
            Assert.Contains("): drift ", r.Reason, StringComparison.Ordinal);
            Assert.Equal(0.1, r.WeightA, 6);
        });
        Assert.Equal(left + 1, rebalances.Length);
    }

    [Fact]
    public void Run_WithoutRegimeWeights_KeepsTheOldBehaviour()
    {
        var table = Path();
        var policy = new RebalancePolicy(Specs.Fixed(["A", "B"], [0.6, 0.4], Regime(new NoTrigger(), new NoTrigger(), null)));

        var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));

        Assert.False(policy.RetargetsByRegime);
        Assert.Empty(Rebalances(run));
    }

    [Fact]
    public void Compile_RiskBasedPolicyWithRegimeWeights_IsRefused()
    {
        var spec = Specs.Fixed(["A", "B"], [0.5, 0.5], Regime(new NoTrigger(), new NoTrigger(), new FixedWeights([0.1, 0.9]))) with
        {
            Weights = new RiskWeights(RiskScheme.InverseVolatility, CovarianceSpec.Default, [], [], []),
        };

        var e = Assert.Throws<ArgumentException>(() => new RebalancePolicy(spec));
        Assert.Contains("need fixed weights", e.Message, StringComparison.Ordinal);
    }
}
