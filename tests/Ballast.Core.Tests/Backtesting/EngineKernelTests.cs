using System.Numerics;
using Ballast.Backtesting;
using Ballast.Costs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// The trade step's vector closed form against its scalar reference in src (<see cref="EngineKernel.Scalar"/>) on the
/// same random inputs, to 1e-9 of NAV for values and costs (the vector trade step divides before the cost is known, so
/// they may differ in the last bits, never more); and which kernels run where. The row scan's kernels are equal bit for
/// bit (<see cref="LaneGroupTests"/>).
/// </summary>
public class EngineKernelTests
{
    private static readonly TriggerReason Reason = new("test", "test");

    private sealed record TradeCase(double[] Units, double[] Prices, double Cash, int[] Plan, double Bps, double FixedCost);

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
    public void Kernels_AskingForVectorsWhereTheyCannotRun_IsRefused()
    {
        // The row scan's vectors run one policy per lane, so only hardware without vectors refuses them.
        if (Vector.IsHardwareAccelerated)
        {
            Assert.Equal(EngineKernel.Vector, new LaneScanner(new double[4], 1, EngineKernel.Vector).Kernel);
            Assert.Equal(EngineKernel.Vector, new LaneScanner(new double[4], 1, EngineKernel.Auto).Kernel);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => new LaneScanner(new double[4], 1, EngineKernel.Vector));
        }

        Assert.Throws<ArgumentException>(() => new Trader(new CostModel([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0.01], 0), new double[8], [.. Enumerable.Range(0, 8).Select(i => $"X{i}")], null, EngineKernel.Vector));
        Assert.Equal(EngineKernel.Scalar, new LaneScanner(new double[4], 1, EngineKernel.Scalar).Kernel);
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
}
