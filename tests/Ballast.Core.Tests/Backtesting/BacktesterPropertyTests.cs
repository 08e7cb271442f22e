using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>Invariants of the trade step and the engine under random prices, targets and costs.</summary>
public class BacktesterPropertyTests
{
    // 2..6 assets, 3..40 rows of prices in (0.2, 5), random targets.
    private static readonly Gen<(string[] Names, double[][] Columns, double[] Targets)> Cases =
        Gen.Int[2, 6].SelectMany(n => Gen.Int[3, 40].SelectMany(rows =>
            Gen.Select(
                Gen.Double[0.2, 5.0].Array[rows].Array[n],
                Gen.Double[0.01, 1.0].Array[n],
                (columns, raw) => (Enumerable.Range(0, n).Select(i => $"X{i}").ToArray(), columns, raw.Select(x => x / raw.Sum()).ToArray()))));

    private static RebalancePolicy Policy(string[] names, double[] targets, TriggerSpec trigger, double bps = 0, double fixedCost = 0, ExecutionSpec? execution = null) =>
        new(Specs.Fixed(names, NormalisedPpm(targets), trigger, capital: 1_000_000, bps: bps, fixedCost: fixedCost, execution: execution));

    // Targets as parts per million so the spec's targets sum to 1 within 1e-9 exactly as validation demands.
    private static double[] NormalisedPpm(double[] targets) => PartsPerMillion.Round(targets).Select(p => p / 1e6).ToArray();

    /// <summary>The value at row t's prices of the holdings left after row t−1 (units recovered from the recorded weights, plus cash).</summary>
    private static double HoldingsValue(PolicyRun run, PriceTable table, int t)
    {
        var n = table.ColumnCount;
        var nav = run.Equity![t - 1];
        var value = 0.0;
        var invested = 0.0;
        for (var i = 0; i < n; i++)
        {
            var weight = run.Weights![((t - 1) * n) + i];
            invested += weight;
            value += weight * nav / table.Prices[((t - 1) * n) + i] * table.Prices[(t * n) + i];
        }

        return value + (nav * (1 - invested));
    }

    [Fact]
    public void Rebalance_WithZeroCosts_LeavesNavUnchangedAtThatInstant()
    {
        Cases.Sample(c =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var run = Backtester.Run(table, Policy(c.Names, c.Targets, Specs.EveryRow), new BacktestSettings(252, Record: true));
            var hold = Backtester.Run(table, Policy(c.Names, c.Targets, Specs.Never), new BacktestSettings(252, Record: true));
            Assert.Equal(1_000_000, run.Equity![0], 1e-6);

            // On every row the NAV after rebalancing equals the value of the previous holdings at that row's prices.
            for (var t = 1; t < table.RowCount; t++)
            {
                var before = HoldingsValue(run, table, t);
                Assert.Equal(before, run.Equity[t], 1e-6 * before);
            }

            Assert.Equal(0, run.Metrics.CostsPaid);
            Assert.True(hold.Equity![^1] > 0);
        });
    }

    [Fact]
    public void Rebalance_ToTarget_LeavesWeightsAtTheTargets()
    {
        Cases.Sample(c =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var policy = Policy(c.Names, c.Targets, Specs.EveryRow, bps: 7);
            var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));
            for (var t = 0; t < table.RowCount - 1; t++)
            {
                for (var i = 0; i < c.Names.Length; i++)
                {
                    Assert.Equal(policy.Targets[i], run.Weights![(t * c.Names.Length) + i], 1e-6);
                }
            }
        });
    }

    [Fact]
    public void Costs_NeverIncreaseNav()
    {
        Cases.Select(Gen.Double[0, 100], Gen.Double[0, 50], Gen.Double[0.01, 0.3]).Sample((c, bps, fixedCost, band) =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            foreach (var trigger in new[] { Specs.EveryRow, Specs.Band(band) })
            {
                var free = Backtester.Run(table, Policy(c.Names, c.Targets, trigger), new BacktestSettings(252, Record: true));
                var costly = Backtester.Run(table, Policy(c.Names, c.Targets, trigger, bps, fixedCost), new BacktestSettings(252, Record: true));
                Assert.True(costly.Metrics.CostsPaid >= 0);
                Assert.All(costly.Trades!, t => Assert.True(t.Cost >= 0));

                // Within one run, every rebalance's NAV after costs is at most the NAV before it.
                for (var t = 1; t < table.RowCount; t++)
                {
                    var before = HoldingsValue(costly, table, t);
                    Assert.True(costly.Equity![t] <= before * (1 + 1e-12), $"row {t}: NAV {costly.Equity[t]} after costs exceeds {before} before");
                }

                if (trigger is CalendarTrigger)
                {
                    Assert.True(costly.Equity![^1] <= free.Equity![^1] * (1 + 1e-12));
                }
            }
        });
    }

    [Fact]
    public void WholeLots_NeverLeaveCashNegativeAndHoldWholeLots()
    {
        Cases.Select(Gen.Double[0, 400], Gen.Double[0, 20], Gen.Int[1, 12].Array[6]).Sample((c, bps, fixedCost, lotSizes) =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var lots = lotSizes.Take(c.Names.Length).Select(l => (double)l).ToArray();
            var spec = Specs.Fixed(c.Names, NormalisedPpm(c.Targets), Specs.EveryRow, capital: 5_000, bps: bps, lot: lots, fixedCost: fixedCost);
            var run = Backtester.Run(table, new RebalancePolicy(spec), new BacktestSettings(252, Record: true));
            for (var t = 0; t < table.RowCount; t++)
            {
                var invested = Enumerable.Range(0, c.Names.Length).Sum(i => run.Weights![(t * c.Names.Length) + i]);
                Assert.True(invested <= 1 + 1e-9, $"row {t}: holdings worth {invested} of NAV, cash is negative");
            }

            Assert.All(run.Trades!, trade =>
            {
                var lot = lots[Array.IndexOf(c.Names, trade.Asset)];
                Assert.Equal(Math.Round(trade.UnitsAfter / lot), trade.UnitsAfter / lot, 1e-9);
            });
        }, iter: 3000);
    }

    [Fact]
    public void PlanTargets_AlwaysSumToOneMillionPartsPerMillion()
    {
        Cases.Select(Gen.Double[0.01, 0.2], Gen.Double[0.1, 1.0]).Sample((c, band, partial) =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var execution = new ExecutionSpec(ExecutionTarget.BandEdge, partial, null, 0.5);
            var policy = Policy(c.Names, c.Targets, Specs.Band(band), execution: execution);
            var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));
            Assert.Equal(PartsPerMillion.One, policy.TargetPpm.ToArray().Sum());
            Assert.All(run.Equity!, v => Assert.True(v > 0));
        });
    }

    [Fact]
    public void AbsurdCosts_NeverDriveNavOrHoldingsNegative()
    {
        // Tiny capital against large proportional and fixed costs, with a minimum-trade rule that can leave too little
        // trading to pay them: a rebalance the trading assets cannot pay for does not happen.
        var walks = Gen.Int[2, 12].SelectMany(n => Gen.Int[20, 450].SelectMany(rows =>
            Gen.Double[-0.03, 0.03].Array[rows].Array[n].Select(steps => steps.Select(s =>
            {
                var prices = new double[s.Length];
                var p = 50.0;
                for (var t = 0; t < s.Length; t++)
                {
                    prices[t] = p;
                    p *= 1 + s[t];
                }

                return prices;
            }).ToArray())));
        Gen.Select(walks, Gen.Double[100, 2_000], Gen.Double[0, 100], Gen.Double[0, 30], Gen.Double[0, 0.02], Gen.Bool).Sample((columns, capital, bps, fixedCost, minTrade, lots) =>
        {
            var names = Enumerable.Range(0, columns.Length).Select(i => $"X{i}").ToArray();
            var targets = NormalisedPpm([.. Enumerable.Repeat(1.0 / names.Length, names.Length)]);
            var execution = new ExecutionSpec(MinTrade: new MinTrade(null, minTrade));
            var spec = Specs.Fixed(names, targets, Specs.EveryRow, capital: capital, bps: bps, fixedCost: fixedCost, execution: execution, lot: lots ? [.. Enumerable.Repeat(0.1, names.Length)] : null);
            var run = Backtester.Run(Specs.Table(names, columns), new RebalancePolicy(spec), new BacktestSettings(252, Record: true));
            Assert.All(run.Equity!, nav => Assert.True(nav > 0, $"NAV {nav}"));
            Assert.All(run.Weights!, w => Assert.True(w >= 0, $"weight {w}"));
            var n = names.Length;
            for (var t = 0; t < run.Equity!.Length; t++)
            {
                // Weights above 1 in total would mean negative cash: holdings bought on credit.
                var invested = run.Weights!.Skip(t * n).Take(n).Sum();
                Assert.True(invested <= 1 + 1e-9, $"row {t}: weights sum to {invested}, cash is negative");
            }

            Assert.True(run.Metrics.MaxDrawdown >= -1, $"max drawdown {run.Metrics.MaxDrawdown}");
            Assert.True(run.Metrics.MeanAbsDrift >= 0);
        });
    }
}
