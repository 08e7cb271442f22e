using System.Text;
using Ballast.Backtesting;
using Ballast.Policies;

namespace Ballast.Io.Reports;

/// <summary>The chart sections of the HTML report: equity, drawdown, allocation and drift.</summary>
internal static class HtmlCharts
{
    /// <summary>Most policies drawn in one chart (the palette has this many colours).</summary>
    public const int MaxSeries = 12;

    /// <summary>Most policies that get an allocation chart.</summary>
    public const int MaxAllocationCharts = 6;

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

    /// <summary>
    /// Which runs a chart with room for <paramref name="limit"/> series shows: all of them, or the first ones with
    /// buy-and-hold always among them (it is the reference every other line is compared with).
    /// </summary>
    public static int[] Select(int count, int limit, int baseline)
    {
        if (count <= limit)
        {
            return [.. Enumerable.Range(0, count)];
        }

        return baseline >= limit ? [.. Enumerable.Range(0, limit - 1), baseline] : [.. Enumerable.Range(0, limit)];
    }

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

    /// <summary>Writes every chart section, or a note when the runs were not recorded.</summary>
    public static void Append(StringBuilder sb, BacktestOutcome outcome)
    {
        if (!IsRecorded(outcome))
        {
            sb.Append("<section id=\"charts\">\n<h2>Charts</h2>\n<p class=\"note\">Charts need a recorded run: this backtest kept only the metrics, not the per-row equity, weights and drift. Run it again with recording on to get the charts.</p>\n</section>\n");
            return;
        }

        var shown = Select(outcome.Runs.Count, MaxSeries, outcome.BaselineIndex);
        var rows = RowCount(outcome);
        var x = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            x[r] = outcome.Table.Dates[r].DayNumber;
        }

        Equity(sb, outcome, shown, x);
        Drawdown(sb, outcome, shown, x);
        Allocation(sb, outcome, x);
        RiskContributions(sb, outcome, x);
        Drift(sb, outcome, shown, x);
    }

    /// <summary>Stacked risk contributions over time for the risk-based policies, with their budgets as guides.</summary>
    private static void RiskContributions(StringBuilder sb, BacktestOutcome outcome, double[] x)
    {
        var all = outcome.Runs.Where(r => r.RiskContributions is not null).ToArray();
        var runs = all.Take(MaxAllocationCharts).ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        var assetOrder = outcome.Spec.AllSeries();
        Open(sb, "risk", "Risk contributions", "Each asset's share of portfolio risk after each row's trades, RCᵢ = wᵢ(Σw)ᵢ / w'Σw with the covariance estimated at the policy's last rebalance, stacked in universe order; dashed lines are the cumulative risk budgets. A negative contribution (an asset that hedges the rest) is drawn as zero.");
        if (all.Length > runs.Length)
        {
            sb.Append("<p class=\"note\">Shown for the first ").Append(HtmlText.Int(runs.Length)).Append(" of ").Append(HtmlText.Int(all.Length)).Append(" risk-based policies; the per-row weights of every policy are in weights.csv.</p>\n");
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

    private static void Equity(StringBuilder sb, BacktestOutcome outcome, int[] shown, double[] x)
    {
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

            lines.Add(Line(run, slot, x, growth, SvgDownsample.Rows(x.Length, MaxPoints)));
        }

        Open(sb, "equity", "Equity", "Value of one unit of starting capital after all costs, on a log scale: equal slopes are equal growth rates.");
        TruncationNote(sb, outcome, shown.Length, "Showing");
        SvgChart.Lines(sb, new SvgChartOptions { Label = "Equity curves, log scale", FormatY = v => HtmlText.Number(v, "0.###") + "×", LogScale = true }, lines);
        LineLegend(sb, outcome, shown);
        sb.Append("</section>\n");
    }

    private static void Drawdown(StringBuilder sb, BacktestOutcome outcome, int[] shown, double[] x)
    {
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

        Open(sb, "drawdown", "Drawdown", "Decline from the running peak of equity; the lowest point of each line is that policy's maximum drawdown.");
        TruncationNote(sb, outcome, shown.Length, "Showing");
        var options = new SvgChartOptions { Label = "Drawdown curves", FormatY = v => HtmlText.Percent(v, "0.#"), IncludeY = worst < 0 ? 0 : -0.01 };
        SvgChart.Lines(sb, options, lines);
        LineLegend(sb, outcome, shown);
        sb.Append("</section>\n");
    }

    private static void Drift(StringBuilder sb, BacktestOutcome outcome, int[] shown, double[] x)
    {
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
        TruncationNote(sb, outcome, shown.Length, "Showing");
        var options = new SvgChartOptions { Label = "Maximum absolute drift from target", FormatY = v => HtmlText.Percent(v, "0.##"), IncludeY = largest > 0 ? 0 : 0.01 };
        SvgChart.Lines(sb, options, lines);
        LineLegend(sb, outcome, shown);
        sb.Append("</section>\n");
    }

    private static void Allocation(StringBuilder sb, BacktestOutcome outcome, double[] x)
    {
        var shown = Select(outcome.Runs.Count, MaxAllocationCharts, outcome.BaselineIndex);
        var assetOrder = outcome.Spec.AllSeries();
        Open(sb, "allocation", "Allocation", "Weight of each asset after each row's trades, stacked from the bottom in universe order; dashed lines are the cumulative targets. Grey on top is uninvested cash.");
        TruncationNote(sb, outcome, shown.Length, "An allocation chart is shown for");
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

        return new SvgLine(run.Name, Color(slot), Dash(slot), xs, ys);
    }

    private static void Open(StringBuilder sb, string id, string title, string explanation)
    {
        sb.Append("<section id=\"").Append(id).Append("\" class=\"chart-section\">\n<h2>").Append(title).Append("</h2>\n<p class=\"note\">");
        HtmlText.AppendEscaped(sb, explanation);
        sb.Append("</p>\n");
    }

    private static void TruncationNote(StringBuilder sb, BacktestOutcome outcome, int shown, string lead)
    {
        if (shown >= outcome.Runs.Count)
        {
            return;
        }

        sb.Append("<p class=\"note\">").Append(lead).Append(' ').Append(HtmlText.Int(shown)).Append(" of ").Append(HtmlText.Int(outcome.Runs.Count)).Append(" policies: ")
            .Append(outcome.BaselineIndex >= shown ? "the first " + HtmlText.Int(shown - 1) + " and buy-and-hold" : "the first " + HtmlText.Int(shown))
            .Append(". The metrics table lists every policy.</p>\n");
    }

    private static void LineLegend(StringBuilder sb, BacktestOutcome outcome, int[] shown)
    {
        sb.Append("<ul class=\"legend\">");
        for (var slot = 0; slot < shown.Length; slot++)
        {
            var run = outcome.Runs[shown[slot]];
            sb.Append("<li>");
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
