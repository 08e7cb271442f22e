using Ballast.Costs;
using CsCheck;

namespace Ballast.Core.Tests.Costs;

/// <summary>The shared sizing solve satisfies its own equation, whichever way (closed form or fixed point) it solved it.</summary>
public class SizingSolveTests
{
    private sealed record Case(double[] Buy, double[] Sell, double Fixed, double[] Shares, double[] Current, bool[] Keep, double Total);

    // 1..12 assets, rates up to 200 bps each way (asymmetric half the time), holdings up to twice the total.
    private static readonly Gen<Case> Cases =
        Gen.Int[1, 12].SelectMany(n => Gen.Select(
            Gen.Double[0, 0.02].Array[n],
            Gen.Double[0, 0.02].Array[n],
            Gen.Bool,
            Gen.Double[0, 5],
            Gen.Double[0.01, 1].Array[n],
            Gen.Double[0, 2000].Array[n],
            Gen.Bool.Array[n],
            (buy, sell, symmetric, fixedCost, raw, current, keep) => new Case(
                buy,
                symmetric ? buy : sell,
                fixedCost,
                [.. raw.Select(x => x / raw.Sum())],
                current,
                keep,
                10_000)));

    [Fact]
    public void Solve_MeetsTheCostEquation_AndLeavesTradingAssetsAtTheirShareOfWhatIsLeft()
    {
        Cases.Sample(c =>
        {
            var solve = new SizingSolve(new CostModel([.. c.Buy], [.. c.Sell], c.Fixed));
            var values = new double[c.Shares.Length];
            var cost = solve.Solve(c.Shares, c.Current, c.Keep, c.Total, default, default, c.Total, values);

            // The cost of the trades the solve chose, from first principles.
            var expected = 0.0;
            for (var i = 0; i < values.Length; i++)
            {
                var trade = values[i] - c.Current[i];
                if (c.Keep[i])
                {
                    Assert.Equal(c.Current[i], values[i]);
                }
                else
                {
                    Assert.True(Math.Abs(values[i] - Math.Max(0, c.Shares[i] * (c.Total - cost))) <= 1e-9 * c.Total, $"asset {i}: {values[i]:R} is not its share of {c.Total - cost:R}");
                }

                expected += trade == 0 ? 0 : (Math.Abs(trade) * (trade > 0 ? c.Buy[i] : c.Sell[i])) + c.Fixed;
            }

            Assert.True(Math.Abs(expected - cost) <= 1e-9 * c.Total, $"solved cost {cost:R}, the trades cost {expected:R}");
        });
    }

    [Fact]
    public void ClosedForm_PicksTheRateOfEachTradesDirection()
    {
        // One asset sold (exit 1 %), one bought (entry 2 %), T = 100, solved by hand:
        // sell a: 90 → 0.5(T − C), buy b: 10 → 0.5(T − C); C = 0.01(90 − 0.5(100 − C)) + 0.02(0.5(100 − C) − 10)
        // = 0.4 + 0.005C + 0.8 − 0.01C, so C = 1.2 / 1.005.
        var solve = new SizingSolve(new CostModel([0.5, 0.02], [0.01, 0.5], 0));
        var cost = solve.ClosedFormCost([0.5, 0.5], [90, 10], [false, false], 100);
        Assert.Equal(1.2 / 1.005, cost, 12);
    }

    [Fact]
    public void ClosedForm_RefusesWhenATradeChangesDirection()
    {
        // Asset a sits just below its share of T before costs (a buy); after costs its share is below what it holds (a sell).
        var solve = new SizingSolve(new CostModel([0.01, 0.01], [0.01, 0.01], 1));
        Assert.True(double.IsNaN(solve.ClosedFormCost([0.5, 0.5], [49.9999, 40], [false, false], 100)));

        // The full solve still answers, by fixed point, and its cost is what its trades cost.
        var values = new double[2];
        var cost = solve.Solve([0.5, 0.5], [49.9999, 40], [false, false], 100, default, default, 100, values);
        var expected = (0.01 * (Math.Abs(values[0] - 49.9999) + Math.Abs(values[1] - 40))) + 2;
        Assert.Equal(expected, cost, 12);
        Assert.True(values[0] < 49.9999, "asset a ends as a sale");
    }

    [Fact]
    public void Size_AnAssetUnderHalfAPpm_IsLeftAlone_AndTheOthersShareWhatItLeaves()
    {
        // No costs. B is 0.3 ppm of NAV from its plan: it stays, and A and C share the 600,000 it leaves 1 : 1
        // (300,000.15 each), so nothing is left idle.
        var solve = new SizingSolve(new CostModel([0, 0, 0], [0, 0, 0], 0));
        var keep = new bool[3];
        var values = new double[3];
        var sized = solve.Size([400_000, 200_000, 400_000], [350_000, 200_000.3, 449_999.7], 1_000_000, keep, default, 0, default, default, new double[3], values);

        Assert.NotNull(sized);
        Assert.Equal([false, true, false], keep);
        Assert.Equal(200_000.3, values[1]);
        Assert.Equal(399_999.85, values[0], 6);
        Assert.Equal(399_999.85, values[2], 6);
        Assert.Equal(1_000_000, values.Sum(), 6);
    }

    [Fact]
    public void Size_AnAssetUnderTheSmallestTrade_IsLeftAlone_AndWhatItWouldHaveTradedStaysIdle()
    {
        // A protocol's min_trade_assets of 60,000: B's trade of 50,000 is not made and A and C still go to their
        // planned 40 % of NAV, so B's 50,000 short of its plan stays idle instead of being shared out.
        var solve = new SizingSolve(new CostModel([0, 0, 0], [0, 0, 0], 0));
        var keep = new bool[3];
        var values = new double[3];
        var sized = solve.Size([400_000, 200_000, 400_000], [250_000, 150_000, 600_000], 1_000_000, keep, default, 60_000, default, default, new double[3], values);

        Assert.NotNull(sized);
        Assert.Equal([false, true, false], keep);
        Assert.Equal(400_000, values[0], 6);
        Assert.Equal(150_000, values[1]);
        Assert.Equal(400_000, values[2], 6);
    }

    [Fact]
    public void Size_AForcedAsset_TradesHoweverSmallItsTrade_AndEveryAssetKept_MeansNothingTrades()
    {
        var solve = new SizingSolve(new CostModel([0, 0], [0, 0], 0));
        var forced = new bool[2];
        Assert.NotNull(solve.Size([500_000, 500_000], [499_990, 500_010], 1_000_000, forced, [true, true], 100, default, default, new double[2], new double[2]));
        Assert.Equal([false, false], forced);

        var unforced = new bool[2];
        Assert.Null(solve.Size([500_000, 500_000], [499_990, 500_010], 1_000_000, unforced, default, 100, default, default, new double[2], new double[2]));
        Assert.Equal([true, true], unforced);
    }

    [Fact]
    public void Size_WhenKeepingTheSmallTradesLeavesOneAssetItsOwnValue_NothingTrades()
    {
        // The band-edge row of CsCheck seed 0EWi5Hl5TFT3 (RandomPolicyEquivalenceTests), in round numbers: A is planned
        // 1.394 ppm up, the other four are each under half a ppm of NAV from their plan and stay. A alone then shares what
        // they leave, which is its own value: its "trade" is rounding noise (the backtest once executed 5.8e-11 of it and
        // called the row a rebalance; the protocol's integer orders floored it to nothing). Nothing trades.
        var solve = new SizingSolve(new CostModel([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0));
        var keep = new bool[5];
        var current = new[] { 126_853.606, 298_319.3, 193_277.3, 109_243.3, 272_306.494 };
        var sized = solve.Size([126_855, 298_319, 193_277, 109_243, 272_306], current, current.Sum(), keep, default, 0, default, default, new double[5], new double[5]);

        Assert.Null(sized);
        Assert.Equal([true, true, true, true, true], keep);
    }

    /// <summary>Holdings within a few ppm of a plan, as on a band edge or after a partial move.</summary>
    private static readonly Gen<(int[] Plan, double[] Current)> NearPlans =
        Gen.Int[2, 8].SelectMany(n => Gen.Select(Gen.Int[1, 100].Array[n], Gen.Double[-3, 3].Array[n], (raw, noise) =>
        {
            var total = raw.Sum();
            var plan = raw.Select(r => r * 1_000_000 / total).ToArray();
            plan[0] += 1_000_000 - plan.Sum();
            return (plan, plan.Select((p, i) => Math.Max(0, (p + noise[i]) * 0.9357144624908001)).ToArray());
        }));

    [Fact]
    public void Size_EveryAssetLeftTrading_MovesAtLeastHalfAPpmOfNav()
    {
        NearPlans.Sample(c =>
        {
            var n = c.Plan.Length;
            var solve = new SizingSolve(new CostModel([.. new double[n]], [.. new double[n]], 0));
            var keep = new bool[n];
            var values = new double[n];
            var nav = c.Current.Sum();
            if (solve.Size(c.Plan, c.Current, nav, keep, default, 0, default, default, new double[n], values) is null)
            {
                return;
            }

            for (var i = 0; i < n; i++)
            {
                Assert.True(keep[i] || Math.Abs(values[i] - c.Current[i]) >= 0.5e-6 * nav, $"asset {i} trades {values[i] - c.Current[i]:R}, under half a ppm of NAV {nav:R}");
            }
        });
    }
}
