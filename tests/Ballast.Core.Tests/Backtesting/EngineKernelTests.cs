using System.Numerics;
using Ballast.Backtesting;
using Ballast.Costs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// The vector kernels (the row scan's register and loop layouts, the trade step's vector closed form) against their
/// scalar references in src (<see cref="EngineKernel.Scalar"/>) on the same random inputs. Tolerance: 1e-9 of NAV for
/// values and costs, 1e-12 relative for the scan's sums (the kernels sum in a different order, and the vector trade
/// step divides before the cost is known, so they may differ in the last bits, never more).
/// </summary>
public class EngineKernelTests
{
    private static readonly TriggerReason Reason = new("test", "test");

    private sealed record TradeCase(double[] Units, double[] Prices, double Cash, int[] Plan, double Bps, double FixedCost);

    private sealed record ScanCase(int Assets, double[] Prices, double[] Units, double Cash, double[] Targets, double Band);

    // One vector to 30 assets; holdings anywhere from nothing to far off target; costs up to 100 bps and a fixed 20.
    private static readonly Gen<TradeCase> TradeCases =
        Gen.Int[Lanes.Width, 30].SelectMany(n => Gen.Select(
            Gen.Double[0, 1000].Array[n],
            Gen.Double[0.5, 200].Array[n],
            Gen.Double[0, 50_000],
            Gen.Double[0.01, 1].Array[n],
            Gen.Double[0, 100],
            Gen.Double[0, 20],
            (units, prices, cash, raw, bps, fixedCost) => new TradeCase(units, prices, cash + 1, PartsPerMillion.Round([.. raw.Select(x => x / raw.Sum())]), bps, fixedCost)));

    private static readonly Gen<ScanCase> ScanCases =
        Gen.Int[Lanes.Width, 30].SelectMany(n => Gen.Int[2, 60].SelectMany(rows => Gen.Select(
            Gen.Double[1, 100].Array[n * rows],
            Gen.Double[0, 100].Array[n],
            Gen.Double[0, 1000],
            Gen.Double[0.01, 1].Array[n],
            Gen.Double[0.001, 0.2],
            (prices, units, cash, raw, band) => new ScanCase(n, prices, units, cash, [.. raw.Select(x => x / raw.Sum())], band))));

    [Fact]
    public void TradeStep_VectorKernelAgreesWithTheScalarReference()
    {
        Assert.SkipUnless(Vector.IsHardwareAccelerated, "no vector hardware here: the vector kernel cannot run, so there is nothing to compare");
        TradeCases.Sample(c =>
        {
            var n = c.Units.Length;
            var names = Enumerable.Range(0, n).Select(i => $"X{i}").ToArray();
            var costs = CostModel.FromSpec(new CostSpec([.. Enumerable.Repeat(c.Bps, n)], [.. new double[n]], c.FixedCost), n);
            var nav = c.Cash + c.Units.Select((u, i) => u * c.Prices[i]).Sum();
            var results = new[] { EngineKernel.Vector, EngineKernel.Scalar }.Select(kernel =>
            {
                var trader = new Trader(costs, new double[n], names, [], kernel);
                Assert.Equal(kernel, trader.Kernel);
                var state = new PortfolioState(n, c.Cash);
                c.Units.CopyTo(state.Units, 0);
                var any = trader.Execute(state, c.Prices, nav, new double[n], c.Plan, new bool[n], 1, new DateOnly(2020, 1, 1), Reason, out var cost, out var traded);
                return (Any: any, Cost: cost, Traded: traded, Units: state.Units, state.Cash, Trades: trader.Trades!.Count);
            }).ToArray();
            var (vector, scalar) = (results[0], results[1]);
            var tolerance = 1e-9 * nav;
            Assert.Equal(scalar.Any, vector.Any);
            Assert.Equal(scalar.Trades, vector.Trades);
            Assert.True(Math.Abs(scalar.Cost - vector.Cost) <= tolerance, $"{n} assets: cost {vector.Cost:R} vector, {scalar.Cost:R} scalar");
            Assert.True(Math.Abs(scalar.Traded - vector.Traded) <= tolerance, $"{n} assets: traded {vector.Traded:R} vector, {scalar.Traded:R} scalar");
            Assert.True(Math.Abs(scalar.Cash - vector.Cash) <= tolerance, $"{n} assets: cash {vector.Cash:R} vector, {scalar.Cash:R} scalar");
            for (var i = 0; i < n; i++)
            {
                Assert.True(Math.Abs((scalar.Units[i] - vector.Units[i]) * c.Prices[i]) <= tolerance, $"{n} assets: asset {i} holds {vector.Units[i]:R} vector, {scalar.Units[i]:R} scalar");
            }
        });
    }

    [Fact]
    public void RowScan_VectorLayoutsAgreeWithTheScalarReference()
    {
        Assert.SkipUnless(Vector.IsHardwareAccelerated, "no vector hardware here: the vector kernel cannot run, so there is nothing to compare");
        ScanCases.Sample(c =>
        {
            var rows = c.Prices.Length / c.Assets;
            var vector = Scan(c, EngineKernel.Vector);
            var scalar = Scan(c, EngineKernel.Scalar);
            Assert.Equal(scalar.Stops, vector.Stops);
            AssertClose(scalar.Nav, vector.Nav, "NAV");
            AssertClose(scalar.Drift.Sum, vector.Drift.Sum, "drift sum");
            AssertClose(scalar.Drift.Max, vector.Drift.Max, "drift max");
            Assert.Equal(scalar.Returns.Count, vector.Returns.Count);
            AssertClose(scalar.Returns.Sum, vector.Returns.Sum, "return sum");
            AssertClose(scalar.Returns.SumSquares, vector.Returns.SumSquares, "return sum of squares");
            AssertClose(scalar.Returns.MaxDrawdown, vector.Returns.MaxDrawdown, "max drawdown");

            void AssertClose(double expected, double actual, string what) =>
                Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{c.Assets} assets, {rows} rows: {what} {actual:R} vector, {expected:R} scalar");
        });
    }

    [Fact]
    public void RowScan_TrimmedTwoVectorForm_IsBitForBitTheThreeVectorForm()
    {
        Assert.SkipUnless(Vector.IsHardwareAccelerated, "no vector hardware here: the register layout cannot run, so there is nothing to compare");

        // Universes of one or two vectors, where the trimmed form leaves out the zero middle vector; every stop rule.
        var cases = Gen.Int[Lanes.Width, 2 * Lanes.Width].SelectMany(n => Gen.Int[2, 60].SelectMany(rows => Gen.Select(
            Gen.Double[1, 100].Array[n * rows],
            Gen.Double[0, 100].Array[n],
            Gen.Double[0, 1000],
            Gen.Double[0.01, 1].Array[n],
            Gen.Double[0.001, 0.2],
            (prices, units, cash, raw, band) => new ScanCase(n, prices, units, cash, [.. raw.Select(x => x / raw.Sum())], band))));
        var rules = Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool);
        Gen.Select(cases, rules, Gen.Int[0, 1000]).Sample((c, rule, seed) =>
        {
            var (checkBand, rowMax, everyRow, withCandidates) = rule;
            var rows = c.Prices.Length / c.Assets;
            var random = new Random(seed);
            var candidates = withCandidates ? Enumerable.Range(0, rows).Select(_ => random.Next(4) == 0).ToArray() : null;
            var trimmed = ScanBits(c, trim: true, candidates, checkBand, rowMax, everyRow);
            var full = ScanBits(c, trim: false, candidates, checkBand, rowMax, everyRow);
            Assert.Equal(full, trimmed);
        });
    }

    [Fact]
    public void Kernels_AskingForVectorsWhereTheyCannotRun_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new RowScanner(new double[4], 1, EngineKernel.Vector));
        Assert.Throws<ArgumentException>(() => new Trader(new CostModel([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0.01], 0), new double[8], [.. Enumerable.Range(0, 8).Select(i => $"X{i}")], null, EngineKernel.Vector));
        Assert.Equal(EngineKernel.Scalar, new RowScanner(new double[4], 1).Kernel);
    }

    [Fact]
    public void TradeStep_WithAModelThatCostsMoreToSell_ChargesEachTradeTheRateOfItsDirection()
    {
        // Entry 1 %, exit 3 %, fixed 0.5 per trade (a composed vault's children as the backtester would see them); eight
        // assets so that the universe would fill a vector: the asymmetric model runs the scalar kernel all the same.
        const int n = 8;
        var names = Enumerable.Range(0, n).Select(i => $"X{i}").ToArray();
        var costs = new CostModel([.. Enumerable.Repeat(0.01, n)], [.. Enumerable.Repeat(0.03, n)], 0.5);
        var trader = new Trader(costs, new double[n], names, []);
        Assert.Equal(EngineKernel.Scalar, trader.Kernel);
        var state = new PortfolioState(n, 0);
        var prices = Enumerable.Range(0, n).Select(i => 10.0 + i).ToArray();
        for (var i = 0; i < n; i++)
        {
            state.Units[i] = (i % 2 == 0 ? 30.0 : 5.0) / prices[i] * 10;
        }

        var nav = state.Units.Select((u, i) => u * prices[i]).Sum();
        var plan = PartsPerMillion.Round([.. Enumerable.Repeat(1.0 / n, n)]);
        Assert.True(trader.Execute(state, prices, nav, new double[n], plan, new bool[n], 1, new DateOnly(2020, 1, 1), Reason, out var cost, out _));
        var expected = 0.0;
        foreach (var trade in trader.Trades!)
        {
            var rate = trade.Value > 0 ? 0.01 : 0.03;
            Assert.Equal((Math.Abs(trade.Value) * rate) + 0.5, trade.Cost, 9);
            expected += trade.Cost;
        }

        Assert.Equal(n, trader.Trades.Count);
        Assert.Equal(expected, cost, 9);
        Assert.Equal(nav - cost, state.Cash + state.Units.Select((u, i) => u * prices[i]).Sum(), 6);
        for (var i = 0; i < n; i++)
        {
            // After costs, every asset sits at its planned weight of what is left.
            Assert.True(Math.Abs((state.Units[i] * prices[i]) - (plan[i] / 1e6 * (nav - cost))) <= 1e-9 * nav, $"asset {i} is off its planned weight after costs");
        }
    }

    private static (List<int> Stops, double Nav, (double Sum, double Max) Drift, ReturnStatistics Returns) Scan(ScanCase c, EngineKernel kernel)
    {
        var n = c.Assets;
        var rows = c.Prices.Length / n;
        var scanner = new RowScanner(c.Prices, n, kernel);
        Assert.Equal(kernel, scanner.Kernel);
        var nav = c.Cash + c.Units.Select((u, i) => u * c.Prices[i]).Sum();
        scanner.Start(nav, 0.0001, c.Units, c.Cash);
        var weights = new double[n];
        var stops = new List<int>();
        var row = 1;
        while (row < rows)
        {
            var stop = scanner.Scan(row, rows, c.Units, c.Cash, c.Targets, weights, null, checkBand: true, c.Band, rowMax: true, everyRow: false, out var value, out var inverse, out _);
            if (stop >= rows)
            {
                break;
            }

            stops.Add(stop);
            scanner.Book(value, value, inverse);
            row = stop + 1;
        }

        return (stops, scanner.Nav, scanner.DriftTotals(), scanner.Returns);
    }

    /// <summary>Every stop and every number a scan reports, as raw bits, so two scans compare bit for bit.</summary>
    private static List<long> ScanBits(ScanCase c, bool trim, bool[]? candidates, bool checkBand, bool rowMax, bool everyRow)
    {
        var n = c.Assets;
        var rows = c.Prices.Length / n;
        var scanner = new RowScanner(c.Prices, n, EngineKernel.Vector, trim);
        var nav = c.Cash + c.Units.Select((u, i) => u * c.Prices[i]).Sum();
        scanner.Start(nav, 0.0001, c.Units, c.Cash);
        var weights = new double[n];
        var bits = new List<long>();
        var row = 1;
        while (row < rows)
        {
            var stop = scanner.Scan(row, rows, c.Units, c.Cash, c.Targets, weights, candidates, checkBand, c.Band, rowMax, everyRow, out var value, out var inverse, out var driftMax);
            bits.Add(stop);
            if (stop >= rows)
            {
                break;
            }

            bits.AddRange(new[] { value, inverse, driftMax }.Concat(weights).Select(BitConverter.DoubleToInt64Bits));
            scanner.Book(value, value, inverse);
            row = stop + 1;
        }

        var (sum, max) = scanner.DriftTotals();
        var r = scanner.Returns;
        bits.AddRange(new[] { scanner.Nav, sum, max, r.Sum, r.SumSquares, r.Downside, r.MaxDrawdown, r.Shift }.Select(BitConverter.DoubleToInt64Bits));
        bits.Add(r.Count);
        return bits;
    }
}
