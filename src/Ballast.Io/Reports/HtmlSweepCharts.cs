using System.Globalization;
using System.Text;
using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Io.Reports;

/// <summary>
/// The report of a sweep (docs/report.md): heatmaps of a metric over two sweep parameters and the turnover frontier,
/// server-rendered SVG from every policy's metrics (the whole run, not only the policies whose curves were kept).
/// With more than two parameters there is one heatmap per pair of the first <see cref="MaxHeatmapParameters"/>, each
/// cell the mean over the other parameters' values (and over the spec's policy entries); one parameter gives a strip.
/// </summary>
internal static class HtmlSweepCharts
{
    /// <summary>Heatmaps are drawn for pairs among this many parameters at most (6 heatmaps).</summary>
    public const int MaxHeatmapParameters = 4;

    /// <summary>Most points drawn in the frontier scatter; beyond, the frontier's points and an even thinning of the rest.</summary>
    public const int MaxFrontierPoints = 2000;

    /// <summary>Most cells a side of a heatmap; a parameter with more values is shown in runs of consecutive values.</summary>
    public const int MaxAxisCells = 30;

    private const double LabelWidth = 96;
    private const double HeaderHeight = 64;

    /// <summary>Writes the heatmaps and the frontier (nothing when the run is not a sweep).</summary>
    public static void Append(StringBuilder sb, ReportRun run, HtmlReportOptions options)
    {
        var outcome = run.Outcome;
        if (outcome.Spec.Sweep is not { } sweep)
        {
            return;
        }

        var metric = options.Heatmap ?? RankMetric.Premium;
        var policies = Enumerable.Range(0, outcome.Runs.Count).Where(i => outcome.RoleOf(i) == RunRole.Policy).ToArray();
        var indices = policies.Select(sweep.ValueIndices).ToArray();
        var values = policies.Select(i => metric.Value(outcome.Runs[i].Metrics) is { } v && double.IsFinite(v) ? v : double.NaN).ToArray();
        var count = Math.Min(sweep.Parameters.Length, MaxHeatmapParameters);
        sb.Append("<section id=\"heatmaps\">\n<h2>Sweep: ");
        HtmlText.AppendEscaped(sb, metric.Label);
        sb.Append(" by parameter</h2>\n<p class=\"note\">");
        if (sweep.Parameters.Length == 1)
        {
            sb.Append("One cell per value of the sweep's parameter");
        }
        else if (sweep.Parameters.Length == 2 && sweep.Entries == 1)
        {
            sb.Append("One cell per policy of the sweep");
        }
        else
        {
            sb.Append("One heatmap per pair of parameters").Append(sweep.Parameters.Length > MaxHeatmapParameters ? " among the first " + HtmlText.Int(MaxHeatmapParameters) : string.Empty)
                .Append("; each cell is the <strong>mean</strong> over the other parameters' values").Append(sweep.Entries > 1 ? " and the spec's " + HtmlText.Int(sweep.Entries) + " policy entries" : string.Empty);
        }

        var defined = values.Where(v => !double.IsNaN(v)).ToArray();
        var colours = new HeatScale(defined.Length > 0 ? defined.Min() : 0, defined.Length > 0 ? defined.Max() : 0, metric.HigherIsBetter);
        sb.Append(". Colour: ").Append(colours.Diverging ? "green above 0, red below, deeper further from 0" : "darker green is better (" + (metric.HigherIsBetter ? "higher" : "lower") + ")")
            .Append("; grey: undefined. Cells show their value where there is room; hover a cell for the policies it covers. Choose the metric with <code>--heatmap</code>.");
        if (sweep.Parameters.Take(count).Any(p => p.Values.Length > MaxAxisCells))
        {
            sb.Append(" A parameter with more than ").Append(HtmlText.Int(MaxAxisCells)).Append(" values is shown in ").Append(HtmlText.Int(MaxAxisCells)).Append(" runs of consecutive values, each cell their mean.");
        }

        sb.Append("</p>\n");
        if (count == 1)
        {
            Heatmap(sb, metric, colours, sweep, indices, values, -1, 0);
        }
        else
        {
            for (var p = 0; p < count; p++)
            {
                for (var q = p + 1; q < count; q++)
                {
                    Heatmap(sb, metric, colours, sweep, indices, values, p, q);
                }
            }
        }

        sb.Append("</section>\n");
        Frontier(sb, outcome, metric, policies, values);
    }

    /// <summary>One heatmap: rows are parameter <paramref name="rowParameter"/>'s values (−1: one row), columns <paramref name="columnParameter"/>'s.</summary>
    private static void Heatmap(StringBuilder sb, RankMetric metric, HeatScale colours, Policies.SweepTable sweep, int[][] indices, double[] values, int rowParameter, int columnParameter)
    {
        var rowLabels = rowParameter < 0 ? [string.Empty] : Groups(sweep.Parameters[rowParameter].Values.Select(v => v.Label).ToArray());
        var columnLabels = Groups(sweep.Parameters[columnParameter].Values.Select(v => v.Label).ToArray());
        var rowValues = rowParameter < 0 ? 1 : sweep.Parameters[rowParameter].Values.Length;
        var columnValues = sweep.Parameters[columnParameter].Values.Length;
        var rows = rowLabels.Length;
        var columns = columnLabels.Length;
        var sum = new double[rows, columns];
        var n = new int[rows, columns];
        var min = new double[rows, columns];
        var max = new double[rows, columns];
        for (var k = 0; k < values.Length; k++)
        {
            var r = rowParameter < 0 ? 0 : indices[k][rowParameter] * rows / rowValues;
            var c = indices[k][columnParameter] * columns / columnValues;
            if (double.IsNaN(values[k]))
            {
                continue;
            }

            min[r, c] = n[r, c] == 0 ? values[k] : Math.Min(min[r, c], values[k]);
            max[r, c] = n[r, c] == 0 ? values[k] : Math.Max(max[r, c], values[k]);
            sum[r, c] += values[k];
            n[r, c]++;
        }

        var cellWidth = Math.Clamp(760.0 / columns, 12, 84);
        var cellHeight = rows > 24 ? 14.0 : 26;
        var text = cellWidth >= 46 && cellHeight >= 20;
        var width = LabelWidth + (columns * cellWidth) + 8;
        var height = HeaderHeight + (rows * cellHeight) + 4;
        var rowName = rowParameter < 0 ? metric.Label : sweep.Parameters[rowParameter].Name;
        var columnName = sweep.Parameters[columnParameter].Name;
        sb.Append("<figure class=\"heatmap\"><figcaption>");
        HtmlText.AppendEscaped(sb, rowParameter < 0 ? columnName : rowName + " × " + columnName);
        sb.Append("</figcaption>\n<svg class=\"chart heatmap\" viewBox=\"0 0 ").Append(HtmlText.Coord(width)).Append(' ').Append(HtmlText.Coord(height))
            .Append("\" width=\"").Append(HtmlText.Coord(width)).Append("\" role=\"img\" aria-label=\"");
        HtmlText.AppendEscaped(sb, metric.Label + " by " + (rowParameter < 0 ? columnName : rowName + " and " + columnName));
        sb.Append("\" font-family=\"system-ui,sans-serif\" font-size=\"11\">\n");
        sb.Append("<text x=\"").Append(HtmlText.Coord(LabelWidth)).Append("\" y=\"12\" fill=\"#444\" font-weight=\"600\">");
        HtmlText.AppendEscaped(sb, columnName + " →");
        sb.Append("</text>\n<text x=\"4\" y=\"").Append(HtmlText.Coord(HeaderHeight - 6)).Append("\" fill=\"#444\" font-weight=\"600\">");
        HtmlText.AppendEscaped(sb, rowName + " ↓");
        sb.Append("</text>\n");
        for (var c = 0; c < columns; c++)
        {
            var x = LabelWidth + ((c + 0.5) * cellWidth);
            sb.Append("<text transform=\"translate(").Append(HtmlText.Coord(x)).Append(',').Append(HtmlText.Coord(HeaderHeight - 6)).Append(") rotate(").Append(cellWidth < 40 ? "-60" : "0")
                .Append(")\" text-anchor=\"").Append(cellWidth < 40 ? "start" : "middle").Append("\" fill=\"#333\">");
            HtmlText.AppendEscaped(sb, Short(columnLabels[c], cellWidth < 40 ? 14 : (int)(cellWidth / 6.5)));
            sb.Append("</text>\n");
        }

        for (var r = 0; r < rows; r++)
        {
            var y = HeaderHeight + (r * cellHeight);
            sb.Append("<text x=\"").Append(HtmlText.Coord(LabelWidth - 6)).Append("\" y=\"").Append(HtmlText.Coord(y + (cellHeight / 2) + 4)).Append("\" text-anchor=\"end\" fill=\"#333\">");
            HtmlText.AppendEscaped(sb, Short(rowLabels[r], 14));
            sb.Append("</text>\n");
            for (var c = 0; c < columns; c++)
            {
                var x = LabelWidth + (c * cellWidth);
                var defined = n[r, c] > 0;
                var mean = defined ? sum[r, c] / n[r, c] : double.NaN;
                sb.Append("<rect x=\"").Append(HtmlText.Coord(x)).Append("\" y=\"").Append(HtmlText.Coord(y)).Append("\" width=\"").Append(HtmlText.Coord(cellWidth - 1))
                    .Append("\" height=\"").Append(HtmlText.Coord(cellHeight - 1)).Append("\" fill=\"").Append(defined ? colours.Colour(mean) : "#e0e0e0").Append("\" data-v=\"")
                    .Append(defined ? mean.ToString("R", CultureInfo.InvariantCulture) : string.Empty).Append("\"><title>");
                var where = (rowParameter < 0 ? string.Empty : sweep.Parameters[rowParameter].Name + "=" + rowLabels[r] + ", ") + columnName + "=" + columnLabels[c];
                HtmlText.AppendEscaped(sb, where + ": " + metric.Label + " " + metric.Format(defined ? mean : null)
                    + (n[r, c] > 1 ? " (mean of " + HtmlText.Int(n[r, c]) + " policies, " + metric.Format(min[r, c]) + " .. " + metric.Format(max[r, c]) + ")" : string.Empty));
                sb.Append("</title></rect>\n");
                if (text && defined)
                {
                    sb.Append("<text x=\"").Append(HtmlText.Coord(x + (cellWidth / 2))).Append("\" y=\"").Append(HtmlText.Coord(y + (cellHeight / 2) + 4))
                        .Append("\" text-anchor=\"middle\" fill=\"").Append(colours.Strength(mean) > 0.6 ? "#fff" : "#222").Append("\" pointer-events=\"none\">");
                    HtmlText.AppendEscaped(sb, metric.Format(mean));
                    sb.Append("</text>\n");
                }
            }
        }

        sb.Append("</svg></figure>\n");
    }

    /// <summary>
    /// Annual one-way turnover against the metric for every policy, with the efficient frontier: the policies no other
    /// beats with less or equal turnover.
    /// </summary>
    private static void Frontier(StringBuilder sb, BacktestOutcome outcome, RankMetric metric, int[] policies, double[] values)
    {
        var points = new List<(int Index, double X, double Y)>();
        for (var k = 0; k < policies.Length; k++)
        {
            if (outcome.Runs[policies[k]].Metrics.TurnoverOneWayAnnual is { } x && double.IsFinite(x) && !double.IsNaN(values[k]))
            {
                points.Add((policies[k], x, values[k]));
            }
        }

        sb.Append("<section id=\"frontier\">\n<h2>Turnover frontier</h2>\n");
        if (points.Count == 0)
        {
            sb.Append("<p class=\"note\">No policy has both a turnover and a ").Append(HtmlText.Escape(metric.Label)).Append(".</p>\n</section>\n");
            return;
        }

        var sign = metric.HigherIsBetter ? 1 : -1;
        var sorted = points.OrderBy(p => p.X).ThenByDescending(p => sign * p.Y).ThenBy(p => p.Index).ToList();
        var frontier = new List<(int Index, double X, double Y)>();
        foreach (var p in sorted)
        {
            if (frontier.Count == 0 || sign * p.Y > sign * frontier[^1].Y)
            {
                frontier.Add(p);
            }
        }

        var drawn = Thin(sorted, frontier);
        sb.Append("<p class=\"note\">Each dot is a policy of the sweep: its annual one-way turnover (what it trades, and so what it pays in costs) against its ");
        HtmlText.AppendEscaped(sb, metric.Label);
        sb.Append(". The line joins the efficient ones: no other policy has a better ").Append(HtmlText.Escape(metric.Label)).Append(" with as little turnover (")
            .Append(HtmlText.Int(frontier.Count)).Append(" of ").Append(HtmlText.Int(points.Count)).Append(").");
        if (drawn.Count < points.Count)
        {
            sb.Append(" Drawn: the frontier and an even thinning of the rest, ").Append(HtmlText.Int(drawn.Count)).Append(" dots in all.");
        }

        sb.Append(" Hover a dot for its policy.</p>\n");
        const double Width = 900, Height = 320, Left = 64, Right = 20, Top = 10, Bottom = 40;
        var xr = SvgAxis.Linear(0, points.Max(p => p.X), v => HtmlText.Percent(v, "0.#"));
        var yr = SvgAxis.Linear(points.Min(p => p.Y), points.Max(p => p.Y), v => metric.Format(v));
        double X(double v) => Left + ((v - xr.Min) / (xr.Max - xr.Min) * (Width - Left - Right));
        double Y(double v) => Height - Bottom - ((v - yr.Min) / (yr.Max - yr.Min) * (Height - Top - Bottom));
        sb.Append("<svg class=\"chart frontier\" viewBox=\"0 0 900 320\" role=\"img\" aria-label=\"");
        HtmlText.AppendEscaped(sb, "Annual turnover against " + metric.Label + " with the efficient frontier");
        sb.Append("\" font-family=\"system-ui,sans-serif\" font-size=\"11\">\n");
        foreach (var tick in yr.Ticks)
        {
            var y = HtmlText.Coord(Y(tick.Position));
            sb.Append("<line x1=\"").Append(HtmlText.Coord(Left)).Append("\" y1=\"").Append(y).Append("\" x2=\"").Append(HtmlText.Coord(Width - Right)).Append("\" y2=\"").Append(y).Append("\" stroke=\"#e6e6e6\"/>")
                .Append("<text x=\"").Append(HtmlText.Coord(Left - 6)).Append("\" y=\"").Append(HtmlText.Coord(Y(tick.Position) + 4)).Append("\" text-anchor=\"end\" fill=\"#444\">");
            HtmlText.AppendEscaped(sb, tick.Label);
            sb.Append("</text>\n");
        }

        foreach (var tick in xr.Ticks)
        {
            sb.Append("<text x=\"").Append(HtmlText.Coord(X(tick.Position))).Append("\" y=\"").Append(HtmlText.Coord(Height - Bottom + 16)).Append("\" text-anchor=\"middle\" fill=\"#444\">");
            HtmlText.AppendEscaped(sb, tick.Label);
            sb.Append("</text>\n");
        }

        sb.Append("<text x=\"").Append(HtmlText.Coord((Left + Width - Right) / 2)).Append("\" y=\"").Append(HtmlText.Coord(Height - 4)).Append("\" text-anchor=\"middle\" fill=\"#444\">annual one-way turnover</text>\n");
        sb.Append("<path class=\"frontier-line\" d=\"");
        for (var k = 0; k < frontier.Count; k++)
        {
            sb.Append(k == 0 ? "M" : "L").Append(HtmlText.Coord(X(frontier[k].X))).Append(',').Append(HtmlText.Coord(Y(frontier[k].Y)));
        }

        sb.Append("\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.6\"><title>efficient frontier</title></path>\n");
        var onFrontier = frontier.Select(p => p.Index).ToHashSet();
        foreach (var p in drawn)
        {
            var efficient = onFrontier.Contains(p.Index);
            sb.Append("<circle cx=\"").Append(HtmlText.Coord(X(p.X))).Append("\" cy=\"").Append(HtmlText.Coord(Y(p.Y))).Append("\" r=\"").Append(efficient ? "3.5" : "2.5")
                .Append("\" fill=\"").Append(efficient ? "#1f5fa8" : "#9aa7b8").Append("\" fill-opacity=\"0.85\"><title>");
            HtmlText.AppendEscaped(sb, outcome.Runs[p.Index].Name + ": turnover " + HtmlText.Percent(p.X, "0.0") + ", " + metric.Label + " " + metric.Format(p.Y) + (efficient ? " (efficient)" : string.Empty));
            sb.Append("</title></circle>\n");
        }

        sb.Append("</svg>\n</section>\n");
    }

    /// <summary>Every point when they fit, else the frontier's and an even thinning of the rest, <see cref="MaxFrontierPoints"/> in all.</summary>
    private static List<(int Index, double X, double Y)> Thin(List<(int Index, double X, double Y)> sorted, List<(int Index, double X, double Y)> frontier)
    {
        if (sorted.Count <= MaxFrontierPoints)
        {
            return sorted;
        }

        var onFrontier = frontier.Select(p => p.Index).ToHashSet();
        var rest = sorted.Where(p => !onFrontier.Contains(p.Index)).ToList();
        var room = Math.Max(0, MaxFrontierPoints - frontier.Count);
        var step = (double)rest.Count / Math.Max(room, 1);
        var kept = new List<(int Index, double X, double Y)>(frontier);
        for (var k = 0; k < room && (int)(k * step) < rest.Count; k++)
        {
            kept.Add(rest[(int)(k * step)]);
        }

        return kept;
    }

    /// <summary>
    /// The labels of an axis: one per value, or, beyond <see cref="MaxAxisCells"/> values, one per run of consecutive
    /// values ("0.01..0.05"; value k falls in group k · groups / count), so a heatmap has at most that many cells a side.
    /// </summary>
    private static string[] Groups(string[] labels)
    {
        if (labels.Length <= MaxAxisCells)
        {
            return labels;
        }

        var groups = new string[MaxAxisCells];
        for (var g = 0; g < groups.Length; g++)
        {
            var first = ((g * labels.Length) + MaxAxisCells - 1) / MaxAxisCells;
            var last = ((((g + 1) * labels.Length) + MaxAxisCells - 1) / MaxAxisCells) - 1;
            groups[g] = first == last ? labels[first] : labels[first] + ".." + labels[last];
        }

        return groups;
    }

    private static string Short(string text, int width) => text.Length <= width || width < 2 ? text : string.Concat(text.AsSpan(0, width - 1), "…");
}

/// <summary>
/// The heatmaps' colours: diverging (white to green above 0, to red below, by |v| / max |v|) when the values span 0,
/// else sequential (pale to dark green from the worst value to the best).
/// </summary>
internal readonly record struct HeatScale(double Min, double Max, bool HigherIsBetter)
{
    /// <summary>True when the values have both signs.</summary>
    public bool Diverging => Min < 0 && Max > 0;

    /// <summary>How far the colour is from white, 0 .. 1.</summary>
    public double Strength(double value)
    {
        if (Diverging)
        {
            return Math.Min(Math.Abs(value) / Math.Max(-Min, Max), 1);
        }

        var t = Max > Min ? (value - Min) / (Max - Min) : 1;
        return Math.Clamp(HigherIsBetter ? t : 1 - t, 0, 1);
    }

    /// <summary>The fill of a cell.</summary>
    public string Colour(double value)
    {
        var t = Strength(value);
        var (r, g, b) = !Diverging || value >= 0 ? (0x2e, 0x8b, 0x57) : (0xd9, 0x53, 0x4f);
        static int Mix(int target, double t) => (int)Math.Round(255 + ((target - 255) * (0.08 + (0.92 * t))), MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(r, t):x2}{Mix(g, t):x2}{Mix(b, t):x2}");
    }
}
