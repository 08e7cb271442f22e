using System.Text;

namespace Ballast.Io.Reports;

/// <summary>
/// The offline HTML report of a backtest, a tearsheet: one self-contained file (inline CSS, SVG and one small script,
/// no external resources) with the window, a sortable metrics table, equity relative to buy-and-hold, equity with
/// rebalance marks, drawdown, rolling volatility and Sharpe, yearly returns, the return distribution, a tearsheet per
/// leading policy (monthly returns, worst drawdowns, turnover and costs by year, rebalances), allocation and drift
/// charts, a short guide and the policies' content hashes. With many policies every part shows the best by a metric
/// (Sharpe by default) with buy-and-hold, so the size is bounded (docs/report.md). Rendering is deterministic: the same
/// outcome gives the same text.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        :root{color-scheme:light}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;background:#fff;line-height:1.45;max-width:1320px;margin:24px auto;padding:0 16px}
        h1{font-size:1.6em;margin:0 0 2px}
        h2{font-size:1.2em;margin:28px 0 6px;padding-bottom:3px;border-bottom:1px solid #ddd}
        h3{font-size:1em;margin:14px 0 4px}
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
        th{vertical-align:bottom;white-space:nowrap;border-bottom:2px solid #999;font-weight:600}
        table.heat td{padding:3px 6px}
        figure.heatmap{margin:8px 0 16px;overflow-x:auto}
        figure.heatmap figcaption{font-weight:600;font-size:13px;margin-bottom:2px}
        svg.chart.heatmap{width:auto;max-width:100%}
        td.partial{font-style:italic;color:#555}
        span.partial{font-style:italic}
        details.policy{border:1px solid #ddd;border-radius:4px;padding:4px 12px;margin:8px 0}
        details.policy>summary{font-weight:600;cursor:pointer;padding:4px 0}
        details.trades>summary{cursor:pointer;color:#444;font-size:13px}
        td.reason{white-space:normal;min-width:16em;color:#555}
        th.name,td.name,th.hash,td.hash{text-align:left}
        td.name{white-space:normal;min-width:10em}
        td.verdict.yes{color:#1b6e3a;font-weight:600}
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

    /// <summary>Renders the report of <paramref name="outcome"/> with the default options (ranked by Sharpe, 50 table rows).</summary>
    public static string Render(BacktestOutcome outcome) => Render(outcome, new HtmlReportOptions());

    /// <summary>Renders the report of <paramref name="outcome"/> as a complete HTML document (UTF-8 text, "\n" line ends).</summary>
    /// <remarks>
    /// Charts and tearsheets need recorded runs (per-row equity, weights, drift and trades); without them the report
    /// has the metrics table and a note instead. Every user-supplied name is HTML-escaped.
    /// </remarks>
    public static string Render(BacktestOutcome outcome, HtmlReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(options);
        var selection = new HtmlSelection(outcome, options);
        var sb = new StringBuilder(256 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"Ballast\">\n<title>");
        HtmlText.AppendEscaped(sb, outcome.Spec.Name);
        sb.Append(" – backtest report</title>\n<style>\n").Append(Lf(Css)).Append('\n').Append(Lf(HtmlScript.Css)).Append("\n</style>\n</head>\n<body>\n");
        Header(sb, outcome);
        HtmlMetricsTable.Append(sb, outcome, selection, options.Analysis);
        FindingsSection.Append(sb, outcome, options.Analysis);
        var whole = options.Whole ?? new ReportRun(outcome, options.Analysis);
        HtmlTopTable.Append(sb, whole, options);
        HtmlSweepCharts.Append(sb, whole, options);
        HtmlPeriodsTable.Append(sb, whole, options);
        if (HtmlCharts.Days(outcome) is { } x)
        {
            HtmlCharts.Performance(sb, outcome, selection, x);
            HtmlCharts.Rolling(sb, outcome, selection, x);
            HtmlTearsheet.Yearly(sb, outcome, selection, x.Length);
            HtmlTearsheet.Distribution(sb, outcome, selection, x.Length);
            HtmlTearsheet.Policies(sb, outcome, selection, x.Length);
            HtmlCharts.Holdings(sb, outcome, selection, x);
        }
        else
        {
            HtmlCharts.NotRecorded(sb);
        }

        Footer(sb, outcome, selection);
        sb.Append("<script>\n").Append(Lf(HtmlScript.Script)).Append("\n</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Lf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

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

    private static void Footer(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection)
    {
        sb.Append("<footer>\n<h2>How to read this</h2>\n<ul>\n");
        string[] points =
        [
            "CAGR is the compound annual growth rate from the starting capital to the final value after all costs. Volatility, Sharpe and Sortino are annualised with the periods per year above; Sharpe and Sortino measure returns in excess of the risk-free rate.",
            "Max drawdown is the deepest fall from a previous peak; Calmar is CAGR divided by its size. Higher CAGR, Sharpe, Sortino and Calmar are better; a drawdown closer to 0 is better.",
            "Rebalances counts the rows on which a policy traded after the initial investment. Turnover is the one-way traded value as a fraction of the portfolio, per year; cost drag is the costs paid per year in basis points of the portfolio.",
            "Drift is the absolute gap between an asset's weight and its target, in weight points (5% means, say, 65% held against a 60% target). The table gives the mean over all assets and rows and the largest seen.",
            "Rebalancing premium is the policy's CAGR minus the CAGR of its own buy-and-hold twin (same universe, weights and costs) over the same window: positive means rebalancing paid for itself after costs.",
            "Charts thin long series to at most " + HtmlText.Int(HtmlCharts.MaxPoints) + " points per line; drawdown keeps the lowest point of each stretch and drift the highest, so extremes stay visible. Hover a line for its policy's name; click a legend entry (or a line) to highlight that policy in every chart, and click a table header to sort.",
            "With many policies the table lists the best " + HtmlText.Int(selection.Table.Length) + " at most, the charts the best " + HtmlText.Int(HtmlSelection.MaxSeries) + " and the tearsheets and allocation charts the best " + HtmlText.Int(HtmlSelection.MaxDetails) + ", by " + selection.RankBy.Label + ", buy-and-hold always among them; metrics.json has every policy.",
            "A policy's hash is the SHA-256 of its canonical form (universe, weights, trigger, execution, costs, lots; not its name or capital). The same hash means the same rules; with the same data and capital they make the same decisions.",
        ];
        foreach (var point in points)
        {
            sb.Append("<li>");
            HtmlText.AppendEscaped(sb, point);
            sb.Append("</li>\n");
        }

        sb.Append("</ul>\n<h2>Policies</h2>\n");
        HtmlCharts.TruncationNote(sb, selection, selection.Table, "Listing");
        sb.Append("<ol class=\"policies\">\n");
        foreach (var i in selection.Table)
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
            var description = HtmlPolicyText.Trigger(run.Policy);
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

        sb.Append("</ol>\n<p class=\"note\">Generated by Ballast from the backtest outcome alone; the file's one small script (sorting and highlighting) is inline and nothing is loaded from the network.</p>\n</footer>\n");
    }
}
