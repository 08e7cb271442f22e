using System.Globalization;
using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// The engine's row scan and trade step are vectorised with layouts that depend on the universe size (scalar below one
/// vector, units held in registers up to three vectors, loops beyond, a masked overlapping last vector). These tests
/// hold every layout to a plain reference loop written from docs/backtest-semantics.md, over 1 to 30 assets.
/// </summary>
public class EngineReferenceTests
{
    private enum Kind
    {
        EveryRow,
        Weekly,
        Band,
    }

    private sealed record Case(string[] Names, double[][] Columns, double[] Targets, Kind Kind, double Band, double Bps, double FixedCost);

    // 1..30 assets, 3..80 daily rows of random walks, random targets, trigger and costs. Every step moves the price
    // (0.2 % to 5 %, either way): with a fixed cost per trade, a portfolio already exactly at its targets is a
    // knife-edge (no trade is a solution, and so is trading to pay the fixed cost), which rounding decides either way.
    // For the same reason a single asset, always at its target, pays no fixed cost here.
    private static readonly Gen<Case> Cases =
        Gen.Int[1, 30].SelectMany(n => Gen.Int[3, 80].SelectMany(rows =>
            Gen.Select(
                Gen.Select(Gen.Double[1, 100], Gen.Select(Gen.Bool, Gen.Double[0.002, 0.05], (down, size) => down ? -size : size).Array[rows - 1]).Array[n],
                Gen.Double[0.01, 1.0].Array[n],
                Gen.Enum<Kind>(),
                Gen.Double[0.005, 0.05],
                Gen.Double[0, 50],
                Gen.Double[0, 20],
                (walks, raw, kind, band, bps, fixedCost) => new Case(
                    [.. Enumerable.Range(0, n).Select(i => $"X{i}")],
                    [.. walks.Select(Walk)],
                    [.. PartsPerMillion.Round([.. raw.Select(x => x / raw.Sum())]).Select(p => p / 1e6)],
                    kind,
                    band,
                    bps,
                    n == 1 ? 0 : fixedCost))));

    private static double[] Walk((double Start, double[] Steps) walk)
    {
        var prices = new double[walk.Steps.Length + 1];
        prices[0] = walk.Start;
        for (var t = 0; t < walk.Steps.Length; t++)
        {
            prices[t + 1] = prices[t] * (1 + walk.Steps[t]);
        }

        return prices;
    }

    private static TriggerSpec Trigger(Case c) => c.Kind switch
    {
        Kind.EveryRow => Specs.EveryRow,
        Kind.Weekly => new CalendarTrigger(CalendarFrequency.Weekly),
        _ => Specs.Band(c.Band),
    };

    private static RebalancePolicy Policy(Case c) => new(Specs.Fixed(c.Names, c.Targets, Trigger(c), bps: c.Bps, fixedCost: c.FixedCost));

    [Fact]
    public void Run_AgreesWithAPlainReferenceLoop_ForEveryUniverseSize()
    {
        Cases.Sample(c =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var run = Backtester.Run(table, Policy(c), new BacktestSettings(252, Record: true));
            var expected = Reference(c, table);
            if (expected.KnifeEdge)
            {
                return; // a rebalance row with the portfolio already at its targets and a fixed cost: either answer is right
            }

            var m = run.Metrics;
            var where = string.Create(CultureInfo.InvariantCulture, $"{c.Names.Length} assets, {table.RowCount} rows, {c.Kind}");
            Assert.True(expected.Rebalances == m.Rebalances, $"{where}: {m.Rebalances} rebalances, reference {expected.Rebalances}");
            for (var t = 0; t < table.RowCount; t++)
            {
                Assert.True(Close(expected.Equity[t], run.Equity![t], 1e-9), $"{where}: NAV on row {t} {run.Equity![t]:R}, reference {expected.Equity[t]:R}");
            }

            Assert.True(Close(expected.Costs, m.CostsPaid, 1e-9, 1e-6), $"{where}: costs {m.CostsPaid:R}, reference {expected.Costs:R}");
            Assert.True(Close(expected.MeanDrift, m.MeanAbsDrift, 1e-9, 1e-12), $"{where}: mean drift {m.MeanAbsDrift:R}, reference {expected.MeanDrift:R}");
            Assert.True(Close(expected.MaxDrift, m.MaxAbsDrift, 1e-9, 1e-12), $"{where}: max drift {m.MaxAbsDrift:R}, reference {expected.MaxDrift:R}");
            Assert.True(Close(expected.MaxDrawdown, m.MaxDrawdown, 1e-9, 1e-12), $"{where}: max drawdown {m.MaxDrawdown:R}, reference {expected.MaxDrawdown:R}");
            var recordedCosts = run.Trades!.Sum(trade => trade.Cost);
            Assert.True(Close(m.CostsPaid, recordedCosts, 1e-12, 1e-9), $"{where}: the trade list's costs {recordedCosts:R} differ from the costs paid {m.CostsPaid:R}");
        });
    }

    [Fact]
    public void Run_RecordedAndUnrecorded_GiveBitForBitTheSameMetrics()
    {
        // Recording stops the row scan on every row; not recording scans through. Both must do the same arithmetic.
        Cases.Sample(c =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var policy = Policy(c);
            var recorded = Backtester.Run(table, policy, new BacktestSettings(252, Record: true)).Metrics;
            var plain = Backtester.Run(table, policy, new BacktestSettings(252)).Metrics;
            Assert.Equal(recorded, plain);
        });
    }

    private static bool Close(double expected, double actual, double relative, double absolute = 0) =>
        Math.Abs(expected - actual) <= Math.Max(absolute, relative * Math.Abs(expected));

    private sealed record Expected(double[] Equity, int Rebalances, double Costs, double MeanDrift, double MaxDrift, double MaxDrawdown, bool KnifeEdge);

    /// <summary>The semantics written out as plainly as possible: scalar loops, the cost found by fixed-point iteration.</summary>
    private static Expected Reference(Case c, PriceTable table)
    {
        var n = table.ColumnCount;
        var rows = table.RowCount;
        double Price(int t, int i) => table.Prices[(t * n) + i];
        var rates = Enumerable.Repeat(c.Bps / 10_000, n).ToArray();
        var units = new double[n];
        var cash = 1_000_000.0;
        var equity = new double[rows];
        var knifeEdge = false;
        var costs = Trade(0, cash);
        var nav = 1_000_000 - costs;
        equity[0] = nav;
        var rebalances = 0;
        var driftSum = 0.0;
        var driftMax = 0.0;
        var peak = nav;
        var maxDrawdown = 0.0;
        for (var t = 1; t < rows; t++)
        {
            var value = cash;
            for (var i = 0; i < n; i++)
            {
                value += units[i] * Price(t, i);
            }

            var rowMax = 0.0;
            for (var i = 0; i < n; i++)
            {
                var drift = Math.Abs((units[i] * Price(t, i) / value) - c.Targets[i]);
                driftSum += drift;
                rowMax = Math.Max(rowMax, drift);
            }

            driftMax = Math.Max(driftMax, rowMax);
            var fires = t < rows - 1 && c.Kind switch
            {
                Kind.EveryRow => true,
                Kind.Weekly => ISOWeek.GetWeekOfYear(table.Dates[t].ToDateTime(TimeOnly.MinValue)) != ISOWeek.GetWeekOfYear(table.Dates[t - 1].ToDateTime(TimeOnly.MinValue)),
                _ => rowMax > c.Band,
            };
            nav = value;

            // Every step moves each price, but two assets can move by the same factor (CsCheck's shrinking makes such
            // steps), leaving the portfolio at its targets: with a fixed cost, not trading and trading a few units to
            // pay it are both solutions, and the last bits of the arithmetic decide.
            knifeEdge |= fires && c.FixedCost > 0 && rowMax < 1e-9;
            if (fires)
            {
                var cost = Trade(t, value);
                if (cost >= 0)
                {
                    rebalances++;
                    costs += cost;
                    nav = value - cost;
                }
            }

            equity[t] = nav;
            peak = Math.Max(peak, nav);
            maxDrawdown = Math.Min(maxDrawdown, (nav / peak) - 1);
        }

        return new Expected(equity, rebalances, costs, driftSum / ((rows - 1) * n), driftMax, maxDrawdown, knifeEdge);

        // Moves the holdings to the targets at row t, paying costs out of NAV; returns the cost, or −1 when nothing trades.
        double Trade(int t, double navBefore)
        {
            var current = Enumerable.Range(0, n).Select(i => units[i] * Price(t, i)).ToArray();
            var keep = new bool[n];
            var after = Solve(current, keep, navBefore, out var cost);

            // Trades under half a part per million of NAV are left alone, and the others solved again.
            var kept = 0;
            for (var i = 0; i < n; i++)
            {
                keep[i] = Math.Abs(after[i] - current[i]) < 0.5e-6 * navBefore;
                kept += keep[i] ? 1 : 0;
            }

            if (kept == n)
            {
                return -1;
            }

            if (kept > 0)
            {
                // With a fixed cost, what the other assets trade after some are left alone can be little more than
                // that cost, and whether such a rebalance is worth making at all is again decided in the last bits.
                knifeEdge |= c.FixedCost > 0;
                after = Solve(current, keep, navBefore, out cost);
            }

            var invested = 0.0;
            for (var i = 0; i < n; i++)
            {
                units[i] = after[i] / Price(t, i);
                invested += units[i] * Price(t, i);
            }

            cash = navBefore - cost - invested;
            return cost;
        }

        double[] Solve(double[] current, bool[] keep, double navBefore, out double cost)
        {
            var kept = Enumerable.Range(0, n).Where(i => keep[i]).Sum(i => current[i]);
            var weight = Enumerable.Range(0, n).Where(i => !keep[i]).Sum(i => c.Targets[i]);
            var total = navBefore - kept;
            var after = new double[n];
            cost = 0;
            for (var iteration = 0; iteration < 500; iteration++)
            {
                var next = 0.0;
                for (var i = 0; i < n; i++)
                {
                    after[i] = keep[i] ? current[i] : c.Targets[i] / weight * (total - cost);
                    var trade = Math.Abs(after[i] - current[i]);
                    next += trade > 0 ? (trade * rates[i]) + c.FixedCost : 0;
                }

                var done = Math.Abs(next - cost) <= 1e-15 * navBefore;
                cost = next;
                if (done)
                {
                    break;
                }
            }

            for (var i = 0; i < n; i++)
            {
                after[i] = keep[i] ? current[i] : c.Targets[i] / weight * (total - cost);
            }

            return after;
        }
    }
}
