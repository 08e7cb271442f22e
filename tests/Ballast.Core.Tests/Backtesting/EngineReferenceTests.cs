using System.Globalization;
using System.Numerics;
using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// The engine's row scan runs one policy per vector lane (straight-line code up to 8 assets, a loop beyond) and its
/// trade step is vectorised across the assets (scalar below one vector, a masked overlapping last vector). These tests
/// hold every form, and the forced scalar and vector kernels, to <see cref="ReferenceEngine"/> (the plain scalar loop
/// written from docs/backtest-semantics.md, in src as the oracle and fallback), over 1 to 30 assets.
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
                    [.. walks.Select(Specs.Walk)],
                    [.. PartsPerMillion.Round([.. raw.Select(x => x / raw.Sum())]).Select(p => p / 1e6)],
                    kind,
                    band,
                    bps,
                    n == 1 ? 0 : fixedCost))));

    private static TriggerSpec Trigger(Case c) => c.Kind switch
    {
        Kind.EveryRow => Specs.EveryRow,
        Kind.Weekly => new CalendarTrigger(CalendarFrequency.Weekly),
        _ => Specs.Band(c.Band),
    };

    private static ReferencePolicy Reference(Case c) => new(c.Targets, c.Kind switch
    {
        Kind.EveryRow => ReferenceTrigger.EveryRow,
        Kind.Weekly => ReferenceTrigger.Weekly,
        _ => ReferenceTrigger.Band,
    }, c.Band, c.Bps, c.FixedCost);

    private static RebalancePolicy Policy(Case c) => new(Specs.Fixed(c.Names, c.Targets, Trigger(c), bps: c.Bps, fixedCost: c.FixedCost));

    [Theory]
    [InlineData(EngineKernel.Auto)]
    [InlineData(EngineKernel.Scalar)]
    [InlineData(EngineKernel.Vector)]
    public void Run_AgreesWithTheReferenceEngine_ForEveryUniverseSizeAndKernel(EngineKernel kernel)
    {
        Assert.SkipWhen(kernel == EngineKernel.Vector && !Vector.IsHardwareAccelerated, "no vector hardware here: the vector kernel cannot run (the scalar and auto cases still run)");
        Cases.Sample(c =>
        {
            // Forced vectors need a universe of at least one vector; smaller universes are the scalar case's.
            if (kernel == EngineKernel.Vector && c.Names.Length < Lanes.Width)
            {
                return;
            }

            var table = Specs.Table(c.Names, c.Columns);
            var run = Backtester.Run(table, Policy(c), new BacktestSettings(252, Record: true, Kernel: kernel));
            var expected = ReferenceEngine.Run(table, Reference(c));
            if (expected.KnifeEdge)
            {
                return; // a rebalance row with two right answers under a fixed cost: either is right
            }

            var m = run.Metrics;
            var where = string.Create(CultureInfo.InvariantCulture, $"{kernel}: {c.Names.Length} assets, {table.RowCount} rows, {c.Kind}");
            Assert.True(expected.Rebalances == m.Rebalances, $"{where}: {m.Rebalances} rebalances, reference {expected.Rebalances}");
            for (var t = 0; t < table.RowCount; t++)
            {
                Assert.True(Close(expected.Equity[t], run.Equity![t], 1e-9), $"{where}: NAV on row {t} {run.Equity![t]:R}, reference {expected.Equity[t]:R}");
            }

            Assert.True(Close(expected.Costs, m.CostsPaid, 1e-9, 1e-6), $"{where}: costs {m.CostsPaid:R}, reference {expected.Costs:R}");
            Assert.True(Close(expected.MeanAbsDrift, m.MeanAbsDrift, 1e-9, 1e-12), $"{where}: mean drift {m.MeanAbsDrift:R}, reference {expected.MeanAbsDrift:R}");
            Assert.True(Close(expected.MaxAbsDrift, m.MaxAbsDrift, 1e-9, 1e-12), $"{where}: max drift {m.MaxAbsDrift:R}, reference {expected.MaxAbsDrift:R}");
            Assert.True(Close(expected.MaxDrawdown, m.MaxDrawdown, 1e-9, 1e-12), $"{where}: max drawdown {m.MaxDrawdown:R}, reference {expected.MaxDrawdown:R}");
            var recordedCosts = run.Trades!.Sum(trade => trade.Cost);
            Assert.True(Close(m.CostsPaid, recordedCosts, 1e-12, 1e-9), $"{where}: the trade list's costs {recordedCosts:R} differ from the costs paid {m.CostsPaid:R}");
        });
    }

    [Fact]
    public void Run_ForcedVectorKernel_IsRefusedBelowOneVector()
    {
        var c = new Case(["A"], [[1.0, 1.1, 1.2]], [1.0], Kind.EveryRow, 0.01, 0, 0);
        var e = Assert.Throws<ArgumentException>(() => Backtester.Run(Specs.Table(c.Names, c.Columns), Policy(c), new BacktestSettings(252, Kernel: EngineKernel.Vector)));
        Assert.Contains("vector kernel cannot run", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceEngine_RefusesTargetsThatDoNotMatchTheTable()
    {
        var table = Specs.Table(["A", "B"], [[1.0, 1.1], [2.0, 2.1]]);
        Assert.Throws<ArgumentException>(() => ReferenceEngine.Run(table, new ReferencePolicy([1.0], ReferenceTrigger.EveryRow, 0, 0, 0)));
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
}
