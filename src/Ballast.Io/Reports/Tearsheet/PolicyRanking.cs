using Ballast.Backtesting;
using Ballast.Statistics;

namespace Ballast.Io.Reports.Tearsheet;

/// <summary>A metric policies can be ranked by, best first.</summary>
/// <param name="Key">Its name in metrics.json (e.g. <c>sharpe</c>).</param>
/// <param name="Label">Its name in the report and the console (e.g. "Sharpe").</param>
/// <param name="Value">Reads it from a run's metrics (null or NaN when undefined: ranked last).</param>
/// <param name="HigherIsBetter">False for metrics where smaller is better (volatility, cost drag, turnover).</param>
/// <param name="Percent">Shown as a percentage (a fraction), not a plain number.</param>
/// <param name="Difference">
/// The paired bootstrap interval of the policy's difference from its buy-and-hold twin in this metric
/// (docs/statistics.md), or null when the bootstrap gives none (turnover, costs: not random given the path).
/// </param>
public sealed record RankMetric(string Key, string Label, Func<BacktestMetrics, double?> Value, bool HigherIsBetter = true, bool Percent = false, Func<PairedBootstrapResult, BootstrapDifference>? Difference = null)
{
    /// <summary>The default: Sharpe, the usual single figure of risk-adjusted return.</summary>
    public static readonly RankMetric Sharpe = new("sharpe", "Sharpe", m => m.Sharpe, Difference: b => b.Sharpe);

    /// <summary>The rebalancing premium, CAGR minus the twin's: its interval is the bootstrap CAGR difference from the twin.</summary>
    public static readonly RankMetric Premium = new("rebalancing_premium", "rebalancing premium", m => m.RebalancingPremium, Percent: true, Difference: b => b.Cagr);

    /// <summary>Every metric a report or table can be ranked by.</summary>
    public static readonly IReadOnlyList<RankMetric> All =
    [
        Sharpe,
        new("cagr", "CAGR", m => m.Cagr, Percent: true, Difference: b => b.Cagr),
        new("sortino", "Sortino", m => m.Sortino),
        new("calmar", "Calmar", m => m.Calmar),
        new("max_drawdown", "max drawdown", m => m.MaxDrawdown, Percent: true, Difference: b => b.MaxDrawdown),
        Premium,
        new("volatility", "volatility", m => m.Volatility, HigherIsBetter: false, Percent: true, Difference: b => b.Volatility),
        new("turnover", "turnover", m => m.TurnoverOneWayAnnual, HigherIsBetter: false, Percent: true),
        new("cost_drag_bps_per_year", "cost drag", m => m.CostDragBpsPerYear, HigherIsBetter: false),
    ];

    private static readonly (string Alias, string Key)[] Aliases = [("premium", "rebalancing_premium"), ("maxdd", "max_drawdown"), ("drawdown", "max_drawdown"), ("vol", "volatility"), ("cost", "cost_drag_bps_per_year"), ("costs", "cost_drag_bps_per_year")];

    /// <summary>The names a user may give (<c>--by</c>, <c>--heatmap</c>): every key, with <c>-</c> for <c>_</c>, and the short aliases.</summary>
    public static IEnumerable<string> Names => All.Select(m => m.Key.Replace('_', '-')).Concat(Aliases.Select(a => a.Alias));

    /// <summary>The metric a user names (case-insensitive; <c>-</c> and <c>_</c> alike), or null.</summary>
    public static RankMetric? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().Replace('-', '_').ToLowerInvariant();
        foreach (var (alias, target) in Aliases)
        {
            if (alias == key)
            {
                key = target;
            }
        }

        return All.FirstOrDefault(m => m.Key == key);
    }

    /// <summary>The value of run metrics as shown ("12.34%" or "1.23"; "–" when undefined).</summary>
    public string Format(double? value) => Percent ? HtmlText.Percent(value) : HtmlText.Number(value);

    /// <summary>A difference in the metric, signed ("+1.23%" or "+0.12").</summary>
    public string FormatDifference(double? value) => Percent ? HtmlText.SignedPercent(value) : HtmlText.Number(value, "+0.00;-0.00;0.00");
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
