using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Policies;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>Every formula of docs/metrics.md against a hand-computed case.</summary>
public class BacktestMetricsTests
{
    [Fact]
    public void Finish_SingleAssetPath_MatchesTheDocumentedFormulas()
    {
        double[] prices = [100, 110, 99, 120, 90, 108];
        var table = Specs.Table(["A"], prices);
        var run = Backtester.Run(table, new RebalancePolicy(Specs.Fixed(["A"], [1.0], new NoTrigger(), capital: 1000)), new BacktestSettings(252, RiskFree: 0.02));
        var m = run.Metrics;

        var r = Enumerable.Range(1, prices.Length - 1).Select(t => (prices[t] / prices[t - 1]) - 1).ToArray();
        var mean = r.Average();
        var sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
        var rf = Math.Pow(1.02, 1.0 / 252) - 1;
        var downside = Math.Sqrt(r.Sum(x => Math.Pow(Math.Min(0, x - rf), 2)) / r.Length);
        var years = 5 / 365.25;
        var cagr = Math.Pow(1.08, 1 / years) - 1;

        Assert.Equal(1080, m.FinalNav, 9);
        Assert.Equal(0.08, m.TotalReturn, 12);
        Assert.Equal(cagr, m.Cagr!.Value, 9);
        Assert.Equal(sd * Math.Sqrt(252), m.Volatility!.Value, 12);
        Assert.Equal((mean - rf) / sd * Math.Sqrt(252), m.Sharpe!.Value, 12);
        Assert.Equal((mean - rf) / downside * Math.Sqrt(252), m.Sortino!.Value, 12);
        Assert.Equal(-0.25, m.MaxDrawdown, 12);
        Assert.Equal(cagr / 0.25, m.Calmar!.Value, 9);
        Assert.Equal(0, m.Rebalances);
        Assert.Equal(0, m.CostsPaid);
        Assert.Equal(0, m.MeanAbsDrift);
    }

    [Fact]
    public void Finish_TurnoverCostDragAndDrift_FollowTheirDefinitions()
    {
        // Two assets 50/50 rebalanced every row on the alternating path, 10 bps: every rebalance trades
        // |ΔA| + |ΔB| = one third of NAV (weights 2/3 → 1/2 and 1/3 → 1/2), one-way turnover 1/6.
        var rows = 11;
        var table = Specs.Table(["A", "CASH"], [.. Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 1.0 : 2.0)], [.. Enumerable.Repeat(1.0, rows)]);
        var run = Backtester.Run(table, new RebalancePolicy(Specs.Fixed(["A", "CASH"], [0.5, 0.5], Specs.EveryRow, capital: 1, bps: 10)), new BacktestSettings(365, Record: true));
        var m = run.Metrics;
        var years = 10 / 365.25;

        Assert.Equal(9, m.Rebalances);
        Assert.Equal(9 * (1.0 / 6) / years, m.TurnoverOneWayAnnual!.Value, 3);
        Assert.Equal(2 * m.TurnoverOneWayAnnual.Value, m.TurnoverTwoWayAnnual!.Value, 12);
        Assert.Equal(9 * (1.0 / 3) * 0.001 * 10_000 / years, m.CostDragBpsPerYear!.Value, 0);

        // Before every rebalance the drift is 1/6 in both assets (the last row is not rebalanced: drift 1/6 too).
        Assert.Equal(1.0 / 6, m.MeanAbsDrift, 3);
        Assert.Equal(1.0 / 6, m.MaxAbsDrift, 3);
    }
}
