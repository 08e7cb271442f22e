using System.Globalization;
using System.Text;
using Ballast.Backtesting;
using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Io.Reports;

/// <summary>
/// The tearsheet tables of the HTML report: yearly returns and the return distribution side by side for the charted
/// policies, and for each policy with a tearsheet section its monthly returns, worst drawdowns, trading by year and
/// rebalance list. The figures come from <see cref="PeriodReturns"/>, <see cref="DrawdownEpisodes"/>,
/// <see cref="TradingByYear"/> and <see cref="ReturnDistribution"/>.
/// </summary>
internal static class HtmlTearsheet
{
    /// <summary>Most rebalances listed per policy (the latest); every trade is in trades.csv.</summary>
    public const int MaxRebalancesListed = 60;

    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Calendar-year returns, one column per charted policy.</summary>
    public static void Yearly(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, int rows)
    {
        var shown = selection.Series;
        var dates = outcome.Table.Dates.AsSpan(0, rows);
        var columns = new IReadOnlyList<PeriodReturn>[shown.Length];
        for (var k = 0; k < shown.Length; k++)
        {
            columns[k] = PeriodReturns.Yearly(dates, outcome.Runs[shown[k]].Equity!.AsSpan(0, rows));
        }

        sb.Append("<section id=\"yearly\">\n<h2>Yearly returns</h2>\n<p class=\"note\">Calendar-year returns from the last close of the previous year to the year's last close. ")
            .Append("<span class=\"partial\">Italic</span> years are partial: the first starts at the window's first close, and the last ends before the year does. Click a header to sort.</p>\n");
        HtmlCharts.TruncationNote(sb, selection, shown, "Showing");
        sb.Append("<div class=\"table-wrap\">\n<table class=\"sortable heat\">\n<thead><tr><th class=\"name\">Year</th>");
        for (var k = 0; k < shown.Length; k++)
        {
            sb.Append("<th data-series=\"").Append(HtmlText.Int(k)).Append("\">");
            HtmlText.AppendEscaped(sb, outcome.Runs[shown[k]].Name);
            sb.Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        var years = columns.Length > 0 ? columns[0] : [];
        for (var y = 0; y < years.Count; y++)
        {
            sb.Append("<tr><td class=\"name\" data-v=\"").Append(HtmlText.Int(years[y].Year)).Append("\">").Append(HtmlText.Int(years[y].Year)).Append("</td>");
            foreach (var column in columns)
            {
                HeatCell(sb, y < column.Count ? column[y] : null, 0.25);
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    /// <summary>Skewness, kurtosis, VaR and CVaR of each charted policy's per-row returns.</summary>
    public static void Distribution(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, int rows)
    {
        var shown = selection.Series;
        sb.Append("<section id=\"distribution\">\n<h2>Return distribution</h2>\n<p class=\"note\">Of the per-row returns (")
            .Append(HtmlText.Int(outcome.PeriodsPerYear)).Append(" a year; not annualised). Skewness and excess kurtosis are the adjusted sample estimators G₁ and G₂ (pandas' skew and kurt; 0 for a normal distribution). ")
            .Append("VaR 95% is the historical 5% quantile of the returns (linear interpolation, numpy's default), a return: on one row in twenty the loss was at least that. CVaR 95% is the mean of the returns at or below it. Formulas in docs/report.md.</p>\n");
        HtmlCharts.TruncationNote(sb, selection, shown, "Showing");
        sb.Append("<div class=\"table-wrap\">\n<table class=\"sortable\">\n<thead><tr><th class=\"name\">Policy</th><th>Returns</th><th>Skewness</th><th>Excess<br>kurtosis</th><th>VaR 95%</th><th>CVaR 95%</th><th>Best</th><th>Worst</th></tr></thead>\n<tbody>\n");
        for (var k = 0; k < shown.Length; k++)
        {
            var run = outcome.Runs[shown[k]];
            var shape = ReturnDistribution.Compute(Ballast.Statistics.ReturnSeries.FromEquity(run.Equity!.AsSpan(0, rows)));
            sb.Append("<tr data-series=\"").Append(HtmlText.Int(k)).Append("\">");
            NameCell(sb, outcome, shown[k], k);
            ValueCell(sb, shape.Count, HtmlText.Int(shape.Count));
            ValueCell(sb, shape.Skewness, HtmlText.Number(shape.Skewness));
            ValueCell(sb, shape.ExcessKurtosis, HtmlText.Number(shape.ExcessKurtosis));
            ValueCell(sb, shape.ValueAtRisk95, HtmlText.Percent(shape.ValueAtRisk95));
            ValueCell(sb, shape.ConditionalValueAtRisk95, HtmlText.Percent(shape.ConditionalValueAtRisk95));
            ValueCell(sb, shape.Best, HtmlText.Percent(shape.Best));
            ValueCell(sb, shape.Worst, HtmlText.Percent(shape.Worst));
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    /// <summary>One tearsheet per detailed policy: monthly returns, worst drawdowns, trading by year, rebalances.</summary>
    public static void Policies(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, int rows)
    {
        var shown = selection.Details;
        sb.Append("<section id=\"tearsheets\">\n<h2>Policy tearsheets</h2>\n<p class=\"note\">Monthly returns, the worst drawdowns, trading by year and the rebalances of each policy. Open a policy to see its sheet.</p>\n");
        HtmlCharts.TruncationNote(sb, selection, shown, "A tearsheet is shown for");
        var dates = outcome.Table.Dates.AsSpan(0, rows);
        for (var k = 0; k < shown.Length; k++)
        {
            var index = shown[k];
            var run = outcome.Runs[index];
            var equity = run.Equity!.AsSpan(0, rows);
            sb.Append(k == 0 ? "<details class=\"policy\" open>\n<summary>" : "<details class=\"policy\">\n<summary>");
            HtmlText.AppendEscaped(sb, run.Name);
            if (index == outcome.BaselineIndex)
            {
                sb.Append(" <span class=\"tag\">buy-and-hold</span>");
            }

            sb.Append("</summary>\n");
            Monthly(sb, dates, equity);
            Drawdowns(sb, dates, equity);
            Trading(sb, dates, equity, run);
            sb.Append("</details>\n");
        }

        sb.Append("</section>\n");
    }

    private static void Monthly(StringBuilder sb, ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> equity)
    {
        var monthly = PeriodReturns.Monthly(dates, equity);
        var yearly = PeriodReturns.Yearly(dates, equity);
        sb.Append("<h3>Monthly returns</h3>\n<div class=\"table-wrap\">\n<table class=\"heat months\">\n<thead><tr><th class=\"name\">Year</th>");
        foreach (var month in MonthNames)
        {
            sb.Append("<th>").Append(month).Append("</th>");
        }

        sb.Append("<th>Year</th></tr></thead>\n<tbody>\n");
        var m = 0;
        foreach (var year in yearly)
        {
            sb.Append("<tr><td class=\"name\">").Append(HtmlText.Int(year.Year)).Append("</td>");
            for (var month = 1; month <= 12; month++)
            {
                PeriodReturn? cell = null;
                while (m < monthly.Count && (monthly[m].Year < year.Year || (monthly[m].Year == year.Year && monthly[m].Month < month)))
                {
                    m++;
                }

                if (m < monthly.Count && monthly[m].Year == year.Year && monthly[m].Month == month)
                {
                    cell = monthly[m];
                }

                HeatCell(sb, cell, 0.08);
            }

            HeatCell(sb, year, 0.25);
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void Drawdowns(StringBuilder sb, ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> equity)
    {
        var worst = DrawdownEpisodes.Worst(dates, equity);
        sb.Append("<h3>Worst drawdowns</h3>\n");
        if (worst.Count == 0)
        {
            sb.Append("<p class=\"note\">NAV never fell below a previous peak.</p>\n");
            return;
        }

        sb.Append("<div class=\"table-wrap\">\n<table class=\"sortable\">\n<thead><tr><th>#</th><th>Depth</th><th class=\"name\">Peak</th><th class=\"name\">Trough</th><th class=\"name\">Recovery</th><th>Rows</th><th>Days</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < worst.Count; i++)
        {
            var e = worst[i];
            sb.Append("<tr>");
            ValueCell(sb, i + 1, HtmlText.Int(i + 1));
            ValueCell(sb, e.Depth, HtmlText.Percent(e.Depth));
            DateCell(sb, e.Start);
            DateCell(sb, e.Trough);
            if (e.Recovery is { } recovery)
            {
                DateCell(sb, recovery);
            }
            else
            {
                sb.Append("<td class=\"name\">not recovered</td>");
            }

            ValueCell(sb, e.LengthRows, HtmlText.Int(e.LengthRows) + (e.Recovery is null ? "+" : string.Empty));
            ValueCell(sb, e.LengthDays, HtmlText.Int(e.LengthDays) + (e.Recovery is null ? "+" : string.Empty));
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n<p class=\"note\">Separate episodes from a peak to the first close back at its level, deepest first; lengths run from the peak to the recovery (or to the window's end, marked +).</p>\n");
    }

    private static void Trading(StringBuilder sb, ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> equity, PolicyRun run)
    {
        var trades = run.Trades ?? [];
        var byYear = TradingByYear.Compute(dates, equity, trades);
        if (byYear.All(y => y.Rebalances == 0))
        {
            sb.Append("<h3>Turnover and costs by year</h3>\n<p class=\"note\">No rebalance after the initial investment: no turnover and no costs.</p>\n");
            return;
        }

        sb.Append("<h3>Turnover and costs by year</h3>\n<div class=\"table-wrap\">\n<table class=\"sortable\">\n<thead><tr><th class=\"name\">Year</th><th>Rebalances</th><th>Turnover<br>(one-way)</th><th>Costs</th><th>Costs<br>(bps of NAV)</th></tr></thead>\n<tbody>\n");
        foreach (var year in byYear)
        {
            sb.Append("<tr><td class=\"name\" data-v=\"").Append(HtmlText.Int(year.Year)).Append("\">").Append(HtmlText.Int(year.Year)).Append("</td>");
            ValueCell(sb, year.Rebalances, HtmlText.Int(year.Rebalances));
            ValueCell(sb, year.TurnoverOneWay, HtmlText.Percent(year.TurnoverOneWay, "0.0"));
            ValueCell(sb, year.Costs, HtmlText.Number(year.Costs, "#,##0.00"));
            ValueCell(sb, year.CostBps, HtmlText.Number(year.CostBps, "0.0"));
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n<p class=\"note\">Turnover is the one-way value traded on each rebalance over the NAV before it, summed over the year (not annualised); the initial investment is not included. The sums over the years divided by the window's years are the table's turnover and cost drag.</p>\n");
        Rebalances(sb, trades);
    }

    private static void Rebalances(StringBuilder sb, IReadOnlyList<TradeRecord> trades)
    {
        // One line per rebalance row (row 0, the initial investment, excluded), the latest ones when there are many.
        var groups = new List<(DateOnly Date, string Reason, int Assets, double Traded, double Cost)>();
        var i = 0;
        while (i < trades.Count)
        {
            var row = trades[i].Row;
            var first = trades[i];
            var assets = 0;
            var traded = 0.0;
            var cost = 0.0;
            for (; i < trades.Count && trades[i].Row == row; i++)
            {
                assets++;
                traded += Math.Abs(trades[i].Value);
                cost += trades[i].Cost;
            }

            if (row > 0)
            {
                groups.Add((first.Date, first.Reason, assets, traded, cost));
            }
        }

        sb.Append("<h3>Rebalances</h3>\n");
        if (groups.Count == 0)
        {
            sb.Append("<p class=\"note\">No rebalance after the initial investment.</p>\n");
            return;
        }

        var from = Math.Max(0, groups.Count - MaxRebalancesListed);
        if (from > 0)
        {
            sb.Append("<p class=\"note\">The latest ").Append(HtmlText.Int(MaxRebalancesListed)).Append(" of ").Append(HtmlText.Int(groups.Count)).Append(" rebalances; every trade is in trades.csv.</p>\n");
        }

        sb.Append("<details class=\"trades\"><summary>").Append(HtmlText.Int(groups.Count - from)).Append(" rebalances</summary>\n<div class=\"table-wrap\">\n<table class=\"sortable\">\n<thead><tr><th class=\"name\">Date</th><th>Assets<br>traded</th><th>Value<br>traded</th><th>Cost</th><th class=\"name\">Reason</th></tr></thead>\n<tbody>\n");
        for (var g = groups.Count - 1; g >= from; g--)
        {
            var (date, reason, assets, traded, cost) = groups[g];
            sb.Append("<tr>");
            DateCell(sb, date);
            ValueCell(sb, assets, HtmlText.Int(assets));
            ValueCell(sb, traded, HtmlText.Number(traded, "#,##0"));
            ValueCell(sb, cost, HtmlText.Number(cost, "#,##0.00"));
            sb.Append("<td class=\"name reason\">");
            HtmlText.AppendEscaped(sb, reason);
            sb.Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</details>\n");
    }

    /// <summary>A policy name cell with its series swatch.</summary>
    private static void NameCell(StringBuilder sb, BacktestOutcome outcome, int index, int slot)
    {
        sb.Append("<td class=\"name\">");
        SvgChart.AppendSwatch(sb, HtmlCharts.Color(slot), HtmlCharts.Dash(slot), area: false);
        HtmlText.AppendEscaped(sb, outcome.Runs[index].Name);
        if (index == outcome.BaselineIndex)
        {
            sb.Append(" <span class=\"tag\">buy-and-hold</span>");
        }

        sb.Append("</td>");
    }

    /// <summary>A right-aligned cell whose sort key (data-v) is the unformatted value (none when undefined).</summary>
    public static void ValueCell(StringBuilder sb, double? value, string text)
    {
        sb.Append(value is { } v && double.IsFinite(v) ? "<td data-v=\"" + v.ToString("R", CultureInfo.InvariantCulture) + "\">" : "<td>");
        HtmlText.AppendEscaped(sb, text);
        sb.Append("</td>");
    }

    private static void DateCell(StringBuilder sb, DateOnly date) =>
        sb.Append("<td class=\"name\">").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td>");

    /// <summary>A return cell tinted green (gain) or red (loss), full colour at <paramref name="scale"/>; empty when there is no return.</summary>
    private static void HeatCell(StringBuilder sb, PeriodReturn? period, double scale)
    {
        if (period is null || !double.IsFinite(period.Return))
        {
            sb.Append("<td></td>");
            return;
        }

        var r = period.Return;
        var strength = Math.Min(Math.Abs(r) / scale, 1);
        // White to #2e8b57 (gain) or #d9534f (loss).
        var (tr, tg, tb) = r >= 0 ? (0x2e, 0x8b, 0x57) : (0xd9, 0x53, 0x4f);
        static int Mix(int target, double t) => (int)Math.Round(255 + ((target - 255) * t * 0.6), MidpointRounding.AwayFromZero);
        var color = string.Create(CultureInfo.InvariantCulture, $"#{Mix(tr, strength):x2}{Mix(tg, strength):x2}{Mix(tb, strength):x2}");
        sb.Append("<td data-v=\"").Append(r.ToString("R", CultureInfo.InvariantCulture)).Append("\" style=\"background:").Append(color).Append('"');
        if (period.Partial)
        {
            sb.Append(" class=\"partial\" title=\"partial: ").Append(period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(" .. ").Append(period.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('"');
        }

        sb.Append('>').Append(HtmlText.Percent(r, "0.0")).Append("</td>");
    }
}
