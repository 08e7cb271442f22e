using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// The numeric fields of a policy's entry in metrics.json, in order, named once for both writers (the
/// <see cref="System.Text.Json.Utf8JsonWriter"/> of <see cref="ResultFiles"/> and <see cref="ComparisonJson"/>, and the
/// direct UTF-8 rendering of <see cref="PolicyEntries"/>). A value that is missing or not finite is written as null.
/// </summary>
internal static class EntryFields
{
    /// <summary>The <c>metrics</c> object of a run.</summary>
    public static readonly (string Name, Func<BacktestMetrics, double?> Value)[] Metrics =
    [
        ("total_return", m => m.TotalReturn),
        ("cagr", m => m.Cagr),
        ("volatility", m => m.Volatility),
        ("sharpe", m => m.Sharpe),
        ("sortino", m => m.Sortino),
        ("max_drawdown", m => m.MaxDrawdown),
        ("calmar", m => m.Calmar),
        ("rebalances", m => m.Rebalances),
        ("turnover_one_way_annual", m => m.TurnoverOneWayAnnual),
        ("turnover_two_way_annual", m => m.TurnoverTwoWayAnnual),
        ("costs_paid", m => m.CostsPaid),
        ("cost_drag_bps_per_year", m => m.CostDragBpsPerYear),
        ("mean_abs_drift", m => m.MeanAbsDrift),
        ("max_abs_drift", m => m.MaxAbsDrift),
        ("rebalancing_premium", m => m.RebalancingPremium),
        ("final_nav", m => m.FinalNav),
        ("years", m => m.Years),
    ];

    /// <summary>One comparison (policy minus comparator: its twin or a baseline), inside an open object.</summary>
    public static readonly (string Name, Func<PolicyComparison, double?> Value)[] Comparison =
    [
        ("cagr_difference", c => c.CagrDifference),
        ("volatility_difference", c => c.VolatilityDifference),
        ("sharpe_difference", c => c.SharpeDifference),
        ("max_drawdown_difference", c => c.MaxDrawdownDifference),
    ];
}
