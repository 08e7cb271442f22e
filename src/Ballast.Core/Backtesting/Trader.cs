using System.Numerics;
using System.Runtime.InteropServices;
using Ballast.Costs;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>Holdings of one simulated portfolio: units per asset and cash.</summary>
internal sealed class PortfolioState(int assets, double cash)
{
    public double[] Units { get; } = new double[assets];

    public double Cash { get; set; } = cash;
}

/// <summary>
/// Turns planned weights into trades at one row's close: whole lots where configured, costs paid out of NAV,
/// solved so that the holdings after costs sit at the planned weights.
/// </summary>
internal sealed class Trader
{
    private readonly SizingSolve _solve;
    private readonly double _fixedCost;
    private readonly double[] _rates;
    private readonly double[] _lots;
    private readonly bool _anyLots;
    private readonly IReadOnlyList<string> _names;
    private readonly bool[] _keep;
    private readonly double[] _current;
    private readonly double[] _share;
    private readonly double[] _newValues;
    private readonly bool _vectorised;
    private readonly int _last;
    private readonly int _tailSlot;
    private readonly Vector<double> _fresh;
    private readonly int[] _plan;
    private readonly double[] _slotRate;
    private readonly double[] _slotShare;
    private readonly double[] _slotCurrent;
    private readonly double[] _slotAfter;
    private readonly double[] _slotPerValue;
    private readonly double[] _slotBefore;
    private readonly double[] _slotPrice;

    private static int Width => Lanes.Width;

    /// <summary>A trader paying <paramref name="costs"/>, with the kernel chosen for the universe (<see cref="EngineKernels.ForTrades"/>).</summary>
    public Trader(ICostModel costs, IReadOnlyList<double> lots, IReadOnlyList<string> names, List<TradeRecord>? trades)
        : this(costs, lots, names, trades, EngineKernel.Auto)
    {
    }

    /// <summary>A trader paying <paramref name="costs"/> with the given kernel: <see cref="EngineKernel.Scalar"/> forces the scalar reference, the oracle the vector kernel is tested against.</summary>
    public Trader(ICostModel costs, IReadOnlyList<double> lots, IReadOnlyList<string> names, List<TradeRecord>? trades, EngineKernel kernel)
    {
        if (costs.Assets != names.Count)
        {
            throw new ArgumentException($"the cost model prices {costs.Assets} assets, the universe has {names.Count}", nameof(costs));
        }

        _solve = new SizingSolve(costs);
        _fixedCost = costs.FixedPerTrade;
        _names = names;
        _rates = [.. Enumerable.Range(0, names.Count).Select(costs.BuyRate)];
        _lots = [.. lots];
        _anyLots = _lots.Any(l => l > 0);
        _keep = new bool[names.Count];
        _current = new double[names.Count];
        _share = new double[names.Count];
        _newValues = new double[names.Count];
        Trades = trades;
        var n = names.Count;
        _vectorised = EngineKernels.ForTrades(kernel, n, _anyLots, _solve.Symmetric) == EngineKernel.Vector;
        if (_vectorised)
        {
            _last = Lanes.Last(n);
            _fresh = Lanes.Fresh(n);
        }

        // Slot-ordered scratch (see TryExecuteVector): the whole vectors, then the last vector in a slot of its own.
        _tailSlot = _vectorised ? Lanes.WholeEnd(n) : 0;
        var slots = _vectorised ? _tailSlot + Width : 0;
        _plan = new int[n];
        _plan.AsSpan().Fill(-1);
        _slotRate = new double[slots];
        _slotShare = new double[slots];
        _slotCurrent = new double[slots];
        _slotAfter = new double[slots];
        _slotPerValue = new double[slots];
        _slotBefore = new double[slots];
        _slotPrice = new double[slots];
        if (_vectorised)
        {
            for (var i = 0; i < n; i++)
            {
                SetSlots(_slotRate, i, _rates[i]);
            }
        }
    }

    public List<TradeRecord>? Trades { get; }

    /// <summary>The kernel this trader runs the common case in: <see cref="EngineKernel.Vector"/> or <see cref="EngineKernel.Scalar"/>.</summary>
    public EngineKernel Kernel => _vectorised ? EngineKernel.Vector : EngineKernel.Scalar;

    /// <summary>
    /// Moves the portfolio to <paramref name="plan"/> (parts per million of NAV after costs). Assets whose trade would be
    /// under half a part per million of NAV are left alone; the trading assets share what the kept ones leave, pro rata
    /// to their planned weights. Costs are proportional and half-spread on traded value plus a fixed amount per traded
    /// asset; since they depend on the trades and the trades on NAV after costs, they are solved: in closed form when
    /// the direction of every trade is known (no lots), otherwise by fixed-point iteration.
    /// </summary>
    /// <returns>Whether anything traded; <paramref name="cost"/> is what the trades cost and <paramref name="traded"/> the value they moved, Σ |Δ value| (twice the one-way turnover times NAV).</returns>
    public bool Execute(PortfolioState state, ReadOnlySpan<double> prices, double nav, ReadOnlySpan<double> weightsBefore, ReadOnlySpan<int> plan, ReadOnlySpan<bool> hold, int row, DateOnly date, TriggerReason reason, out double cost, out double traded)
    {
        cost = 0;
        traded = 0;
        unchecked
        {
            var n = prices.Length;
            var units = state.Units;
            // The common case in vectors; when it refuses, the scalar closed form (the same checks) would too, so the
            // general path solves from scratch.
            var vector = _vectorised && n == _rates.Length && !hold.Contains(true);
            if (vector && TryExecuteVector(state, prices, nav, weightsBefore, plan, row, date, reason, out var any, out cost, out traded))
            {
                return any;
            }

            // What the trading assets have between them to pay the costs from: all of NAV, less what untouched assets keep.
            var available = nav;
            if (vector || !FastSolve(n, units, prices, plan, hold, nav, out cost))
            {
                for (var i = 0; i < n; i++)
                {
                    _current[i] = units[i] * prices[i];
                    _keep[i] = hold[i];
                }

                // The shared sizing: held assets and those under half a ppm of NAV stay, the others are solved.
                if (_solve.Size(plan, _current, nav, _keep, default, 0, _anyLots ? _lots : default, prices, _share, _newValues) is not { } sized)
                {
                    return Nothing(out cost);
                }

                cost = sized.Cost;
                available = nav - sized.KeptValue;
            }

            if (!(cost < available))
            {
                // The trades would cost all the trading assets have (absurd costs for this size, or a minimum-trade rule
                // that leaves too little trading to pay them): do not trade, rather than hold negative amounts.
                return Nothing(out cost);
            }

            // Execute, and charge what the executed trades actually cost (whole lots may round a planned trade away).
            var turnover = 0.0;
            var invested = 0.0;
            var charged = 0.0;
            var firstTrade = Trades?.Count ?? 0;
            for (var i = 0; i < n; i++)
            {
                var before = units[i];
                var current = _current[i];
                var after = before;
                if (!_keep[i])
                {
                    after = _newValues[i] / prices[i];
                    if (_lots[i] > 0)
                    {
                        after = Math.Round(after / _lots[i], MidpointRounding.AwayFromZero) * _lots[i];
                    }
                }

                units[i] = after;
                var value = after * prices[i];
                invested += value;
                var tradeValue = after == before ? 0 : value - current;
                var tradeCost = tradeValue == 0 ? 0 : (Math.Abs(tradeValue) * _solve.Rate(i, tradeValue > 0)) + _fixedCost;
                turnover += Math.Abs(tradeValue);
                charged += tradeCost;
                if (Trades is not null && tradeValue != 0)
                {
                    Trades.Add(new TradeRecord(row, date, _names[i], prices[i], before, after, tradeValue, tradeCost, weightsBefore[i], value, reason.Text));
                }
            }

            // Weights after are relative to NAV after costs, known only now.
            if (Trades is not null)
            {
                var navAfter = nav - charged;
                for (var k = firstTrade; k < Trades.Count; k++)
                {
                    Trades[k] = Trades[k] with { WeightAfter = Trades[k].WeightAfter / navAfter };
                }
            }

            state.Cash = nav - charged - invested;
            cost = charged;
            traded = turnover;
            return turnover > 0;
        }
    }

    /// <summary>
    /// The common case, in vector registers: fractional units, nothing held, every asset trading and every trade's
    /// direction unchanged by the costs, so the cost has the closed form C = (Σ r·|trade| + F·m) / (1 + Σ r·s·share)
    /// (see <see cref="SizingSolve.ClosedFormCost"/>). Returns false, having changed nothing, when any of that fails; the general
    /// path then solves from scratch. The arithmetic is the general path's but for the units after, investable ·
    /// (share / price) rather than (share · investable) / price (the division then runs before the cost is known), so
    /// the two can differ in the last bits.
    /// </summary>
    /// <remarks>
    /// The universe is covered by whole vectors and a last vector at n − width that may overlap the one before it
    /// (its repeated lanes are masked out of every sum; their checks repeat identical arithmetic). Scratch values are
    /// kept per vector in <see cref="Slot"/> order, where the last vector has a slot of its own: every scratch load
    /// then reads exactly one earlier store, which the processor forwards, instead of straddling two overlapping
    /// stores, which it cannot forward and stalls on.
    /// </remarks>
    private bool TryExecuteVector(PortfolioState state, ReadOnlySpan<double> prices, double nav, ReadOnlySpan<double> weightsBefore, ReadOnlySpan<int> plan, int row, DateOnly date, TriggerReason reason, out bool any, out double cost, out double traded)
    {
        any = false;
        cost = 0;
        traded = 0;
        var n = _rates.Length;
        var units = state.Units;
        if (prices.Length != n || plan.Length != n || units.Length != n)
        {
            throw new ArgumentException("prices, plan and units need one entry per asset");
        }

        if (!plan.SequenceEqual(_plan))
        {
            // A new plan: its shares of NAV, in slot order. A fixed-target policy plans the same targets every time.
            plan.CopyTo(_plan);
            var parts = 0L;
            foreach (var part in plan)
            {
                parts += part;
            }

            var perPart = parts > 0 ? 1.0 / parts : 0;
            for (var i = 0; i < n; i++)
            {
                SetSlots(_slotShare, i, plan[i] * perPart);
            }
        }

        unchecked
        {
            ref var u = ref MemoryMarshal.GetArrayDataReference(units);
            ref var p = ref MemoryMarshal.GetReference(prices);
            ref var rates = ref MemoryMarshal.GetArrayDataReference(_slotRate);
            ref var shares = ref MemoryMarshal.GetArrayDataReference(_slotShare);
            ref var currents = ref MemoryMarshal.GetArrayDataReference(_slotCurrent);
            ref var afters = ref MemoryMarshal.GetArrayDataReference(_slotAfter);
            ref var perValue = ref MemoryMarshal.GetArrayDataReference(_slotPerValue);
            ref var befores = ref MemoryMarshal.GetArrayDataReference(_slotBefore);
            ref var pricesHere = ref MemoryMarshal.GetArrayDataReference(_slotPrice);
            var width = Width;
            var last = _last;
            var tailSlot = (nuint)_tailSlot;
            var all = Vector.AsVectorDouble(Vector<long>.AllBitsSet);
            var fresh = _fresh;
            var navV = new Vector<double>(nav);

            // Pass 1: current values, trades at zero cost, and the closed form's two sums.
            var a = Vector<double>.Zero;
            var b = Vector<double>.Zero;
            var trades = Vector<double>.Zero;
            for (var i = 0; ; i += width)
            {
                var whole = i < last;
                var at = (nuint)(whole ? i : last);
                var slot = whole ? (nuint)i : tailSlot;
                var mask = whole ? all : fresh;
                var held = Vector.LoadUnsafe(ref u, at);
                var price = Vector.LoadUnsafe(ref p, at);
                held.StoreUnsafe(ref befores, slot);
                price.StoreUnsafe(ref pricesHere, slot);
                var current = held * price;
                current.StoreUnsafe(ref currents, slot);
                var share = Vector.LoadUnsafe(ref shares, slot);
                var rate = Vector.LoadUnsafe(ref rates, slot);

                // Units per unit of investable value, so that pass 2 multiplies: the division is off the path to the cost.
                (share / price).StoreUnsafe(ref perValue, slot);
                var trade = (share * navV) - current;
                a += (rate * Vector.CopySign(share, trade)) & mask;
                b += (rate * Vector.Abs(trade)) & mask;
                trades += Vector.AndNot(Vector<double>.One, Vector.AsVectorDouble(Vector.Equals(trade, Vector<double>.Zero))) & mask;
                if (!whole)
                {
                    break;
                }
            }

            var solved = (Lanes.Sum(b) + (_fixedCost * Lanes.Sum(trades))) / (1 + Lanes.Sum(a));
            if (!(solved >= 0) || solved >= nav)
            {
                return false;
            }

            // Pass 2: the holdings after costs and what executing them costs, into scratch. They stand only if no trade
            // changes direction and none is below the threshold (checked as one mask, with no branch per vector).
            var investable = new Vector<double>(nav - solved);
            var threshold = new Vector<double>(Backtester.NoTradeFraction * nav);
            var valid = Vector<long>.AllBitsSet;
            var invested = Vector<double>.Zero;
            var turnover = Vector<double>.Zero;
            var charged = Vector<double>.Zero;
            var fixedCost = new Vector<double>(_fixedCost);
            for (var i = 0; ; i += width)
            {
                var whole = i < last;
                var slot = whole ? (nuint)i : tailSlot;
                var mask = whole ? all : fresh;
                var share = Vector.LoadUnsafe(ref shares, slot);
                var current = Vector.LoadUnsafe(ref currents, slot);
                var target = share * investable;
                valid &= Vector.GreaterThan(((share * navV) - current) * (target - current), Vector<double>.Zero)
                    & Vector.GreaterThanOrEqual(Vector.Abs(target - current), threshold);
                var price = Vector.LoadUnsafe(ref pricesHere, slot);
                var after = investable * Vector.LoadUnsafe(ref perValue, slot);
                after.StoreUnsafe(ref afters, slot);
                var value = after * price;
                var moved = Vector.AsVectorDouble(~Vector.Equals(after, Vector.LoadUnsafe(ref befores, slot)));
                var tradeValue = (value - current) & moved;
                var trading = Vector.AsVectorDouble(~Vector.Equals(tradeValue, Vector<double>.Zero));
                var tradeCost = ((Vector.Abs(tradeValue) * Vector.LoadUnsafe(ref rates, slot)) + fixedCost) & trading;
                invested += value & mask;
                turnover += Vector.Abs(tradeValue) & mask;
                charged += tradeCost & mask;
                if (!whole)
                {
                    break;
                }
            }

            if (!Vector.EqualsAll(valid, Vector<long>.AllBitsSet))
            {
                return false;
            }

            // Commit: the units after (the last vector rewrites its repeated lanes with the same values).
            for (var i = 0; ; i += width)
            {
                var whole = i < last;
                var at = (nuint)(whole ? i : last);
                Vector.LoadUnsafe(ref afters, whole ? (nuint)i : tailSlot).StoreUnsafe(ref u, at);
                if (!whole)
                {
                    break;
                }
            }

            var investedTotal = Lanes.Sum(invested);
            var turnoverTotal = Lanes.Sum(turnover);
            var chargedTotal = Lanes.Sum(charged);
            if (Trades is not null)
            {
                var navAfter = nav - chargedTotal;
                for (var i = 0; i < n; i++)
                {
                    var slot = Slot(i);
                    var before = _slotBefore[slot];
                    var after = units[i];
                    var value = after * prices[i];
                    var tradeValue = after == before ? 0 : value - _slotCurrent[slot];
                    if (tradeValue != 0)
                    {
                        var tradeCost = (Math.Abs(tradeValue) * _rates[i]) + _fixedCost;
                        Trades.Add(new TradeRecord(row, date, _names[i], prices[i], before, after, tradeValue, tradeCost, weightsBefore[i], value / navAfter, reason.Text));
                    }
                }
            }

            state.Cash = nav - chargedTotal - investedTotal;
            any = turnoverTotal > 0;
            cost = chargedTotal;
            traded = turnoverTotal;
            return true;
        }
    }

    /// <summary>Where asset <paramref name="asset"/> sits in the slot-ordered scratch: in its whole vector if it has one, else in the last vector's slot.</summary>
    private int Slot(int asset) => asset < _tailSlot ? asset : _tailSlot + asset - _last;

    /// <summary>Writes an asset's value into slot-ordered scratch: its <see cref="Slot"/>, and its lane of the last vector's slot when it has one there too.</summary>
    private void SetSlots(double[] slots, int asset, double value)
    {
        slots[Slot(asset)] = value;
        if (asset >= _last)
        {
            slots[_tailSlot + asset - _last] = value;
        }
    }

    private static bool Nothing(out double cost)
    {
        cost = 0;
        return false;
    }

    /// <summary>
    /// The common case in scalar passes, the reference the vector kernel (<see cref="TryExecuteVector"/>) is held to and
    /// the fallback where it does not apply: fractional units, nothing held, every asset trading, trade directions
    /// unchanged by the costs (so <see cref="SizingSolve.ClosedFormCost"/> holds) and no trade under the threshold.
    /// Returns false, having decided nothing, when any of that fails; the general path then solves from scratch.
    /// </summary>
    private bool FastSolve(int n, double[] units, ReadOnlySpan<double> prices, ReadOnlySpan<int> plan, ReadOnlySpan<bool> hold, double nav, out double cost)
    {
        cost = 0;
        if (_anyLots || hold.Contains(true))
        {
            return false;
        }

        unchecked
        {
            var parts = 0L;
            for (var i = 0; i < n; i++)
            {
                parts += plan[i];
            }

            var perPart = parts > 0 ? 1.0 / parts : 0;
            for (var i = 0; i < n; i++)
            {
                _current[i] = units[i] * prices[i];
                _keep[i] = false;
                _share[i] = plan[i] * perPart;
            }

            cost = _solve.ClosedFormCost(_share, _current, _keep, nav);
            if (double.IsNaN(cost))
            {
                return false;
            }

            var threshold = Backtester.NoTradeFraction * nav;
            var investable = nav - cost;
            var smallest = double.PositiveInfinity;
            for (var i = 0; i < n; i++)
            {
                var target = _share[i] * investable;
                _newValues[i] = target;
                var move = Math.Abs(target - _current[i]);
                smallest = move < smallest ? move : smallest;
            }

            return smallest >= threshold;
        }
    }
}
