using System.Text;
using Ballast.Backtesting;
using Ballast.Io.Reports.Tearsheet;
using Ballast.Policies;

namespace Ballast.Io.Reports;

/// <summary>
/// The chart sections of the HTML report: equity relative to buy-and-hold, equity with rebalance marks, drawdown,
/// rolling volatility and Sharpe, allocation, risk contributions and drift. Every line of one policy carries the same
/// series number (data-series), so the report's script can highlight it in every chart at once.
/// </summary>
internal static class HtmlCharts
{
    /// <summary>Most policies drawn in one chart (the palette has this many colours).</summary>
    public const int MaxSeries = HtmlSelection.MaxSeries;

    /// <summary>Most points per series in the full-width charts.</summary>
    public const int MaxPoints = 800;

    /// <summary>Most points per series in the small allocation charts.</summary>
    public const int MaxSmallPoints = 400;

    private const string CashColor = "#d9d9d9";

    /// <summary>Twelve colours that stay apart on screen and on paper (series 7-12 are also dashed).</summary>
    private static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
    ];

    /// <summary>Whether every run kept its per-row series (charts need them).</summary>
    public static bool IsRecorded(BacktestOutcome outcome) =>
        outcome.Runs.All(r => r.Equity is not null && r.Weights is not null && r.MaxDrift is not null);

    /// <summary>The colour of the <paramref name="slot"/>-th series of a chart.</summary>
    public static string Color(int slot)
    {
        if (slot < Palette.Length)
        {
            return Palette[slot];
        }

        // Beyond the palette: hues spread by the golden angle, so every asset of a large universe gets its own
        // colour (deterministically), at a saturation and lightness that read on white.
        var hue = ((slot - Palette.Length) * 137.508) % 360;
        var (r, g, b) = Hsl(hue, 0.55, 0.48);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    private static (int R, int G, int B) Hsl(double hue, double saturation, double lightness)
    {
        var c = (1 - Math.Abs((2 * lightness) - 1)) * saturation;
        var x = c * (1 - Math.Abs((hue / 60 % 2) - 1));
        var m = lightness - (c / 2);
        var (r, g, b) = hue switch
        {
            < 60 => (c, x, 0.0),
            < 120 => (x, c, 0.0),
            < 180 => (0.0, c, x),
            < 240 => (0.0, x, c),
            < 300 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        static int Byte(double v) => (int)Math.Floor((v * 255) + 0.5);
        return (Byte(r + m), Byte(g + m), Byte(b + m));
    }

    /// <summary>The dash pattern of the <paramref name="slot"/>-th series (null = solid).</summary>
    public static string? Dash(int slot) => slot % MaxSeries >= 6 ? "7 3" : null;

    /// <summary>The day numbers of the rows every chart can draw (the x axis), or null when the runs were not recorded.</summary>
    public static double[]? Days(BacktestOutcome outcome)
    {
        if (!IsRecorded(outcome))
        {
            return null;
        }

        var rows = RowCount(outcome);
        var x = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            x[r] = outcome.Table.Dates[r].DayNumber;
        }

        return x;
    }

    /// <summary>The note written instead of the charts when the runs were not recorded.</summary>
    public static void NotRecorded(StringBuilder sb) =>
        sb.Append("<section id=\"charts\">\n<h2>Charts</h2>\n<p class=\"note\">Charts need a recorded run: this backtest kept only the metrics, not the per-row equity, weights and drift. Run it again with recording on to get the charts.</p>\n</section>\n");

    /// <summary>Equity relative to buy-and-hold, equity with rebalance marks, and drawdown.</summary>
    public static void Performance(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        Relative(sb, outcome, selection, x);
        Equity(sb, outcome, selection, x);
        Drawdown(sb, outcome, selection, x);
    }

    /// <summary>Allocation, risk contributions and drift.</summary>
    public static void Holdings(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        Allocation(sb, outcome, selection, x);
        RiskContributions(sb, outcome, selection, x);
        Drift(sb, outcome, selection, x);
    }

    /// <summary>Rolling volatility and Sharpe over one year of periods.</summary>
    public static void Rolling(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Series;
        var volatility = new List<SvgLine>(shown.Length);
        var sharpe = new List<SvgLine>(shown.Length);
        var window = outcome.PeriodsPerYear;
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            var rolling = RollingStatistics.Compute(run.Equity!.AsSpan(0, x.Length), outcome.PeriodsPerYear, outcome.RiskFree, Math.Max(window, 2));
            window = rolling.Window;
            volatility.Add(Line(run, slot, x, rolling.Volatility, SvgDownsample.Rows(x.Length, MaxPoints)));
            sharpe.Add(Line(run, slot, x, rolling.Sharpe, SvgDownsample.Rows(x.Length, MaxPoints)));
        }

        Open(sb, "rolling", "Rolling volatility and Sharpe", "Each point is measured over the " + HtmlText.Int(window) + " returns up to that row (one year of periods), with the formulas of the metrics table: volatility annualised with √P, Sharpe in excess of the risk-free rate. The lines start once a full window is available.");
        TruncationNote(sb, selection, shown, "Showing");
        if (x.Length <= window)
        {
            sb.Append("<p class=\"note\">The window has ").Append(HtmlText.Int(x.Length)).Append(" rows, too few for a rolling year.</p>\n</section>\n");
            return;
        }

        sb.Append("<h3>Volatility</h3>\n");
        SvgChart.Lines(sb, new SvgChartOptions { Label = "Rolling one-year volatility", FormatY = v => HtmlText.Percent(v, "0.#"), IncludeY = 0, Height = 220 }, volatility);
        sb.Append("<h3>Sharpe ratio</h3>\n");
        SvgChart.Lines(sb, new SvgChartOptions { Label = "Rolling one-year Sharpe ratio", FormatY = v => HtmlText.Number(v, "0.#"), ReferenceY = 0, Height = 220 }, sharpe);
        LineLegend(sb, outcome, selection);
        sb.Append("</section>\n");
    }

    private static void Relative(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Series;
        var baseline = outcome.Baseline.Equity!.AsSpan(0, x.Length);
        var lines = new List<SvgLine>(shown.Length);
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            var ratio = RelativeEquity.Compute(run.Equity!.AsSpan(0, x.Length), baseline);
            lines.Add(Line(run, slot, x, ratio, SvgDownsample.Rows(x.Length, MaxPoints)));
        }

        Open(sb, "relative", "Equity relative to buy-and-hold", "Each policy's growth divided by buy-and-hold's since the first row: above 1 the policy is ahead. A rising line is rebalancing paying (after costs), a falling one costing; buy-and-hold itself is the flat line at 1.");
        TruncationNote(sb, selection, shown, "Showing");
        SvgChart.Lines(sb, new SvgChartOptions { Label = "Equity relative to buy-and-hold", FormatY = v => HtmlText.Number(v, "0.###") + "×", ReferenceY = 1 }, lines);
        LineLegend(sb, outcome, selection);
        sb.Append("</section>\n");
    }

    /// <summary>Stacked risk contributions over time for the risk-based policies, with their budgets as guides.</summary>
    private static void RiskContributions(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var all = outcome.Runs.Where(r => r.RiskContributions is not null).ToArray();
        if (all.Length > HtmlSelection.MaxDetails)
        {
            all = [.. PolicyRanking.Order(outcome.Runs, selection.RankBy).Select(i => outcome.Runs[i]).Where(r => r.RiskContributions is not null)];
        }

        var runs = all.Take(HtmlSelection.MaxDetails).ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        var assetOrder = outcome.Spec.AllSeries();
        Open(sb, "risk", "Risk contributions", "Each asset's share of portfolio risk after each row's trades, RCᵢ = wᵢ(Σw)ᵢ / w'Σw with the covariance estimated at the policy's last rebalance, stacked in universe order; dashed lines are the cumulative risk budgets. A negative contribution (an asset that hedges the rest) is drawn as zero.");
        if (all.Length > runs.Length)
        {
            sb.Append("<p class=\"note\">Shown for the best ").Append(HtmlText.Int(runs.Length)).Append(" by ").Append(selection.RankBy.Label).Append(" of ").Append(HtmlText.Int(all.Length)).Append(" risk-based policies; the per-row weights of every policy are in weights.csv.</p>\n");
        }

        sb.Append("<div class=\"small-multiples\">\n");
        var rows = SvgDownsample.Rows(x.Length, MaxSmallPoints);
        var xs = rows.Select(r => x[r]).ToArray();
        foreach (var run in runs)
        {
            var names = run.Policy.Names;
            var n = names.Count;
            var layers = new List<SvgLayer>(n);
            for (var a = 0; a < n; a++)
            {
                var y = new double[rows.Length];
                for (var j = 0; j < rows.Length; j++)
                {
                    var value = run.RiskContributions![(rows[j] * n) + a];
                    y[j] = double.IsFinite(value) ? Math.Max(0, value) : 0;
                }

                layers.Add(new SvgLayer(names[a], AssetColor(assetOrder, names[a], a), y));
            }

            var guides = new List<double>(n);
            if (run.Policy.Spec.Weights is RiskWeights { Scheme: RiskScheme.RiskParity or RiskScheme.RiskBudget } risk)
            {
                var cumulative = 0.0;
                for (var a = 0; a < n - 1; a++)
                {
                    cumulative += risk.Scheme == RiskScheme.RiskBudget ? risk.Budgets[a] : 1.0 / n;
                    guides.Add(cumulative);
                }
            }

            sb.Append("<figure class=\"small\">\n<figcaption>");
            HtmlText.AppendEscaped(sb, run.Name);
            sb.Append("</figcaption>\n");
            var options = new SvgChartOptions { Label = "Risk contributions over time: " + run.Name, FormatY = v => HtmlText.Percent(v, "0"), Width = 440, Height = 200 };
            SvgChart.StackedAreas(sb, options, xs, layers, guides);
            AreaLegend(sb, layers);
        }

        sb.Append("</div>\n</section>\n");
    }

    private static int RowCount(BacktestOutcome outcome)
    {
        var rows = outcome.Table.RowCount;
        foreach (var run in outcome.Runs)
        {
            rows = Math.Min(rows, Math.Min(run.Equity!.Length, run.MaxDrift!.Length));
            var n = run.Policy.Names.Count;
            if (n > 0)
            {
                rows = Math.Min(rows, run.Weights!.Length / n);
            }
        }

        return rows;
    }

    private static void Equity(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Series;
        var lines = new List<SvgLine>(shown.Length);
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            var capital = run.Policy.Spec.Capital;
            var growth = new double[x.Length];
            for (var r = 0; r < x.Length; r++)
            {
                growth[r] = run.Equity![r] / capital;
            }

            lines.Add(Line(run, slot, x, growth, SvgDownsample.Rows(x.Length, MaxPoints)) with { Marks = RebalanceDays(run, x) is { Length: > 0 } marks ? marks : null });
        }

        Open(sb, "equity", "Equity", "Value of one unit of starting capital after all costs, on a log scale: equal slopes are equal growth rates. The strip under the dates marks the rebalances (rows after the first on which a policy traded), one row of ticks in its colour for each policy that rebalanced.");
        TruncationNote(sb, selection, shown, "Showing");
        SvgChart.Lines(sb, new SvgChartOptions { Label = "Equity curves, log scale, with rebalance marks", FormatY = v => HtmlText.Number(v, "0.###") + "×", LogScale = true }, lines);
        LineLegend(sb, outcome, selection);
        sb.Append("</section>\n");
    }

    /// <summary>The days of a run's rebalances: rows after the first with at least one trade.</summary>
    private static double[] RebalanceDays(PolicyRun run, double[] x)
    {
        var days = new List<double>();
        var last = 0;
        foreach (var trade in run.Trades ?? [])
        {
            if (trade.Row > last && trade.Row < x.Length)
            {
                days.Add(x[trade.Row]);
                last = trade.Row;
            }
        }

        return [.. days];
    }

    private static void Drawdown(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Series;
        var lines = new List<SvgLine>(shown.Length);
        var worst = 0.0;
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            var drawdown = new double[x.Length];
            var peak = double.NegativeInfinity;
            for (var r = 0; r < x.Length; r++)
            {
                var nav = run.Equity![r];
                peak = Math.Max(peak, nav);
                drawdown[r] = peak > 0 ? (nav / peak) - 1 : double.NaN;
                worst = Math.Min(worst, double.IsNaN(drawdown[r]) ? 0 : drawdown[r]);
            }

            lines.Add(Line(run, slot, x, drawdown, SvgDownsample.Rows(drawdown, MaxPoints, SvgBucket.Min)));
        }

        Open(sb, "drawdown", "Drawdown", "Decline from the running peak of equity; the lowest point of each line is that policy's maximum drawdown. The worst episodes of each policy are listed in its tearsheet below.");
        TruncationNote(sb, selection, shown, "Showing");
        var options = new SvgChartOptions { Label = "Drawdown curves", FormatY = v => HtmlText.Percent(v, "0.#"), IncludeY = worst < 0 ? 0 : -0.01 };
        SvgChart.Lines(sb, options, lines);
        LineLegend(sb, outcome, selection);
        sb.Append("</section>\n");
    }

    private static void Drift(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Series;
        var lines = new List<SvgLine>(shown.Length);
        var largest = 0.0;
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            var drift = run.MaxDrift!.AsSpan(0, x.Length);
            foreach (var d in drift)
            {
                largest = double.IsFinite(d) ? Math.Max(largest, d) : largest;
            }

            lines.Add(Line(run, slot, x, drift.ToArray(), SvgDownsample.Rows(drift, MaxPoints, SvgBucket.Max)));
        }

        Open(sb, "drift", "Drift", "Largest absolute gap between any asset's weight and its target at each close, before that row's trades. Drops mark rebalances.");
        TruncationNote(sb, selection, shown, "Showing");
        var options = new SvgChartOptions { Label = "Maximum absolute drift from target", FormatY = v => HtmlText.Percent(v, "0.##"), IncludeY = largest > 0 ? 0 : 0.01 };
        SvgChart.Lines(sb, options, lines);
        LineLegend(sb, outcome, selection);
        sb.Append("</section>\n");
    }

    private static void Allocation(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection, double[] x)
    {
        var shown = selection.Details;
        var assetOrder = outcome.Spec.AllSeries();
        Open(sb, "allocation", "Allocation", "Weight of each asset after each row's trades, stacked from the bottom in universe order; dashed lines are the cumulative targets. Grey on top is uninvested cash.");
        TruncationNote(sb, selection, shown, "An allocation chart is shown for");
        sb.Append("<div class=\"small-multiples\">\n");
        var rows = SvgDownsample.Rows(x.Length, MaxSmallPoints);
        var xs = new double[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            xs[j] = x[rows[j]];
        }

        foreach (var index in shown)
        {
            var run = outcome.Runs[index];
            var names = run.Policy.Names;
            var n = names.Count;
            var layers = new List<SvgLayer>(n + 1);
            var sums = new double[rows.Length];
            for (var a = 0; a < n; a++)
            {
                var y = new double[rows.Length];
                for (var j = 0; j < rows.Length; j++)
                {
                    y[j] = run.Weights![(rows[j] * n) + a];
                    sums[j] += double.IsFinite(y[j]) && y[j] > 0 ? y[j] : 0;
                }

                layers.Add(new SvgLayer(names[a], AssetColor(assetOrder, names[a], a), y));
            }

            var cash = new double[rows.Length];
            var anyCash = false;
            for (var j = 0; j < rows.Length; j++)
            {
                cash[j] = Math.Max(0, 1 - sums[j]);
                anyCash |= cash[j] > 5e-4;
            }

            if (anyCash)
            {
                layers.Add(new SvgLayer("cash", CashColor, cash));
            }

            var guides = new List<double>(n);
            var cumulative = 0.0;
            var targets = run.Policy.IsRiskBased ? [] : run.Policy.Targets;
            for (var a = 0; a < targets.Length - 1; a++)
            {
                cumulative += targets[a];
                guides.Add(cumulative);
            }

            sb.Append("<figure class=\"small\">\n<figcaption>");
            HtmlText.AppendEscaped(sb, run.Name);
            if (index == outcome.BaselineIndex)
            {
                sb.Append(" <span class=\"tag\">buy-and-hold</span>");
            }

            sb.Append("</figcaption>\n");
            var options = new SvgChartOptions { Label = "Allocation over time: " + run.Name, FormatY = v => HtmlText.Percent(v, "0"), Width = 440, Height = 200 };
            SvgChart.StackedAreas(sb, options, xs, layers, guides);
            AreaLegend(sb, layers);
        }

        sb.Append("</div>\n</section>\n");
    }

    private static void AreaLegend(StringBuilder sb, IEnumerable<SvgLayer> layers)
    {
        sb.Append("<ul class=\"legend\">");
        foreach (var layer in layers)
        {
            sb.Append("<li>");
            SvgChart.AppendSwatch(sb, layer.Color, null, area: true);
            HtmlText.AppendEscaped(sb, layer.Name);
            sb.Append("</li>");
        }

        sb.Append("</ul>\n</figure>\n");
    }

    private static string AssetColor(IReadOnlyList<string> order, string name, int fallback)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (string.Equals(order[i], name, StringComparison.Ordinal))
            {
                return Color(i);
            }
        }

        return Color(fallback);
    }

    private static SvgLine Line(PolicyRun run, int slot, double[] x, double[] y, int[] rows)
    {
        var xs = new double[rows.Length];
        var ys = new double[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            xs[j] = x[rows[j]];
            ys[j] = y[rows[j]];
        }

        return new SvgLine(run.Name, Color(slot), Dash(slot), xs, ys) { Series = slot };
    }

    private static void Open(StringBuilder sb, string id, string title, string explanation)
    {
        sb.Append("<section id=\"").Append(id).Append("\" class=\"chart-section\">\n<h2>").Append(title).Append("</h2>\n<p class=\"note\">");
        HtmlText.AppendEscaped(sb, explanation);
        sb.Append("</p>\n");
    }

    /// <summary>Says which policies a part shows when it cannot show them all.</summary>
    public static void TruncationNote(StringBuilder sb, HtmlSelection selection, int[] shown, string lead)
    {
        if (shown.Length >= selection.Count)
        {
            return;
        }

        sb.Append("<p class=\"note\">").Append(lead).Append(' ').Append(HtmlText.Int(shown.Length)).Append(" of ").Append(HtmlText.Int(selection.Count)).Append(" policies: ")
            .Append(selection.Describe(shown)).Append(". Every policy's metrics are in metrics.json.</p>\n");
    }

    /// <summary>The legend of the line charts; click (or Enter on) an entry to highlight that policy everywhere.</summary>
    public static void LineLegend(StringBuilder sb, BacktestOutcome outcome, HtmlSelection selection)
    {
        var shown = selection.Series;
        sb.Append("<ul class=\"legend lines\">");
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            sb.Append("<li data-series=\"").Append(HtmlText.Int(slot)).Append("\" tabindex=\"0\" role=\"button\" aria-pressed=\"false\" title=\"Highlight this policy in every chart (click again to clear)\">");
            SvgChart.AppendSwatch(sb, Color(slot), Dash(slot), area: false);
            HtmlText.AppendEscaped(sb, run.Name);
            if (shown[slot] == outcome.BaselineIndex)
            {
                sb.Append(" <span class=\"tag\">buy-and-hold</span>");
            }

            sb.Append("</li>");
        }

        sb.Append("</ul>\n");
    }
}
