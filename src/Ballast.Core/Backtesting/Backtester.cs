using System.Numerics;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>
/// The close-to-close backtest engine (semantics in docs/backtest-semantics.md). One policy runs on one thread with
/// no allocation per row; many policies run in parallel on all cores.
/// </summary>
public static class Backtester
{
    /// <summary>A trade smaller than one part per million of NAV is not executed: it is inside the rounding grid of the targets.</summary>
    internal const double NoTradeFraction = 1e-6;

    private static readonly TriggerReason InitialInvestment = new("initial", "initial investment");

    /// <summary>Writes units · price per asset into <paramref name="values"/> and returns their sum.</summary>
    internal static double Values(ReadOnlySpan<double> units, ReadOnlySpan<double> prices, Span<double> values)
    {
        var i = 0;
        var total = 0.0;
        if (Vector.IsHardwareAccelerated && units.Length >= Vector<double>.Count)
        {
            var sum = Vector<double>.Zero;
            for (; i <= units.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = new Vector<double>(units[i..]) * new Vector<double>(prices[i..]);
                v.CopyTo(values[i..]);
                sum += v;
            }

            total = Vector.Sum(sum);
        }

        for (; i < units.Length; i++)
        {
            var v = units[i] * prices[i];
            values[i] = v;
            total += v;
        }

        return total;
    }

    /// <summary>Turns values into weights (times <paramref name="inverseNav"/>) in place; returns max |w − t| and the sum.</summary>
    internal static double Drift(Span<double> weights, ReadOnlySpan<double> targets, double inverseNav, out double sum)
    {
        var i = 0;
        var total = 0.0;
        var max = 0.0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<double>.Count)
        {
            var scale = new Vector<double>(inverseNav);
            var sums = Vector<double>.Zero;
            var maxes = Vector<double>.Zero;
            for (; i <= weights.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var w = new Vector<double>(weights[i..]) * scale;
                w.CopyTo(weights[i..]);
                var d = Vector.Abs(w - new Vector<double>(targets[i..]));
                sums += d;
                maxes = Vector.Max(maxes, d);
            }

            total = Vector.Sum(sums);
            for (var k = 0; k < Vector<double>.Count; k++)
            {
                max = max > maxes[k] ? max : maxes[k];
            }
        }

        for (; i < weights.Length; i++)
        {
            var w = weights[i] * inverseNav;
            weights[i] = w;
            var d = Math.Abs(w - targets[i]);
            total += d;
            max = max > d ? max : d;
        }

        sum = total;
        return max;
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
            var key = string.Join('\u001f', policies[i].Names);
            if (!tables.TryGetValue(key, out var selected))
            {
                selected = table.Select(policies[i].Names);
                tables[key] = selected;
            }

            perPolicy[i] = selected;
        }

        var done = 0;
        Parallel.For(0, policies.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            runs[i] = Run(perPolicy[i], policies[i], settings);
            progress?.Report(Interlocked.Increment(ref done));
        });

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
        var targets = policy.Targets;
        var record = settings.Record;

        var state = new PortfolioState(n, spec.Capital);
        var weights = new double[n];
        var plan = new int[n];
        var trader = new Trader(spec.Costs, spec.Lot, policy.Names, record ? new List<TradeRecord>() : null);
        var equity = record ? new double[rows] : null;
        var weightLog = record ? new double[rows * n] : null;
        var driftLog = record ? new double[rows] : null;
        var riskFreePerPeriod = Math.Pow(1 + settings.RiskFree, 1.0 / settings.PeriodsPerYear) - 1;
        var metrics = default(MetricsAccumulator);

        // Row 0: invest at the targets at the close, paying costs.
        var row0 = prices.AsSpan(0, n);
        weights.AsSpan().Clear();
        var initial = trader.Execute(state, row0, spec.Capital, weights, policy.TargetPpm, 0, table.Dates[0], InitialInvestment);
        var nav = spec.Capital - initial.Cost;
        metrics.Start(nav, riskFreePerPeriod);
        metrics.AddInitialCost(initial.Cost);
        if (record)
        {
            Record(0, nav, 0);
        }

        var lastRebalance = 0;
        var units = state.Units;
        for (var t = 1; t < rows; t++)
        {
            var p = prices.AsSpan(t * n, n);
            var value = state.Cash + Values(units, p, weights);
            var driftMax = Drift(weights, targets, 1 / value, out var driftSum);
            metrics.AddDrift(driftSum, n, driftMax);
            var navAfter = value;
            var context = new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == rows - 1, driftMax);
            if (policy.Decide(context) is { } reason && policy.PlanTargets(context, plan))
            {
                var result = trader.Execute(state, p, value, weights, plan, t, table.Dates[t], reason);
                if (result.Traded)
                {
                    navAfter = value - result.Cost;
                    metrics.AddRebalance(result.TurnoverOneWay, result.Cost, value);
                    lastRebalance = t;
                }
            }

            metrics.AddReturn((navAfter / nav) - 1, navAfter);
            nav = navAfter;
            if (record)
            {
                Record(t, nav, driftMax);
            }
        }

        var result2 = metrics.Finish(spec.Capital, nav, table.Dates[0], table.Dates[^1], settings.PeriodsPerYear);
        return new PolicyRun(policy, result2, equity, weightLog, driftLog, trader.Trades);

        void Record(int row, double navNow, double drift)
        {
            equity![row] = navNow;
            driftLog![row] = drift;
            var p = prices.AsSpan(row * n, n);
            for (var i = 0; i < n; i++)
            {
                weightLog![(row * n) + i] = state.Units[i] * p[i] / navNow;
            }
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
    private readonly CostSpec _costs;
    private readonly double[] _rates;
    private readonly double[] _lots;
    private readonly IReadOnlyList<string> _names;
    private readonly bool[] _keep;
    private readonly double[] _newValues;

    public Trader(CostSpec costs, IReadOnlyList<double> lots, IReadOnlyList<string> names, List<TradeRecord>? trades)
    {
        _costs = costs;
        _names = names;
        _rates = [.. Enumerable.Range(0, names.Count).Select(costs.Rate)];
        _lots = [.. lots];
        _keep = new bool[names.Count];
        _newValues = new double[names.Count];
        Trades = trades;
    }

    public List<TradeRecord>? Trades { get; }

    /// <summary>
    /// Moves the portfolio to <paramref name="plan"/> (parts per million of NAV after costs). Assets whose move is
    /// under one part per million of NAV are left alone. Costs: proportional and half-spread on traded value, plus a
    /// fixed amount per traded asset, solved by fixed-point iteration (costs depend on the trades, the trades on NAV
    /// after costs).
    /// </summary>
    public TradeResult Execute(PortfolioState state, ReadOnlySpan<double> prices, double nav, ReadOnlySpan<double> weightsBefore, ReadOnlySpan<int> plan, int row, DateOnly date, TriggerReason reason)
    {
        var n = prices.Length;
        var units = state.Units;
        var keptValue = 0.0;
        var tradingWeight = 0.0;
        var anyTrade = false;
        for (var i = 0; i < n; i++)
        {
            var target = plan[i] / (double)PartsPerMillion.One;
            var current = units[i] * prices[i];
            _keep[i] = Math.Abs((target * nav) - current) < Backtester.NoTradeFraction * nav;
            if (_keep[i])
            {
                keptValue += current;
            }
            else
            {
                tradingWeight += target;
                anyTrade = true;
            }
        }

        if (!anyTrade)
        {
            return new TradeResult(false, 0, 0);
        }

        var cost = 0.0;
        var investedNew = 0.0;
        for (var iteration = 0; iteration < 60; iteration++)
        {
            var investable = nav - cost - keptValue;
            var next = 0.0;
            var traded = 0;
            investedNew = 0;
            for (var i = 0; i < n; i++)
            {
                var current = units[i] * prices[i];
                if (_keep[i])
                {
                    _newValues[i] = current;
                    investedNew += current;
                    continue;
                }

                var target = tradingWeight > 0 ? plan[i] / (double)PartsPerMillion.One / tradingWeight * investable : 0;
                if (_lots[i] > 0)
                {
                    target = Math.Truncate(target / prices[i] / _lots[i]) * _lots[i] * prices[i];
                }

                _newValues[i] = Math.Max(0, target);
                investedNew += _newValues[i];
                var trade = Math.Abs(_newValues[i] - current);
                if (trade > 0)
                {
                    traded++;
                    next += trade * _rates[i];
                }
            }

            next += traded * _costs.FixedPerTrade;
            if (Math.Abs(next - cost) <= 1e-14 * nav)
            {
                cost = next;
                break;
            }

            cost = next;
        }

        var turnover = 0.0;
        var invested = 0.0;
        for (var i = 0; i < n; i++)
        {
            var before = units[i];
            var current = before * prices[i];
            var after = _keep[i] ? before : _newValues[i] / prices[i];
            if (_lots[i] > 0 && !_keep[i])
            {
                after = Math.Round(after / _lots[i], MidpointRounding.AwayFromZero) * _lots[i];
            }

            units[i] = after;
            invested += after * prices[i];
            var tradeValue = (after * prices[i]) - current;
            turnover += Math.Abs(tradeValue);
            if (Trades is not null && tradeValue != 0)
            {
                var tradeCost = (Math.Abs(tradeValue) * _rates[i]) + _costs.FixedPerTrade;
                Trades.Add(new TradeRecord(row, date, _names[i], prices[i], before, after, tradeValue, tradeCost, weightsBefore[i], after * prices[i] / (nav - cost), reason.Text));
            }
        }

        state.Cash = nav - cost - invested;
        return new TradeResult(true, cost, turnover / nav / 2);
    }
}
