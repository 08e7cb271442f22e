using System.Text;
using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>One column of the report's metrics table.</summary>
/// <param name="Header">The header, at most two short lines (HTML: "Max&lt;br&gt;drawdown").</param>
/// <param name="Title">What the column means in full (the header's tooltip).</param>
/// <param name="Value">The run's value, the sort key (null when undefined).</param>
/// <param name="Format">The value as shown.</param>
internal sealed record HtmlMetricColumn(string Header, string Title, Func<BacktestOutcome, int, double?> Value, Func<double?, string> Format);

/// <summary>
/// The metrics table: one row per listed policy (all of them, or the best by the ranking metric with buy-and-hold), short
/// two-line headers with their meaning as a tooltip, and sortable columns (each cell carries its unformatted value).
/// A new column is one more entry in <see cref="Columns"/>.
/// </summary>
internal static class HtmlMetricsTable
{
    /// <summary>The numeric columns, in order, after the policy and its hash.</summary>
    public static readonly IReadOnlyList<HtmlMetricColumn> Columns =
    [
        new("CAGR", "Compound annual growth rate after all costs", (o, i) => M(o, i).Cagr, v => HtmlText.Percent(v)),
        new("Volatility", "Annualised standard deviation of the per-row returns", (o, i) => M(o, i).Volatility, v => HtmlText.Percent(v)),
        new("Sharpe", "Sharpe ratio: mean excess return over its deviation, annualised", (o, i) => M(o, i).Sharpe, v => HtmlText.Number(v)),
        new("Sortino", "Sortino ratio: mean excess return over the downside deviation, annualised", (o, i) => M(o, i).Sortino, v => HtmlText.Number(v)),
        new("Max<br>drawdown", "Deepest fall from a previous peak", (o, i) => M(o, i).MaxDrawdown, v => HtmlText.Percent(v)),
        new("Calmar", "CAGR over the size of the maximum drawdown", (o, i) => M(o, i).Calmar, v => HtmlText.Number(v)),
        new("Rebal-<br>ances", "Rows after the first on which the policy traded", (o, i) => M(o, i).Rebalances, v => HtmlText.Number(v, "0")),
        new("Turnover<br>/ yr", "One-way turnover per year, a fraction of the portfolio", (o, i) => M(o, i).TurnoverOneWayAnnual, v => HtmlText.Percent(v, "0.0")),
        new("Costs<br>paid", "Every transaction cost paid, the initial investment's included, in currency", (o, i) => M(o, i).CostsPaid, v => HtmlText.Number(v, "#,##0.00")),
        new("Cost drag<br>bps / yr", "Costs of rebalances per year in basis points of the portfolio", (o, i) => M(o, i).CostDragBpsPerYear, v => HtmlText.Number(v, "0.0")),
        new("Drift<br>mean", "Mean absolute gap between weight and target, over assets and rows", (o, i) => M(o, i).MeanAbsDrift, v => HtmlText.Percent(v)),
        new("Drift<br>max", "Largest absolute gap between weight and target", (o, i) => M(o, i).MaxAbsDrift, v => HtmlText.Percent(v)),
        new("Premium", "Rebalancing premium: CAGR minus the CAGR of the policy's buy-and-hold twin (same weights and costs) over the same window", (o, i) => M(o, i).RebalancingPremium, v => HtmlText.SignedPercent(v)),
    ];

    /// <summary>Writes the metrics section.</summary>
    public static void Append(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, BacktestAnalysis? analysis = null)
    {
        IReadOnlyList<HtmlMetricColumn> columns = analysis?.Policies is null
            ? Columns
            : [.. Columns, new("Sharpe<br>p-value", "Ledoit-Wolf HAC p-value of the Sharpe-ratio difference against the policy's buy-and-hold twin (docs/statistics.md)", (_, i) => analysis.SharpePValue(i), v => HtmlText.Number(v, "0.000"))];
        var recorded = HtmlCharts.IsRecorded(outcome);
        sb.Append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<p class=\"note\">One row per policy over the same window. Percentages are annual where the column says so; – means undefined (for example a ratio with a zero denominator). Hover a header for its meaning; click it to sort.</p>\n");
        if (selection.Table.Length < selection.Count)
        {
            sb.Append("<p class=\"note\"><strong>Listing ").Append(HtmlText.Int(selection.Table.Length)).Append(" of ").Append(HtmlText.Int(selection.Count)).Append(" policies</strong>: ")
                .Append(selection.Describe(selection.Table)).Append(", best first. Every policy's metrics are in metrics.json.</p>\n");
        }

        sb.Append("<div class=\"table-wrap\">\n<table class=\"sortable metrics\">\n<thead><tr><th class=\"name\">Policy</th><th class=\"hash\">Hash</th>");
        foreach (var column in columns)
        {
            sb.Append("<th title=\"");
            HtmlText.AppendEscaped(sb, column.Title);
            sb.Append("\">").Append(column.Header).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var i in selection.Table)
        {
            var run = outcome.Runs[i];
            var baseline = i == outcome.BaselineIndex;
            var slot = recorded ? selection.SeriesOf(i) : null;
            sb.Append(baseline ? "<tr class=\"baseline\"" : "<tr");
            if (slot is { } s)
            {
                sb.Append(" data-series=\"").Append(HtmlText.Int(s)).Append('"');
            }

            sb.Append("><td class=\"name\">");
            if (slot is { } k)
            {
                SvgChart.AppendSwatch(sb, HtmlCharts.Color(k), HtmlCharts.Dash(k), area: false);
            }

            HtmlText.AppendEscaped(sb, run.Name);
            if (baseline)
            {
                sb.Append(" <span class=\"tag\">buy-and-hold baseline</span>");
            }

            sb.Append("</td><td class=\"hash\"><code title=\"");
            HtmlText.AppendEscaped(sb, run.Hash.ToString());
            sb.Append("\">");
            HtmlText.AppendEscaped(sb, run.Hash.Abbreviated);
            sb.Append("</code></td>");
            foreach (var column in columns)
            {
                var value = column.Value(outcome, i);
                HtmlTearsheet.ValueCell(sb, value, column.Format(value));
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static BacktestMetrics M(BacktestOutcome outcome, int index) => outcome.Runs[index].Metrics;
}
