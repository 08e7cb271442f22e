using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>
/// The close-to-close backtest engine (semantics in docs/backtest-semantics.md). One policy runs on one thread with
/// no allocation per row; many policies run in parallel on all cores.
/// </summary>
public static class Backtester
{
    /// <summary>A trade smaller than half a part per million of NAV is not executed: it is inside the rounding grid of the targets.</summary>
    internal const double NoTradeFraction = 0.5e-6;

    private static readonly TriggerReason InitialInvestment = new("initial", "initial investment");

    /// <summary>Writes units · price per asset into <paramref name="values"/> and returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Values(ReadOnlySpan<double> units, ReadOnlySpan<double> prices, Span<double> values)
    {
        // The three spans have the same length (checked once here), so the loops index them unchecked.
        var n = units.Length;
        if (prices.Length < n || values.Length < n)
        {
            throw new ArgumentException("units, prices and values must have the same length");
        }

        unchecked
        {
            ref var u = ref MemoryMarshal.GetReference(units);
            ref var p = ref MemoryMarshal.GetReference(prices);
            ref var v = ref MemoryMarshal.GetReference(values);
            var i = 0;
            var total = 0.0;
            var width = Vector<double>.Count;
            if (Vector.IsHardwareAccelerated && n >= width)
            {
                var sum = Vector<double>.Zero;
                for (; i <= n - width; i += width)
                {
                    var x = Vector.LoadUnsafe(ref u, (nuint)i) * Vector.LoadUnsafe(ref p, (nuint)i);
                    x.StoreUnsafe(ref v, (nuint)i);
                    sum += x;
                }

                total = Vector.Sum(sum);
            }

            for (; i < n; i++)
            {
                var x = Unsafe.Add(ref u, i) * Unsafe.Add(ref p, i);
                Unsafe.Add(ref v, i) = x;
                total += x;
            }

            return total;
        }
    }

    private static void SetTargets(ReadOnlySpan<int> ppm, Span<double> targets)
    {
        for (var i = 0; i < ppm.Length; i++)
        {
            targets[i] = ppm[i] / (double)PartsPerMillion.One;
        }
    }

    /// <summary>
    /// Runs every policy on the table (each on the columns of its universe), in parallel, and fills in the
    /// rebalancing premium against <paramref name="baselineIndex"/> (buy and hold). Results are in policy order.
    /// </summary>
    public static PolicyRun[] RunAll(PriceTable table, IReadOnlyList<RebalancePolicy> policies, BacktestSettings settings, int baselineIndex, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(settings);
        var runs = new PolicyRun[policies.Count];
        var tables = new Dictionary<string, PriceTable>(StringComparer.Ordinal);
        var perPolicy = new PriceTable[policies.Count];
        for (var i = 0; i < policies.Count; i++)
        {
            var references = policies[i].Spec.ReferenceSeries.ToArray();
            var key = string.Join('\u001f', policies[i].Names) + '\u001e' + string.Join('\u001f', references);
            if (!tables.TryGetValue(key, out var selected))
            {
                selected = table.SelectFor(policies[i].Names, references);
                tables[key] = selected;
            }

            perPolicy[i] = selected;
        }

        var done = 0;
        var failures = new Exception?[policies.Count];
        Parallel.For(0, policies.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                runs[i] = Run(perPolicy[i], policies[i], settings);
                progress?.Report(Interlocked.Increment(ref done));
            }
#pragma warning disable CA1031 // Collected and rethrown below, deterministically: the first failing policy in spec order.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });

        if (Array.FindIndex(failures, f => f is not null) is var first and >= 0)
        {
            // Every policy runs, so the report is deterministic: the first bad-input failure in spec order (what the
            // user can act on), else the first failure.
            var chosen = failures.FirstOrDefault(f => f is BallastInputException) ?? failures[first]!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(chosen).Throw();
        }

        if (baselineIndex >= 0)
        {
            var baseline = runs[baselineIndex].Metrics.Cagr;
            foreach (var run in runs)
            {
                run.Metrics = run.Metrics with { RebalancingPremium = run.Metrics.Cagr - baseline };
            }
        }

        return runs;
    }

    /// <summary>Runs one policy. The table's columns must be the policy's universe, in order.</summary>
    public static PolicyRun Run(PriceTable table, RebalancePolicy policy, BacktestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(settings);
        if (table.ColumnCount != policy.AssetCount)
        {
            throw new ArgumentException($"the table has {table.ColumnCount} columns but policy '{policy.Spec.Name}' has {policy.AssetCount} assets", nameof(table));
        }

        for (var i = 0; i < policy.AssetCount; i++)
        {
            if (!string.Equals(table.Names[i], policy.Names[i], StringComparison.Ordinal))
            {
                throw new ArgumentException($"column {i} is '{table.Names[i]}' but the policy expects '{policy.Names[i]}'", nameof(table));
            }
        }

        var n = policy.AssetCount;
        var rows = table.RowCount;
        var prices = table.Prices;
        var spec = policy.Spec;
        var record = settings.Record;

        // The targets in force: fixed, or for a risk-based policy those it computed at its last rebalance.
        var targetPpm = new int[n];
        var targets = new double[n];
        var proposedPpm = new int[n];
        var proposed = new double[n];
        var risk = policy.IsRiskBased;
        var history = policy.NeedsPrices ? table : null;
        var policyState = policy.ObservesVolatility ? new PolicyState() : null;
        if (risk && table.RowsUpTo(0) <= policy.HistoryRows)
        {
            throw new ArgumentException($"policy '{spec.Name}' needs {policy.HistoryRows} rows of history before the first row; build the table with PriceWindow (historyRows) or PriceTable.WithHistory", nameof(table));
        }

        var state = new PortfolioState(n, spec.Capital);
        var weights = new double[n];
        var plan = new int[n];
        var hold = new bool[n];
        var trader = new Trader(spec.Costs, spec.Lot, policy.Names, record ? new List<TradeRecord>() : null);
        var recorder = record ? new Recorder(rows, n, policy.IsRiskBased) : null;
        var riskFreePerPeriod = Math.Pow(1 + settings.RiskFree, 1.0 / settings.PeriodsPerYear) - 1;
        var metrics = default(MetricsAccumulator);

        // Row 0: invest at the targets at the close, paying costs.
        var row0 = prices.AsSpan(0, n);
        weights.AsSpan().Clear();
        policy.ComputeTargets(new PolicyContext(table.Calendar, 0, weights, spec.Capital, 0, false, prices: table, periodsPerYear: settings.PeriodsPerYear), targetPpm);
        SetTargets(targetPpm, targets);
        var initial = trader.Execute(state, row0, spec.Capital, weights, targetPpm, hold, 0, table.Dates[0], InitialInvestment);
        if (recorder is not null && spec.Weights is RiskWeights riskWeights)
        {
            recorder.Covariance = RebalancePolicy.Estimate(riskWeights.Covariance, table, 0);
        }
        var nav = spec.Capital - initial.Cost;
        metrics.Start(nav, riskFreePerPeriod);
        metrics.AddInitialCost(initial.Cost);
        recorder?.Record(0, nav, 0, state.Units, prices.AsSpan(0, n));

        var lastRebalance = 0;
        var inverseNav = 1 / nav;
        var units = state.Units;
        var drift = new DriftTracker();
        var rowMax = record || policy.UsesMaxAbsDrift;
        var candidates = policy.CandidateRows(table.Calendar);
        var firesAbove = policy.FiresOnlyAboveDrift;
        // Row and index arithmetic here cannot overflow (rows · assets is an array length); skip the checks in the hot loop.
        unchecked
        {
            for (var t = 1; t < rows; t++)
            {
                var p = prices.AsSpan(t * n, n);
                var value = state.Cash + Values(units, p, weights);
                var inverse = 1 / value;
                var driftMax = drift.Accumulate(weights, targets, inverse, rowMax);
                var navAfter = value;
                if (policyState is not null)
                {
                    policy.Observe(new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == rows - 1, driftMax, default, history, policyState, settings.PeriodsPerYear), policyState);
                }

                if ((candidates is null || candidates[t]) && (firesAbove is not { } band || driftMax > band))
                {
                    var context = new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == rows - 1, driftMax, risk ? targets : default, history, policyState, settings.PeriodsPerYear);
                    var reason = policy.Decide(context);
                    if (reason is not null)
                    {
                        // A risk-based policy proposes new targets from the returns up to this row; they come into
                        // force only if the rebalance actually trades.
                        var planning = context;
                        if (risk)
                        {
                            policy.ComputeTargets(context, proposedPpm);
                            SetTargets(proposedPpm, proposed);
                            planning = new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == rows - 1, driftMax, proposed, history, policyState, settings.PeriodsPerYear);
                        }

                        if (policy.PlanTargets(planning, plan, hold))
                        {
                            var result = trader.Execute(state, p, value, weights, plan, hold, t, table.Dates[t], reason);
                            if (result.Traded)
                            {
                                navAfter = value - result.Cost;
                                metrics.AddRebalance(result.TurnoverOneWay, result.Cost, value);
                                lastRebalance = t;
                                if (risk)
                                {
                                    proposed.CopyTo(targets, 0);
                                    if (recorder is not null && spec.Weights is RiskWeights rw)
                                    {
                                        recorder.Covariance = RebalancePolicy.Estimate(rw.Covariance, table, t);
                                    }
                                }
                            }
                        }
                    }
                }

                // One division per row: the previous row's 1/NAV is reused (and recomputed only after costs changed NAV).
                metrics.AddReturn((navAfter * inverseNav) - 1, navAfter);
                inverseNav = navAfter == value ? inverse : 1 / navAfter;
                nav = navAfter;
                recorder?.Record(t, nav, driftMax, units, p);
            }
        }

        var (driftSum, driftMaxAll) = drift.Totals();
        metrics.AddDrift(driftSum, (long)(rows - 1) * n, driftMaxAll);
        var result2 = metrics.Finish(spec.Capital, nav, table.Dates[0], table.Dates[^1], settings.PeriodsPerYear);
        return new PolicyRun(policy, result2, recorder?.Equity, recorder?.Weights, recorder?.Drift, trader.Trades, recorder?.RiskContributions);
    }
}

/// <summary>
/// Turns values into weights in place and accumulates |w − t| over rows and assets in vector registers, reducing
/// only at the end (the mean and max drift metrics); the per-row maximum is computed only when asked for.
/// </summary>
internal sealed class DriftTracker
{
    private Vector<double> _sums = Vector<double>.Zero;
    private Vector<double> _maxes = Vector<double>.Zero;
    private double _tailSum;
    private double _tailMax;

    /// <summary>Scales values to weights and accumulates drift; returns this row's max |w − t| when <paramref name="rowMax"/>, else NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Accumulate(Span<double> weights, ReadOnlySpan<double> targets, double inverseNav, bool rowMax)
    {
        var n = weights.Length;
        if (targets.Length < n)
        {
            throw new ArgumentException("one target per weight is needed", nameof(targets));
        }

        // Drifts are finite and non-negative, so the platform's max (MaxNative) is exact here.
        unchecked
        {
            ref var w = ref MemoryMarshal.GetReference(weights);
            ref var t = ref MemoryMarshal.GetReference(targets);
            var i = 0;
            var max = 0.0;
            var width = Vector<double>.Count;
            if (Vector.IsHardwareAccelerated && n >= width)
            {
                var scale = new Vector<double>(inverseNav);
                var sums = _sums;
                var maxes = _maxes;
                var rowMaxes = Vector<double>.Zero;
                for (; i <= n - width; i += width)
                {
                    var x = Vector.LoadUnsafe(ref w, (nuint)i) * scale;
                    x.StoreUnsafe(ref w, (nuint)i);
                    var d = Vector.Abs(x - Vector.LoadUnsafe(ref t, (nuint)i));
                    sums += d;
                    maxes = Vector.MaxNative(maxes, d);
                    rowMaxes = Vector.MaxNative(rowMaxes, d);
                }

                _sums = sums;
                _maxes = maxes;
                if (rowMax)
                {
                    for (var k = 0; k < width; k++)
                    {
                        max = max > rowMaxes[k] ? max : rowMaxes[k];
                    }
                }
            }

            for (; i < n; i++)
            {
                var x = Unsafe.Add(ref w, i) * inverseNav;
                Unsafe.Add(ref w, i) = x;
                var d = Math.Abs(x - Unsafe.Add(ref t, i));
                _tailSum += d;
                _tailMax = _tailMax > d ? _tailMax : d;
                max = max > d ? max : d;
            }

            return rowMax ? max : double.NaN;
        }
    }

    public (double Sum, double Max) Totals()
    {
        var sum = Vector.Sum(_sums) + _tailSum;
        var max = _tailMax;
        for (var k = 0; k < Vector<double>.Count; k++)
        {
            max = Math.Max(max, _maxes[k]);
        }

        return (sum, max);
    }
}

/// <summary>Per-row series of a recorded run.</summary>
internal sealed class Recorder(int rows, int assets, bool riskBased)
{
    /// <summary>The covariance estimated at the last rebalance of a risk-based policy (for its risk contributions).</summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double>? Covariance { get; set; }

    public double[]? RiskContributions { get; } = riskBased ? new double[rows * assets] : null;

    public double[] Equity { get; } = new double[rows];

    public double[] Weights { get; } = new double[rows * assets];

    public double[] Drift { get; } = new double[rows];

    public void Record(int row, double nav, double drift, ReadOnlySpan<double> units, ReadOnlySpan<double> prices)
    {
        Equity[row] = nav;
        Drift[row] = drift;
        for (var i = 0; i < assets; i++)
        {
            Weights[(row * assets) + i] = units[i] * prices[i] / nav;
        }

        if (RiskContributions is not null && Covariance is not null)
        {
            var rc = Optimisation.RiskBudgeting.RiskContributions(Covariance, Weights.AsSpan(row * assets, assets).ToArray());
            rc.CopyTo(RiskContributions, row * assets);
        }
    }
}

/// <summary>Holdings of one simulated portfolio: units per asset and cash.</summary>
internal sealed class PortfolioState(int assets, double cash)
{
    public double[] Units { get; } = new double[assets];

    public double Cash { get; set; } = cash;
}

/// <summary>The outcome of executing one planned rebalance.</summary>
internal readonly record struct TradeResult(bool Traded, double Cost, double TurnoverOneWay);

/// <summary>
/// Turns planned weights into trades at one row's close: whole lots where configured, costs paid out of NAV,
/// solved so that the holdings after costs sit at the planned weights.
/// </summary>
internal sealed class Trader
{
    private readonly double _fixedCost;
    private readonly double[] _rates;
    private readonly double[] _lots;
    private readonly bool _anyLots;
    private readonly IReadOnlyList<string> _names;
    private readonly bool[] _keep;
    private readonly double[] _current;
    private readonly double[] _share;
    private readonly double[] _newValues;

    public Trader(CostSpec costs, IReadOnlyList<double> lots, IReadOnlyList<string> names, List<TradeRecord>? trades)
    {
        _fixedCost = costs.FixedPerTrade;
        _names = names;
        _rates = [.. Enumerable.Range(0, names.Count).Select(costs.Rate)];
        _lots = [.. lots];
        _anyLots = _lots.Any(l => l > 0);
        _keep = new bool[names.Count];
        _current = new double[names.Count];
        _share = new double[names.Count];
        _newValues = new double[names.Count];
        Trades = trades;
    }

    public List<TradeRecord>? Trades { get; }

    /// <summary>
    /// Moves the portfolio to <paramref name="plan"/> (parts per million of NAV after costs). Assets whose trade would be
    /// under half a part per million of NAV are left alone; the trading assets share what the kept ones leave, pro rata
    /// to their planned weights. Costs are proportional and half-spread on traded value plus a fixed amount per traded
    /// asset; since they depend on the trades and the trades on NAV after costs, they are solved: in closed form when
    /// the direction of every trade is known (no lots), otherwise by fixed-point iteration.
    /// </summary>
    public TradeResult Execute(PortfolioState state, ReadOnlySpan<double> prices, double nav, ReadOnlySpan<double> weightsBefore, ReadOnlySpan<int> plan, ReadOnlySpan<bool> hold, int row, DateOnly date, TriggerReason reason)
    {
        unchecked
        {
            var n = prices.Length;
            var units = state.Units;
            if (!FastSolve(n, units, prices, plan, hold, nav, out var cost))
            {
                for (var i = 0; i < n; i++)
                {
                    _current[i] = units[i] * prices[i];
                    _keep[i] = hold[i];
                }

                // First solve with every asset trading; then leave alone the assets whose trade would be under half a
                // part per million of NAV (inside the rounding grid of the targets) and solve again for the others.
                cost = Solve(n, prices, plan, nav, out _);
                var threshold = Backtester.NoTradeFraction * nav;
                var kept = 0;
                var held = 0;
                for (var i = 0; i < n; i++)
                {
                    if (_keep[i])
                    {
                        held++;
                        kept++;
                    }
                    else if (Math.Abs(_newValues[i] - _current[i]) < threshold)
                    {
                        _keep[i] = true;
                        kept++;
                    }
                }

                if (kept == n)
                {
                    return new TradeResult(false, 0, 0);
                }

                if (kept > held)
                {
                    cost = Solve(n, prices, plan, nav, out _);
                }
            }

            if (!(cost < nav))
            {
                // The trades would cost the whole NAV (absurd costs for this size): do not trade.
                return new TradeResult(false, 0, 0);
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
                var tradeCost = tradeValue == 0 ? 0 : (Math.Abs(tradeValue) * _rates[i]) + _fixedCost;
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
            return new TradeResult(turnover > 0, charged, turnover / nav / 2);
        }
    }

    /// <summary>
    /// The common case in two passes: fractional units, nothing held, every asset trading, trade directions unchanged
    /// by the costs (so the closed form holds). Returns false, having decided nothing, when any of that fails; the
    /// general path then solves from scratch.
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
            var a = 0.0;
            var b = 0.0;
            var traded = 0;
            for (var i = 0; i < n; i++)
            {
                var current = units[i] * prices[i];
                _current[i] = current;
                _keep[i] = false;
                var share = plan[i] * perPart;
                _share[i] = share;
                var trade = (share * nav) - current;
                a += _rates[i] * Math.CopySign(share, trade);
                b += _rates[i] * Math.Abs(trade);
                traded += trade != 0 ? 1 : 0;
            }

            cost = (b + (_fixedCost * traded)) / (1 + a);
            if (!(cost >= 0) || cost >= nav)
            {
                return false;
            }

            var threshold = Backtester.NoTradeFraction * nav;
            var investable = nav - cost;
            var worst = double.PositiveInfinity;
            var smallest = double.PositiveInfinity;
            for (var i = 0; i < n; i++)
            {
                var current = _current[i];
                var share = _share[i];
                var target = share * investable;
                _newValues[i] = target;
                var product = ((share * nav) - current) * (target - current);
                worst = product < worst ? product : worst;
                var move = Math.Abs(target - current);
                smallest = move < smallest ? move : smallest;
            }

            return worst > 0 && smallest >= threshold;
        }
    }

    /// <summary>Sets <c>_newValues</c> for the current keep flags and returns the cost of the trades.</summary>
    private double Solve(int n, ReadOnlySpan<double> prices, ReadOnlySpan<int> plan, double nav, out double keptValue)
    {
        unchecked
        {
            keptValue = 0.0;
            var tradingWeight = 0.0;
            for (var i = 0; i < n; i++)
            {
                if (_keep[i])
                {
                    keptValue += _current[i];
                }
                else
                {
                    tradingWeight += plan[i] * 1e-6;
                }
            }

            var perPart = tradingWeight > 0 ? 1e-6 / tradingWeight : 0;
            for (var i = 0; i < n; i++)
            {
                _share[i] = _keep[i] ? 0 : plan[i] * perPart;
            }

            var total = nav - keptValue;
            var cost = _anyLots ? double.NaN : ClosedFormCost(n, total);
            if (double.IsNaN(cost))
            {
                return IteratedCost(n, prices, total, nav);
            }

            var investable = total - cost;
            for (var i = 0; i < n; i++)
            {
                _newValues[i] = _keep[i] ? _current[i] : _share[i] * investable;
            }

            return cost;
        }
    }

    /// <summary>
    /// With fractional units, trade i is s_i·(share_i·(T − C) − v_i) with T the value to redistribute; if the signs s_i
    /// are those at C = 0, C = Σ r_i·s_i·(share_i·(T − C) − v_i) + F·m is linear in C. Returns NaN when a sign flips
    /// (then the caller iterates).
    /// </summary>
    private double ClosedFormCost(int n, double total)
    {
        unchecked
        {
            // Branch-free: trade directions are unpredictable, so signs enter through CopySign, not through branches.
            var a = 0.0;
            var b = 0.0;
            var traded = 0;
            for (var i = 0; i < n; i++)
            {
                var trading = _keep[i] ? 0.0 : 1.0;
                var trade = (_share[i] * total) - _current[i];
                a += trading * _rates[i] * Math.CopySign(_share[i], trade);
                b += trading * _rates[i] * Math.Abs(trade);
                traded += trading != 0 && trade != 0 ? 1 : 0;
            }

            var cost = (b + (_fixedCost * traded)) / (1 + a);
            if (!(cost >= 0) || cost >= total)
            {
                return double.NaN;
            }

            // Valid only if no trade changes direction between C = 0 and C: trade · trade(C) > 0 for every trading asset.
            var worst = double.PositiveInfinity;
            for (var i = 0; i < n; i++)
            {
                var trade = (_share[i] * total) - _current[i];
                var after = (_share[i] * (total - cost)) - _current[i];
                var product = _keep[i] ? double.PositiveInfinity : trade * after;
                worst = product < worst ? product : worst;
            }

            return worst > 0 ? cost : double.NaN;
        }
    }

    private double IteratedCost(int n, ReadOnlySpan<double> prices, double total, double nav)
    {
        unchecked
        {
            // Fixed point: invest what is left after the cost of the trades that investing it takes.
            var investable = total;
            var cost = 0.0;
            for (var iteration = 0; iteration < 60; iteration++)
            {
                var next = CostOf(n, prices, investable);
                var converged = Math.Abs(next - cost) <= 1e-14 * nav;
                cost = next;
                investable = total - cost;
                if (converged)
                {
                    break;
                }
            }

            // The holdings must be paid for: if the last step left cash short (possible when whole lots flip between
            // iterations), invest less until they are.
            for (var repair = 0; repair < 60; repair++)
            {
                cost = CostOf(n, prices, investable);
                var spent = 0.0;
                for (var i = 0; i < n; i++)
                {
                    spent += _keep[i] ? 0 : _newValues[i];
                }

                var slack = total - cost - spent;
                if (slack >= 0)
                {
                    break;
                }

                // Whole lots move in steps: back off geometrically so a shortfall smaller than a lot is closed quickly.
                investable -= Math.Max(-slack, 1e-12 * nav) * Math.Pow(2, repair);
            }

            return cost;
        }
    }

    /// <summary>Sets <c>_newValues</c> for investing <paramref name="investable"/> (whole lots where set) and returns the cost of those trades.</summary>
    private double CostOf(int n, ReadOnlySpan<double> prices, double investable)
    {
        unchecked
        {
            var cost = 0.0;
            var traded = 0;
            for (var i = 0; i < n; i++)
            {
                if (_keep[i])
                {
                    _newValues[i] = _current[i];
                    continue;
                }

                var target = Math.Max(0, _share[i] * investable);
                if (_lots[i] > 0)
                {
                    target = Math.Truncate(target / prices[i] / _lots[i]) * _lots[i] * prices[i];
                }

                _newValues[i] = target;
                var trade = Math.Abs(target - _current[i]);
                if (trade > 0)
                {
                    traded++;
                    cost += trade * _rates[i];
                }
            }

            return cost + (traded * _fixedCost);
        }
    }
}
