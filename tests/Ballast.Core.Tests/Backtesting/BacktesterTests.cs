using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Core.Tests.Backtesting;

public class BacktesterTests
{
    private static readonly string[] Pair = ["A", "CASH"];

    private static PriceTable Alternating(int rows) =>
        Specs.Table(Pair, [.. Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 1.0 : 2.0)], [.. Enumerable.Repeat(1.0, rows)]);

    private static PolicyRun Run(PriceTable table, PolicySpec spec, int periods = 252) =>
        Backtester.Run(table, new RebalancePolicy(spec), new BacktestSettings(periods, Record: true));

    [Fact]
    public void Run_AlternatingPathRebalancedEveryRow_GrowsByOnePointOneTwoFivePerTwoRows()
    {
        var run = Run(Alternating(9), Specs.Fixed(Pair, [0.5, 0.5], Specs.EveryRow, capital: 1));

        for (var t = 0; t < 9; t += 2)
        {
            Assert.Equal(Math.Pow(1.125, t / 2), run.Equity![t], 12);
        }

        Assert.Equal(1.5 * Math.Pow(1.125, 3), run.Equity![7], 12);
        Assert.Equal(7, run.Metrics.Rebalances); // rows 1..7; never on the last row
    }

    [Fact]
    public void Run_AlternatingPathBuyAndHold_StaysAtOne()
    {
        var run = Run(Alternating(9), Specs.Fixed(Pair, [0.5, 0.5], Specs.Never, capital: 1));

        for (var t = 0; t < 9; t += 2)
        {
            Assert.Equal(1.0, run.Equity![t], 15);
        }

        Assert.Equal(1.5, run.Equity![1], 15);
        Assert.Equal(0, run.Metrics.Rebalances);
    }

    [Fact]
    public void Run_TenPointBandOnAlternatingPath_BehavesLikeRebalancingEveryRow()
    {
        var everyRow = Run(Alternating(11), Specs.Fixed(Pair, [0.5, 0.5], Specs.EveryRow, capital: 1));
        var band = Run(Alternating(11), Specs.Fixed(Pair, [0.5, 0.5], Specs.Band(0.10), capital: 1));

        Assert.Equal(everyRow.Equity, band.Equity);
        Assert.Equal(everyRow.Metrics.Rebalances, band.Metrics.Rebalances);
        Assert.Equal(9, band.Metrics.Rebalances);
    }

    [Fact]
    public void Run_TwentyPointBandOnAlternatingPath_NeverFires()
    {
        var band = Run(Alternating(11), Specs.Fixed(Pair, [0.5, 0.5], Specs.Band(0.20), capital: 1));
        var hold = Run(Alternating(11), Specs.Fixed(Pair, [0.5, 0.5], Specs.Never, capital: 1));

        Assert.Equal(0, band.Metrics.Rebalances);
        Assert.Equal(hold.Equity, band.Equity);
    }

    [Fact]
    public void Run_WholeUnitsEqualWeightsEveryRow_MatchesHandComputedNavs()
    {
        var table = Specs.Table(["a", "b"], [100, 105, 110, 115, 100], [100, 95, 90, 85, 100]);
        var run = Run(table, Specs.Fixed(["a", "b"], [0.5, 0.5], Specs.EveryRow, capital: 1_000_000, lot: [1, 1]));

        Assert.Equal([1_000_000, 1_000_000, 997_490, 992_455, 1_015_285], run.Equity!.Select(v => Math.Round(v, 6)));
        Assert.All(run.Trades!, t => Assert.Equal(Math.Truncate(t.UnitsAfter), t.UnitsAfter));
    }

    [Fact]
    public void Run_CalendarMonthly_FiresOnFirstRowOfEachNewMonthButNotTheLastRow()
    {
        // 2020-01-01 .. 2020-03-01: new months start on 2020-02-01 (row 31) and 2020-03-01 (row 60 = last row).
        var rows = 61;
        var table = Specs.Table(Pair, [.. Enumerable.Range(0, rows).Select(i => 1.0 + (0.01 * i))], [.. Enumerable.Repeat(1.0, rows)]);
        var run = Run(table, Specs.Fixed(Pair, [0.5, 0.5], new CalendarTrigger(CalendarFrequency.Monthly)));

        var rebalanceRows = run.Trades!.Where(t => t.Row > 0).Select(t => t.Row).Distinct().ToArray();
        Assert.Equal([31], rebalanceRows);
        Assert.Equal("calendar monthly", run.Trades!.First(t => t.Row == 31).Reason);
    }

    [Fact]
    public void Run_ProportionalCosts_AreDeductedFromNavAtTheTrade()
    {
        var table = Specs.Table(Pair, [1, 2, 2], [1, 1, 1]);
        var run = Run(table, Specs.Fixed(Pair, [0.5, 0.5], Specs.EveryRow, capital: 1000, bps: 10));

        // Row 0 buys everything from cash: cost C = 0.001 · (1000 − C), so C = 1/1.001.
        var initialCost = 1.0 / 1.001;
        Assert.Equal(1000 - initialCost, run.Equity![0], 9);

        // Row 1: A doubles; selling A and buying CASH trades |ΔA| + |ΔCASH| = value(A) − value(CASH) whatever the split.
        var half = run.Equity[0] / 2;
        var navBefore = (2 * half) + half;
        var cost = 0.001 * ((2 * half) - half);
        Assert.Equal(navBefore - cost, run.Equity[1], 9);
        Assert.Equal(initialCost + cost, run.Metrics.CostsPaid, 9);
        Assert.All(run.Trades!.Where(t => t.Row == 1), t => Assert.Equal(0.5, t.WeightAfter, 12));
    }

    [Fact]
    public void Run_MinTradeWithCosts_LeavesTheHeldAssetUntouched()
    {
        // C drifts by 1.5 points, under the 2-point minimum trade; costs must not make it trade a few dollars.
        var table = Specs.Table(["A", "B", "C"], [1, 1.3, 1.3], [1, 0.8, 0.8], [1, 0.98, 0.98]);
        var spec = Specs.Fixed(["A", "B", "C"], [1.0 / 3, 1.0 / 3, 1.0 / 3], Specs.EveryRow, capital: 10_000, bps: 10, fixedCost: 5, execution: new ExecutionSpec(MinTrade: new MinTrade(null, 0.02)));
        var run = Run(table, spec);

        var row1 = run.Trades!.Where(t => t.Row == 1).Select(t => t.Asset).ToArray();
        Assert.Equal(["A", "B"], row1);
    }

    [Fact]
    public void Run_LotsThatLeaveEveryHoldingUnchanged_DoNotCountAsARebalance()
    {
        // Lots of 100 units on a 10,000 portfolio at price 50: a small drift never adds up to a whole lot.
        var table = Specs.Table(["A", "B"], [50, 50.5, 50.2, 50.6], [50, 49.8, 50.1, 49.9]);
        var run = Run(table, Specs.Fixed(["A", "B"], [0.5, 0.5], Specs.EveryRow, capital: 10_000, lot: [100, 100]));

        Assert.Equal(0, run.Metrics.Rebalances);
        Assert.DoesNotContain(run.Trades!, t => t.Row > 0);
    }

    [Fact]
    public void Run_CostsLargerThanNav_DoNotTradeAndNavStaysPositive()
    {
        var table = Specs.Table(Pair, [1, 2, 1, 2, 1], [1, 1, 1, 1, 1]);
        var run = Run(table, Specs.Fixed(Pair, [0.5, 0.5], Specs.EveryRow, capital: 1000, fixedCost: 300));

        Assert.All(run.Equity!, nav => Assert.True(nav > 0));
        Assert.NotNull(run.Metrics.Cagr);
    }

    [Fact]
    public void Run_FixedCostPerTrade_IsChargedOncePerTradedAsset()
    {
        var table = Specs.Table(["A", "B", "C"], [1, 1.2, 1.2], [1, 1, 1], [1, 1, 1]);
        var run = Run(table, Specs.Fixed(["A", "B", "C"], [0.4, 0.3, 0.3], Specs.EveryRow, capital: 10_000, fixedCost: 5));

        Assert.Equal(15, run.Trades!.Where(t => t.Row == 0).Sum(t => t.Cost), 9);
        Assert.Equal(3, run.Trades!.Count(t => t.Row == 1));
        Assert.Equal(run.Metrics.CostsPaid, run.Trades!.Sum(t => t.Cost), 9);
    }

    [Fact]
    public void Run_ConstantMixOfGeometricBrownianMotions_EarnsTheDiversificationReturn()
    {
        // Excess growth of a constant mix over the weighted growth of its assets: ½(Σ wᵢσᵢ² − w'Σw).
        // σ = 20 % and 40 %, ρ = 0, w = ½: ½(½·0.04 + ½·0.16 − (¼·0.04 + ¼·0.16)) = 2.5 %/year.
        const int years = 200;
        const int perYear = 252;
        var rows = (years * perYear) + 1;
        var rng = new Random(20240611);
        var a = new double[rows];
        var b = new double[rows];
        a[0] = b[0] = 100;
        var dt = 1.0 / perYear;
        for (var t = 1; t < rows; t++)
        {
            a[t] = a[t - 1] * Math.Exp((0.05 - (0.5 * 0.04)) * dt + (0.2 * Math.Sqrt(dt) * Gaussian(rng)));
            b[t] = b[t - 1] * Math.Exp((0.05 - (0.5 * 0.16)) * dt + (0.4 * Math.Sqrt(dt) * Gaussian(rng)));
        }

        var table = Specs.Table(["a", "b"], a, b);
        var run = Backtester.Run(table, new RebalancePolicy(Specs.Fixed(["a", "b"], [0.5, 0.5], Specs.EveryRow, capital: 1)), new BacktestSettings(perYear, Record: true));

        var horizon = (double)years;
        var portfolioGrowth = Math.Log(run.Equity![^1] / run.Equity[0]) / horizon;
        var assetGrowth = (0.5 * Math.Log(a[^1] / a[0]) / horizon) + (0.5 * Math.Log(b[^1] / b[0]) / horizon);
        Assert.Equal(0.025, portfolioGrowth - assetGrowth, 3);
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    [Theory]
    [InlineData(1, 1_000_000, 0)]
    [InlineData(1, 123_456.78, 0)]
    [InlineData(5, 123_456.78, 0.02)]
    [InlineData(5, 49, 0)]
    public void Run_FlatNav_HasZeroVolatilityAndNoSharpe(int assets, double capital, double riskFree)
    {
        // Every price constant: every return must be exactly 0, not the last-bit noise of N · (1/N) − 1, which the
        // variance would turn into a volatility and a huge Sharpe ratio.
        var names = Enumerable.Range(0, assets).Select(i => $"X{i}").ToArray();
        var columns = names.Select((_, i) => Enumerable.Repeat(10.0 + i, 300).ToArray()).ToArray();
        var table = Specs.Table(names, columns);
        var policy = new RebalancePolicy(Specs.Fixed(names, [.. Enumerable.Repeat(1.0 / assets, assets)], Specs.Never, capital: capital));
        var m = Backtester.Run(table, policy, new BacktestSettings(252, riskFree)).Metrics;
        Assert.Equal(0, m.Volatility);
        Assert.Null(m.Sharpe);
        if (riskFree == 0)
        {
            Assert.Null(m.Sortino);
        }

        Assert.Equal(0, m.MaxDrawdown);
    }
}
