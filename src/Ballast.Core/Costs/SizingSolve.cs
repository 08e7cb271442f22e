namespace Ballast.Costs;

/// <summary>
/// The trade sizing shared by the backtester's <c>Trader</c> and the protocol's rebalance execution: given what each
/// asset is worth now, the share of the value to redistribute each trading asset should hold, and a cost model, it
/// finds the cost C of the trades that leave every trading asset at share · (T − C), T being the value redistributed.
/// C depends on the trades and the trades on C:
/// C = Σ rᵢ(dᵢ) · |shareᵢ · (T − C) − vᵢ| + F · m over the trading assets, rᵢ(dᵢ) the buy or sell rate for the trade's
/// direction and m the number of trades. When the direction of every trade is the same at C as at 0 this is linear in C
/// (<see cref="ClosedFormCost"/>); otherwise, and with whole lots, it is solved by fixed-point iteration.
/// </summary>
/// <remarks>
/// Doubles throughout: it sizes orders. The protocol turns its answer into exact integer orders with explicit floors,
/// and the ledger decides what they move.
/// </remarks>
public sealed class SizingSolve
{
    /// <summary>Iterations of the fixed point (and of its repair) before settling for the last one.</summary>
    private const int MaxIterations = 60;

    private readonly double[] _buy;
    private readonly double[] _sell;
    private readonly bool[] _idle;
    private readonly bool _symmetric;

    /// <summary>A solve against <paramref name="costs"/>, whose rates it reads once.</summary>
    public SizingSolve(ICostModel costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        Costs = costs;
        _buy = [.. Enumerable.Range(0, costs.Assets).Select(costs.BuyRate)];
        _sell = [.. Enumerable.Range(0, costs.Assets).Select(costs.SellRate)];
        _symmetric = _buy.AsSpan().SequenceEqual(_sell);
        _idle = new bool[_buy.Length];
        FixedPerTrade = costs.FixedPerTrade;
    }

    /// <summary>The cost model solved against.</summary>
    public ICostModel Costs { get; }

    /// <summary>The fixed cost per trade.</summary>
    public double FixedPerTrade { get; }

    /// <summary>Whether every asset costs the same per unit bought as sold (then the vector kernels apply).</summary>
    public bool Symmetric => _symmetric;

    /// <summary>Cost per unit of value bought (<paramref name="buy"/>) or sold of asset <paramref name="asset"/>.</summary>
    public double Rate(int asset, bool buy) => buy ? _buy[asset] : _sell[asset];

    /// <summary>
    /// The cost of trading every asset not in <paramref name="keep"/> to <paramref name="shares"/> of T − C, T =
    /// <paramref name="total"/>, in closed form: with the directions sᵢ of the trades at C = 0,
    /// C = (Σ rᵢ · |shareᵢ · T − vᵢ| + F · m) / (1 + Σ rᵢ · sᵢ · shareᵢ). NaN when that does not hold: a trade changes
    /// direction between 0 and C, or C is negative, not a number, or all of T.
    /// </summary>
    public double ClosedFormCost(ReadOnlySpan<double> shares, ReadOnlySpan<double> current, ReadOnlySpan<bool> keep, double total)
    {
        var n = Check(shares, current, keep);
        unchecked
        {
            // Branch-free where it matters: trade directions are unpredictable, so signs enter through CopySign; the
            // rate's direction is a branch only for an asymmetric model (for a symmetric one it is always predicted).
            var a = 0.0;
            var b = 0.0;
            var traded = 0;
            for (var i = 0; i < n; i++)
            {
                var trading = keep[i] ? 0.0 : 1.0;
                var trade = (shares[i] * total) - current[i];
                var rate = _symmetric || trade > 0 ? _buy[i] : _sell[i];
                a += trading * rate * Math.CopySign(shares[i], trade);
                b += trading * rate * Math.Abs(trade);
                traded += trading != 0 && trade != 0 ? 1 : 0;
            }

            var cost = (b + (FixedPerTrade * traded)) / (1 + a);
            if (!(cost >= 0) || cost >= total)
            {
                return double.NaN;
            }

            // Valid only if no trade changes direction between C = 0 and C: trade · trade(C) > 0 for every trading asset.
            var worst = double.PositiveInfinity;
            for (var i = 0; i < n; i++)
            {
                var trade = (shares[i] * total) - current[i];
                var after = (shares[i] * (total - cost)) - current[i];
                var product = keep[i] ? double.PositiveInfinity : trade * after;
                worst = product < worst ? product : worst;
            }

            return worst > 0 ? cost : double.NaN;
        }
    }

    /// <summary>
    /// Solves the sizing: writes into <paramref name="values"/> what each asset is worth after the trades (kept assets
    /// their current value) and returns the cost of the trades. Fractional units (<paramref name="lots"/> empty or all
    /// zero) use <see cref="ClosedFormCost"/> where it holds; otherwise, and with whole lots (rounded down, a lot of
    /// asset i being lotsᵢ units at pricesᵢ), the cost is iterated to a fixed point within 10⁻¹⁴ of
    /// <paramref name="scale"/>, then the holdings are checked to be paid for and, if not, less is invested until they are.
    /// </summary>
    public double Solve(ReadOnlySpan<double> shares, ReadOnlySpan<double> current, ReadOnlySpan<bool> keep, double total, ReadOnlySpan<double> lots, ReadOnlySpan<double> prices, double scale, Span<double> values)
    {
        var n = Check(shares, current, keep);
        if (values.Length != n || (!lots.IsEmpty && (lots.Length != n || prices.Length != n)))
        {
            throw new ArgumentException("values, and lots and prices when given, need one entry per asset");
        }

        var anyLots = false;
        foreach (var lot in lots)
        {
            anyLots |= lot > 0;
        }

        var cost = anyLots ? double.NaN : ClosedFormCost(shares, current, keep, total);
        if (double.IsNaN(cost))
        {
            return IteratedCost(shares, current, keep, total, anyLots ? lots : default, prices, scale, values);
        }

        unchecked
        {
            var investable = total - cost;
            for (var i = 0; i < n; i++)
            {
                values[i] = keep[i] ? current[i] : shares[i] * investable;
            }

            return cost;
        }
    }

    /// <summary>
    /// The execution sizing both the backtester's trader and the protocol's rebalance run (docs/backtest-semantics.md,
    /// "Execution at the close"): the assets in <paramref name="keep"/> do not trade; the others share what the kept
    /// ones leave, pro rata to their planned parts per million (<paramref name="planPpm"/>), after costs. The trades
    /// are first solved with every asset not kept trading; an asset whose solved trade is under half a part per
    /// million of <paramref name="nav"/> is then kept too, and the others solved again sharing what it leaves, until no
    /// trade left is under that (so every trade sized is at least half a ppm of NAV, never rounding noise). An
    /// asset whose trade is under <paramref name="smallestTrade"/> (a protocol rail) is kept as well, but its planned
    /// part is not shared out: the others still go to their planned part and what it would have traded stays idle.
    /// <paramref name="force"/> marks assets that trade however small their trade.
    /// </summary>
    /// <remarks>Uses scratch held by this instance: not for concurrent calls.</remarks>
    /// <param name="planPpm">Planned parts per million of NAV after costs. A plan summing to less than 10⁶ (a rail held
    /// part back) leaves the rest idle: the trading assets share T · (1 − unplanned / (10⁶ − Σ kept parts)).</param>
    /// <param name="current">What each asset is worth now.</param>
    /// <param name="nav">All there is (the assets and cash).</param>
    /// <param name="keep">In: the assets that must not trade; out: those that do not.</param>
    /// <param name="force">Assets that trade however small their trade (empty for none).</param>
    /// <param name="smallestTrade">The smallest trade made besides the half-ppm rule (0 for none).</param>
    /// <param name="lots">Whole lots per asset (empty or zero for fractional units), with <paramref name="prices"/>.</param>
    /// <param name="prices">Prices per unit, when lots are given.</param>
    /// <param name="shares">Scratch: each asset's share of the value redistributed.</param>
    /// <param name="values">Out: what each asset is worth after the trades (kept assets their current value).</param>
    /// <returns>The cost and the value kept, or null when every asset is kept (nothing trades).</returns>
    public (double Cost, double KeptValue)? Size(ReadOnlySpan<int> planPpm, ReadOnlySpan<double> current, double nav, Span<bool> keep, ReadOnlySpan<bool> force, double smallestTrade, ReadOnlySpan<double> lots, ReadOnlySpan<double> prices, Span<double> shares, Span<double> values)
    {
        var n = Check(shares, current, keep);
        if (planPpm.Length != n || (!force.IsEmpty && force.Length != n))
        {
            throw new ArgumentException("the plan, and the force flags when given, need one entry per asset");
        }

        unchecked
        {
            // First solve with every asset not kept trading; then keep the assets whose trade would be under half a
            // part per million of NAV (inside the rounding grid of the targets) or under the smallest trade, and
            // solve again for the others; repeat until no trade left is under those, since keeping an asset changes
            // what the others share (when all but one are kept, the last one's share of what they leave is its own
            // value: a "trade" of rounding noise that the protocol's integer orders floor to nothing). At most n solves.
            var idle = _idle.AsSpan();
            idle.Clear();
            var cost = SolveShares(planPpm, current, nav, keep, idle, lots, prices, shares, values, out var keptValue);
            var threshold = Backtesting.Backtester.NoTradeFraction * nav;
            while (true)
            {
                var kept = 0;
                var newlyKept = 0;
                for (var i = 0; i < n; i++)
                {
                    var move = Math.Abs(values[i] - current[i]);
                    if (keep[i])
                    {
                        kept++;
                    }
                    else if ((move < threshold || move < smallestTrade) && (force.IsEmpty || !force[i]))
                    {
                        keep[i] = true;
                        idle[i] = move >= threshold;
                        kept++;
                        newlyKept++;
                    }
                }

                if (kept == n)
                {
                    return null;
                }

                if (newlyKept == 0)
                {
                    break;
                }

                cost = SolveShares(planPpm, current, nav, keep, idle, lots, prices, shares, values, out keptValue);
            }

            return (cost, keptValue);
        }
    }

    /// <summary>
    /// Sets the shares of the assets not kept (their planned parts over the parts not kept, an <paramref name="idle"/>
    /// asset's part counting as not kept) and solves over what the kept assets leave (an idle asset's value left in).
    /// </summary>
    private double SolveShares(ReadOnlySpan<int> planPpm, ReadOnlySpan<double> current, double nav, ReadOnlySpan<bool> keep, ReadOnlySpan<bool> idle, ReadOnlySpan<double> lots, ReadOnlySpan<double> prices, Span<double> shares, Span<double> values, out double keptValue)
    {
        unchecked
        {
            keptValue = 0.0;
            var tradingWeight = 0.0;
            var planned = 0L;
            for (var i = 0; i < shares.Length; i++)
            {
                planned += planPpm[i];
                if (keep[i] && !idle[i])
                {
                    keptValue += current[i];
                }
                else
                {
                    tradingWeight += planPpm[i] * 1e-6;
                }
            }

            // Parts a rail left unplanned stay idle: they count with the trading assets' parts (nothing for a full plan).
            tradingWeight += Math.Max(0, Policies.PartsPerMillion.One - planned) * 1e-6;
            var perPart = tradingWeight > 0 ? 1e-6 / tradingWeight : 0;
            for (var i = 0; i < shares.Length; i++)
            {
                shares[i] = keep[i] ? 0 : planPpm[i] * perPart;
            }

            return Solve(shares, current, keep, nav - keptValue, lots, prices, nav, values);
        }
    }

    private double IteratedCost(ReadOnlySpan<double> shares, ReadOnlySpan<double> current, ReadOnlySpan<bool> keep, double total, ReadOnlySpan<double> lots, ReadOnlySpan<double> prices, double scale, Span<double> values)
    {
        unchecked
        {
            // Fixed point: invest what is left after the cost of the trades that investing it takes.
            var investable = total;
            var cost = 0.0;
            for (var iteration = 0; iteration < MaxIterations; iteration++)
            {
                var next = CostOf(shares, current, keep, investable, lots, prices, values);
                var converged = Math.Abs(next - cost) <= 1e-14 * scale;
                cost = next;
                investable = total - cost;
                if (converged)
                {
                    break;
                }
            }

            // The holdings must be paid for: if the last step left cash short (possible when whole lots flip between
            // iterations), invest less until they are.
            for (var repair = 0; repair < MaxIterations; repair++)
            {
                cost = CostOf(shares, current, keep, investable, lots, prices, values);
                var spent = 0.0;
                for (var i = 0; i < values.Length; i++)
                {
                    spent += keep[i] ? 0 : values[i];
                }

                var slack = total - cost - spent;
                if (slack >= 0)
                {
                    break;
                }

                // Whole lots move in steps: back off geometrically so a shortfall smaller than a lot is closed quickly.
                investable -= Math.Max(-slack, 1e-12 * scale) * Math.Pow(2, repair);
            }

            return cost;
        }
    }

    /// <summary>Sets <paramref name="values"/> for investing <paramref name="investable"/> (whole lots where set) and returns the cost of those trades.</summary>
    private double CostOf(ReadOnlySpan<double> shares, ReadOnlySpan<double> current, ReadOnlySpan<bool> keep, double investable, ReadOnlySpan<double> lots, ReadOnlySpan<double> prices, Span<double> values)
    {
        unchecked
        {
            var cost = 0.0;
            var traded = 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (keep[i])
                {
                    values[i] = current[i];
                    continue;
                }

                var target = Math.Max(0, shares[i] * investable);
                if (!lots.IsEmpty && lots[i] > 0)
                {
                    target = Math.Truncate(target / prices[i] / lots[i]) * lots[i] * prices[i];
                }

                values[i] = target;
                var trade = target - current[i];
                if (trade != 0)
                {
                    traded++;
                    cost += Math.Abs(trade) * (trade > 0 ? _buy[i] : _sell[i]);
                }
            }

            return cost + (traded * FixedPerTrade);
        }
    }

    private int Check(ReadOnlySpan<double> shares, ReadOnlySpan<double> current, ReadOnlySpan<bool> keep)
    {
        var n = _buy.Length;
        if (shares.Length != n || current.Length != n || keep.Length != n)
        {
            throw new ArgumentException($"shares, current values and keep flags need one entry per asset ({n})");
        }

        return n;
    }
}
