using System.Text.Json;
using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// The numeric fields of a policy's entry in metrics.json, in order, with their names encoded once, written by
/// <see cref="PolicyEntryJson"/> to either target. A value that is missing or not finite is written as null.
/// </summary>
internal static class EntryFields
{
    /// <summary>The <c>metrics</c> object of a run.</summary>
    public static readonly (JsonEncodedText Name, Func<BacktestMetrics, double?> Value)[] Metrics =
    [
        (Key("total_return"), m => m.TotalReturn),
        (Key("cagr"), m => m.Cagr),
        (Key("volatility"), m => m.Volatility),
        (Key("sharpe"), m => m.Sharpe),
        (Key("sortino"), m => m.Sortino),
        (Key("max_drawdown"), m => m.MaxDrawdown),
        (Key("calmar"), m => m.Calmar),
        (Key("rebalances"), m => m.Rebalances),
        (Key("turnover_one_way_annual"), m => m.TurnoverOneWayAnnual),
        (Key("turnover_two_way_annual"), m => m.TurnoverTwoWayAnnual),
        (Key("costs_paid"), m => m.CostsPaid),
        (Key("cost_drag_bps_per_year"), m => m.CostDragBpsPerYear),
        (Key("mean_abs_drift"), m => m.MeanAbsDrift),
        (Key("max_abs_drift"), m => m.MaxAbsDrift),
        (Key("rebalancing_premium"), m => m.RebalancingPremium),
        (Key("final_nav"), m => m.FinalNav),
        (Key("years"), m => m.Years),
    ];

    /// <summary>One comparison (policy minus comparator: its twin or a baseline), inside an open object.</summary>
    public static readonly (JsonEncodedText Name, Func<PolicyComparison, double?> Value)[] Comparison =
    [
        (Key("cagr_difference"), c => c.CagrDifference),
        (Key("volatility_difference"), c => c.VolatilityDifference),
        (Key("sharpe_difference"), c => c.SharpeDifference),
        (Key("max_drawdown_difference"), c => c.MaxDrawdownDifference),
    ];

    private static JsonEncodedText Key(string name) => JsonEncodedText.Encode(name);
}
