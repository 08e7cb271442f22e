using System.Text;

namespace Ballast.Io.Reports;

/// <summary>
/// The offline HTML report of a backtest: one self-contained file (inline CSS and SVG, no scripts, no external
/// resources) with the window, a metrics comparison table, equity, drawdown, allocation and drift charts, a short
/// guide and every policy's content hash. Rendering is deterministic: the same outcome gives the same text.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        :root{color-scheme:light}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;background:#fff;line-height:1.45;max-width:1120px;margin:24px auto;padding:0 16px}
        h1{font-size:1.6em;margin:0 0 2px}
        h2{font-size:1.2em;margin:28px 0 6px;padding-bottom:3px;border-bottom:1px solid #ddd}
        .subtitle{color:#666;margin:0 0 12px}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
        dl.facts dt{color:#555}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        .notices{background:#fff8e1;border-left:4px solid #e0a800;padding:6px 12px;margin:12px 0}
        .notices ul{margin:4px 0;padding-left:20px}
        .note{color:#555;font-size:13px;margin:4px 0 8px}
        .table-wrap{overflow-x:auto}
        table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
        th,td{padding:4px 8px;border-bottom:1px solid #e6e6e6;text-align:right;white-space:nowrap}
        th{vertical-align:bottom;white-space:normal;border-bottom:2px solid #999;font-weight:600}
        th.name,td.name,th.hash,td.hash{text-align:left}
        td.name{white-space:normal;min-width:10em}
        td.name svg{margin-right:6px;vertical-align:middle}
        tr.baseline td{background:#f2f5f9}
        .tag{display:inline-block;font-size:11px;line-height:1.3;border:1px solid #999;border-radius:3px;padding:0 4px;margin-left:4px;color:#555;white-space:nowrap}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
        svg.chart{display:block;width:100%;max-width:100%;height:auto}
        .legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px}
        .legend li{display:flex;align-items:center;gap:6px}
        .small-multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:16px 24px}
        figure.small{margin:0}
        figure.small figcaption{font-weight:600;font-size:13px;margin-bottom:2px}
        footer{margin-top:36px;font-size:13px}
        footer li{margin:3px 0}
        ol.policies li{margin:6px 0}
        @media print{body{max-width:none;margin:0;padding:0}.table-wrap{overflow:visible}table{font-size:9px}th,td{padding:2px 4px}.chart-section,figure.small,tr{break-inside:avoid}h2{break-after:avoid}}
        """;

    /// <summary>Renders the report of <paramref name="outcome"/> as a complete HTML document (UTF-8 text, "\n" line ends).</summary>
    /// <remarks>
    /// Charts need recorded runs (per-row equity, weights and drift); without them the report has the metrics table
    /// and a note instead. Every user-supplied name is HTML-escaped.
    /// </remarks>
    /// <param name="outcome">The backtest.</param>
    /// <param name="analysis">Its statistics (docs/statistics.md): adds the Sharpe-difference p-value column when given.</param>
    public static string Render(BacktestOutcome outcome, BacktestAnalysis? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var sb = new StringBuilder(256 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"Ballast\">\n<title>");
        HtmlText.AppendEscaped(sb, outcome.Spec.Name);
        sb.Append(" – backtest report</title>\n<style>\n").Append(Css.Replace("\r\n", "\n", StringComparison.Ordinal)).Append("\n</style>\n</head>\n<body>\n");
        Header(sb, outcome);
        Metrics(sb, outcome, analysis);
        HtmlCharts.Append(sb, outcome);
        Footer(sb, outcome);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, BacktestOutcome outcome)
    {
        var table = outcome.Table;
        sb.Append("<header>\n<h1>");
        HtmlText.AppendEscaped(sb, outcome.Spec.Name);
        sb.Append("</h1>\n<p class=\"subtitle\">Backtest of rebalancing policies</p>\n<dl class=\"facts\">\n");
        Fact(sb, "Data", outcome.DataSource);
        Fact(sb, "Spec", outcome.Spec.Source);
        var window = table.RowCount == 0
            ? "empty"
            : table.FormatDate(table.Dates[0]) + " .. " + table.FormatDate(table.Dates[^1]) + " (" + HtmlText.Int(table.RowCount) + " rows, "
                + HtmlText.Number(outcome.Baseline.Metrics.Years, "0.#") + " years)";
        Fact(sb, "Window", window);
        Fact(sb, "Periods per year", HtmlText.Int(outcome.PeriodsPerYear) + (outcome.PeriodsInferred ? " (inferred from the dates)" : " (set in the spec)"));
        Fact(sb, "Risk-free rate", HtmlText.Percent(outcome.RiskFree, "0.###") + " a year");
        var added = outcome.BaselineIndex >= outcome.Spec.Policies.Length;
        Fact(sb, "Policies", HtmlText.Int(outcome.Runs.Count) + (added ? ", including buy-and-hold added as the baseline" : ", buy-and-hold baseline: " + outcome.Baseline.Name));
        sb.Append("</dl>\n");
        if (table.Notices.Count > 0)
        {
            sb.Append("<div class=\"notices\" role=\"note\"><strong>Notices</strong>\n<ul>\n");
            foreach (var notice in table.Notices)
            {
                sb.Append("<li>");
                HtmlText.AppendEscaped(sb, notice);
                sb.Append("</li>\n");
            }

            sb.Append("</ul>\n</div>\n");
        }

        sb.Append("</header>\n");
    }

    private static void Fact(StringBuilder sb, string term, string value)
    {
        sb.Append("<dt>").Append(term).Append("</dt><dd>");
        HtmlText.AppendEscaped(sb, value);
        sb.Append("</dd>\n");
    }

    private static void Metrics(StringBuilder sb, BacktestOutcome outcome, BacktestAnalysis? analysis)
    {
        string[] headers =
        [
            "CAGR", "Volatility", "Sharpe", "Sortino", "Max drawdown", "Calmar", "Rebalances", "Turnover / yr (one-way)",
            "Costs paid", "Cost drag (bps / yr)", "Mean abs drift", "Max abs drift", "Rebalancing premium",
            .. analysis?.Policies is null ? Array.Empty<string>() : ["Sharpe vs baseline: p (Ledoit-Wolf)"],
        ];
        var slots = new Dictionary<int, int>();
        if (HtmlCharts.IsRecorded(outcome))
        {
            var shown = HtmlCharts.Select(outcome.Runs.Count, HtmlCharts.MaxSeries, outcome.BaselineIndex);
            for (var slot = 0; slot < shown.Length; slot++)
            {
                slots[shown[slot]] = slot;
            }
        }

        sb.Append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<p class=\"note\">One row per policy over the same window. Percentages are annual where the column says so; – means undefined (for example a ratio with a zero denominator).</p>\n");
        sb.Append("<div class=\"table-wrap\">\n<table>\n<thead><tr><th class=\"name\">Policy</th><th class=\"hash\">Hash</th>");
        foreach (var header in headers)
        {
            sb.Append("<th>").Append(header).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            var run = outcome.Runs[i];
            var m = run.Metrics;
            var baseline = i == outcome.BaselineIndex;
            sb.Append(baseline ? "<tr class=\"baseline\">" : "<tr>").Append("<td class=\"name\">");
            if (slots.TryGetValue(i, out var slot))
            {
                SvgChart.AppendSwatch(sb, HtmlCharts.Color(slot), HtmlCharts.Dash(slot), area: false);
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
            Cell(sb, HtmlText.Percent(m.Cagr));
            Cell(sb, HtmlText.Percent(m.Volatility));
            Cell(sb, HtmlText.Number(m.Sharpe));
            Cell(sb, HtmlText.Number(m.Sortino));
            Cell(sb, HtmlText.Percent(m.MaxDrawdown));
            Cell(sb, HtmlText.Number(m.Calmar));
            Cell(sb, HtmlText.Int(m.Rebalances));
            Cell(sb, HtmlText.Percent(m.TurnoverOneWayAnnual, "0.0"));
            Cell(sb, HtmlText.Number(m.CostsPaid, "#,##0.00"));
            Cell(sb, HtmlText.Number(m.CostDragBpsPerYear, "0.0"));
            Cell(sb, HtmlText.Percent(m.MeanAbsDrift));
            Cell(sb, HtmlText.Percent(m.MaxAbsDrift));
            Cell(sb, HtmlText.SignedPercent(m.RebalancingPremium));
            if (analysis?.Policies is not null)
            {
                Cell(sb, HtmlText.Number(analysis.SharpePValue(i), "0.000"));
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void Cell(StringBuilder sb, string text)
    {
        sb.Append("<td>");
        HtmlText.AppendEscaped(sb, text);
        sb.Append("</td>");
    }

    private static void Footer(StringBuilder sb, BacktestOutcome outcome)
    {
        sb.Append("<footer>\n<h2>How to read this</h2>\n<ul>\n");
        string[] points =
        [
            "CAGR is the compound annual growth rate from the starting capital to the final value after all costs. Volatility, Sharpe and Sortino are annualised with the periods per year above; Sharpe and Sortino measure returns in excess of the risk-free rate.",
            "Max drawdown is the deepest fall from a previous peak; Calmar is CAGR divided by its size. Higher CAGR, Sharpe, Sortino and Calmar are better; a drawdown closer to 0 is better.",
            "Rebalances counts the rows on which a policy traded after the initial investment. Turnover is the one-way traded value as a fraction of the portfolio, per year; cost drag is the costs paid per year in basis points of the portfolio.",
            "Drift is the absolute gap between an asset's weight and its target, in weight points (5% means, say, 65% held against a 60% target). The table gives the mean over all assets and rows and the largest seen.",
            "Rebalancing premium is the policy's CAGR minus buy-and-hold's CAGR over the same window: positive means rebalancing paid for itself after costs.",
            "Charts thin long series to at most " + HtmlText.Int(HtmlCharts.MaxPoints) + " points per line; drawdown keeps the lowest point of each stretch and drift the highest, so extremes stay visible. Hover a line for its policy's name.",
            "A policy's hash is the SHA-256 of its canonical form (universe, weights, trigger, execution, costs, lots; not its name or capital). The same hash means the same rules; with the same data and capital they make the same decisions.",
        ];
        foreach (var point in points)
        {
            sb.Append("<li>");
            HtmlText.AppendEscaped(sb, point);
            sb.Append("</li>\n");
        }

        sb.Append("</ul>\n<h2>Policies</h2>\n<ol class=\"policies\">\n");
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            var run = outcome.Runs[i];
            sb.Append("<li><strong>");
            HtmlText.AppendEscaped(sb, run.Name);
            sb.Append("</strong>");
            if (i == outcome.BaselineIndex)
            {
                sb.Append(" <span class=\"tag\">buy-and-hold baseline</span>");
            }

            sb.Append("<br>");
            var description = HtmlPolicyText.Trigger(run.Policy.Spec.Trigger);
            if (HtmlPolicyText.Execution(run.Policy.Spec.Execution) is { } execution)
            {
                description += "; execution " + execution;
            }

            HtmlText.AppendEscaped(sb, description);
            sb.Append("<br>");
            HtmlText.AppendEscaped(sb, HtmlPolicyText.Targets(run.Policy));
            sb.Append("<br><code>");
            HtmlText.AppendEscaped(sb, run.Hash.ToString());
            sb.Append("</code></li>\n");
        }

        sb.Append("</ol>\n<p class=\"note\">Generated by Ballast from the backtest outcome alone; the file has no scripts and loads nothing from the network.</p>\n</footer>\n");
    }
}
