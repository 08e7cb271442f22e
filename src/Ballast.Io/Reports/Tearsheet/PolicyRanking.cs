using Ballast.Backtesting;

namespace Ballast.Io.Reports.Tearsheet;

/// <summary>A metric policies can be ranked by, best first.</summary>
/// <param name="Key">Its name in metrics.json (e.g. <c>sharpe</c>).</param>
/// <param name="Label">Its name in the report and the console (e.g. "Sharpe").</param>
/// <param name="Value">Reads it from a run's metrics (null or NaN when undefined: ranked last).</param>
/// <param name="HigherIsBetter">False for metrics where smaller is better (volatility, cost drag).</param>
public sealed record RankMetric(string Key, string Label, Func<BacktestMetrics, double?> Value, bool HigherIsBetter = true)
{
    /// <summary>The default: Sharpe, the usual single figure of risk-adjusted return.</summary>
    public static readonly RankMetric Sharpe = new("sharpe", "Sharpe", m => m.Sharpe);

    /// <summary>Every metric a report or table can be ranked by.</summary>
    public static readonly IReadOnlyList<RankMetric> All =
    [
        Sharpe,
        new("cagr", "CAGR", m => m.Cagr),
        new("sortino", "Sortino", m => m.Sortino),
        new("calmar", "Calmar", m => m.Calmar),
        new("max_drawdown", "max drawdown", m => m.MaxDrawdown),
        new("rebalancing_premium", "rebalancing premium", m => m.RebalancingPremium),
        new("volatility", "volatility", m => m.Volatility, HigherIsBetter: false),
        new("cost_drag_bps_per_year", "cost drag", m => m.CostDragBpsPerYear, HigherIsBetter: false),
    ];
}

/// <summary>
/// Which policies a report or table shows when it cannot show them all: the best by a metric, with the buy-and-hold
/// baseline always among them (it is what every other policy is compared with). Deterministic: ties and undefined
/// values go in spec order, undefined last.
/// </summary>
public static class PolicyRanking
{
    /// <summary>Every run's index, best first by <paramref name="metric"/>.</summary>
    public static int[] Order(IReadOnlyList<PolicyRun> runs, RankMetric metric)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(metric);
        var keys = new double[runs.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var v = metric.Value(runs[i].Metrics);
            keys[i] = v is { } x && double.IsFinite(x) ? (metric.HigherIsBetter ? -x : x) : double.PositiveInfinity;
        }

        var order = new int[runs.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// At most <paramref name="limit"/> run indexes: all of them in spec order when they fit; otherwise the best
    /// <paramref name="limit"/> − 1 by <paramref name="metric"/>, best first, and the baseline last (the best
    /// <paramref name="limit"/> when the baseline is among them).
    /// </summary>
    public static int[] Top(IReadOnlyList<PolicyRun> runs, int baseline, int limit, RankMetric metric)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (runs.Count <= limit)
        {
            return [.. Enumerable.Range(0, runs.Count)];
        }

        var order = Order(runs, metric);
        var top = order.Take(limit).ToList();
        if (!top.Contains(baseline))
        {
            top[^1] = baseline;
        }

        return [.. top];
    }
}
