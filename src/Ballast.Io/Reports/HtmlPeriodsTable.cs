using System.Text;
using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Io.Reports;

/// <summary>
/// The report's sub-period table (<c>--periods</c>; docs/statistics.md, "Sub-period metrics"): for each period, the
/// metrics of the one continuous run of each charted policy over it (the best <see cref="HtmlSelection.MaxSeries"/> by
/// the ranking metric with the baseline; every run's are in metrics.json), sortable.
/// </summary>
internal static class HtmlPeriodsTable
{
    /// <summary>Writes the section (nothing without <c>--periods</c>).</summary>
    public static void Append(StringBuilder sb, ReportRun run, HtmlReportOptions options)
    {
        if (run.Analysis?.Periods is not { } periods)
        {
            return;
        }

        var outcome = run.Outcome;
        var table = outcome.Table;
        var shown = PolicyRanking.Top(outcome.Runs, outcome.BaselineIndex, HtmlSelection.MaxSeries, options.RankBy);
        sb.Append("<section id=\"periods\">\n<h2>Sub-periods</h2>\n<p class=\"note\">Each period is a slice of the one continuous run, not a restart at the targets: its base is the close before the period. ")
            .Append("Grouped by period; click a header to sort.");
        if (shown.Length < outcome.Runs.Count)
        {
            sb.Append(" Showing ").Append(HtmlText.Int(shown.Length)).Append(" of ").Append(HtmlText.Int(outcome.Runs.Count)).Append(" runs (the best by ").Append(HtmlText.Escape(options.RankBy.Label))
                .Append(" with the baseline); metrics.json has every run's.");
        }

        sb.Append("</p>\n<div class=\"table-wrap\">\n<table class=\"sortable periods\">\n<thead><tr><th class=\"name\">Period</th><th class=\"name\">From</th><th class=\"name\">To</th><th class=\"name\">Policy</th>")
            .Append("<th title=\"Return over the period\">Return</th><th title=\"Compound annual growth rate over the period\">CAGR</th><th title=\"Annualised volatility over the period\">Volatility</th>")
            .Append("<th title=\"Annualised Sharpe ratio over the period\">Sharpe</th><th title=\"Deepest fall from a peak within the period\">Max<br>drawdown</th></tr></thead>\n<tbody>\n");
        for (var p = 0; p < periods.Slices.Count; p++)
        {
            var slice = periods.Slices[p];
            foreach (var i in shown)
            {
                var m = slice.Runs[i];
                sb.Append(i == outcome.BaselineIndex ? "<tr class=\"baseline\">" : "<tr>").Append("<td class=\"name\" data-v=\"").Append(HtmlText.Int(p)).Append("\">");
                HtmlText.AppendEscaped(sb, slice.Range.Label);
                sb.Append("</td><td class=\"name\">").Append(table.FormatDate(table.Dates[slice.FirstRow])).Append("</td><td class=\"name\">").Append(table.FormatDate(table.Dates[slice.LastRow]))
                    .Append("</td><td class=\"name\">");
                HtmlText.AppendEscaped(sb, outcome.Runs[i].Name);
                sb.Append("</td>");
                HtmlTearsheet.ValueCell(sb, m.TotalReturn, HtmlText.Percent(m.TotalReturn));
                HtmlTearsheet.ValueCell(sb, m.Cagr, HtmlText.Percent(m.Cagr));
                HtmlTearsheet.ValueCell(sb, m.Volatility, HtmlText.Percent(m.Volatility));
                HtmlTearsheet.ValueCell(sb, m.Sharpe, HtmlText.Number(m.Sharpe));
                HtmlTearsheet.ValueCell(sb, m.MaxDrawdown, HtmlText.Percent(m.MaxDrawdown));
                sb.Append("</tr>\n");
            }
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }
}
