using System.Text;

namespace Ballast.Io.Reports;

/// <summary>One line of a line chart: x in day numbers, y in data units (NaN, or ≤ 0 on a log axis, breaks the line).</summary>
internal sealed record SvgLine(string Name, string Color, string? Dash, double[] X, double[] Y)
{
    /// <summary>The series number shared by this policy's lines in every chart (data-series, for highlighting); null for none.</summary>
    public int? Series { get; init; }

    /// <summary>Days to mark on a strip under the plot (e.g. the policy's rebalances); null for no strip row.</summary>
    public double[]? Marks { get; init; }
}

/// <summary>One layer of a stacked area chart: its thickness at each x (negative values count as zero).</summary>
internal sealed record SvgLayer(string Name, string Color, double[] Y);

/// <summary>Size, scale and labelling of one chart.</summary>
internal sealed record SvgChartOptions
{
    /// <summary>What the chart shows, for screen readers (aria-label).</summary>
    public required string Label { get; init; }

    /// <summary>Formats a y value for a tick label.</summary>
    public required Func<double, string> FormatY { get; init; }

    public int Width { get; init; } = 900;

    public int Height { get; init; } = 300;

    /// <summary>Logarithmic y axis (values must be positive).</summary>
    public bool LogScale { get; init; }

    /// <summary>A value the y domain must include even if no data reaches it (e.g. 0 for drawdowns).</summary>
    public double? IncludeY { get; init; }

    /// <summary>A horizontal reference line (e.g. 1 for a ratio, 0 for a Sharpe ratio); null for none.</summary>
    public double? ReferenceY { get; init; }

    /// <summary>Pixels under the date labels kept for the marks strip (part of <see cref="Height"/>).</summary>
    internal int StripHeight { get; init; }
}

/// <summary>
/// A small, dependency-free SVG chart writer: line charts and stacked area charts over dates, with grid lines,
/// value ticks on the left and date ticks below. Output is deterministic (invariant numbers, one decimal).
/// Legends are written by the caller as HTML next to the chart (they wrap long names; see <see cref="AppendSwatch"/>).
/// </summary>
internal static class SvgChart
{
    private const double Left = 58;
    private const double Right = 26;
    private const double Top = 10;
    private const double Bottom = 24;
    private const int StripTop = 8;
    private const int StripRow = 7;

    /// <summary>Writes a line chart.</summary>
    public static void Lines(StringBuilder sb, SvgChartOptions options, IReadOnlyList<SvgLine> lines)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lines);
        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity;
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (var line in lines)
        {
            for (var i = 0; i < line.X.Length; i++)
            {
                var y = line.Y[i];
                if (!Usable(y, options.LogScale))
                {
                    continue;
                }

                minX = Math.Min(minX, line.X[i]);
                maxX = Math.Max(maxX, line.X[i]);
                minY = Math.Min(minY, y);
                maxY = Math.Max(maxY, y);
            }
        }

        if (options.IncludeY is { } include && Usable(include, options.LogScale))
        {
            minY = Math.Min(minY, include);
            maxY = Math.Max(maxY, include);
        }

        if (options.ReferenceY is { } reference && Usable(reference, options.LogScale))
        {
            minY = Math.Min(minY, reference);
            maxY = Math.Max(maxY, reference);
        }

        var marked = lines.Count(l => l.Marks is not null);
        if (marked > 0)
        {
            var strip = StripTop + (marked * StripRow);
            options = options with { Height = options.Height + strip, StripHeight = strip };
        }

        var yRange = options.LogScale ? SvgAxis.Log(minY, maxY, options.FormatY) : SvgAxis.Linear(minY, maxY, options.FormatY);
        var frame = new Frame(options, minX, maxX, yRange);
        frame.Open(sb);
        if (options.ReferenceY is { } guide && Usable(guide, options.LogScale))
        {
            var y = HtmlText.Coord(frame.Y(guide));
            sb.Append("<line x1=\"").Append(HtmlText.Coord(Left)).Append("\" y1=\"").Append(y).Append("\" x2=\"").Append(HtmlText.Coord(options.Width - Right))
                .Append("\" y2=\"").Append(y).Append("\" stroke=\"#555\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>\n");
        }

        foreach (var line in lines)
        {
            var d = new StringBuilder(line.X.Length * 12);
            var segment = 0;
            for (var i = 0; i < line.X.Length; i++)
            {
                var y = line.Y[i];
                if (!Usable(y, options.LogScale))
                {
                    segment = 0;
                    continue;
                }

                d.Append(segment switch { 0 => "M", 1 => "L", _ => " " }).Append(HtmlText.Coord(frame.X(line.X[i]))).Append(',').Append(HtmlText.Coord(frame.Y(y)));
                segment++;
            }

            if (d.Length == 0)
            {
                continue;
            }

            sb.Append("<path d=\"").Append(d).Append("\" fill=\"none\" stroke=\"").Append(line.Color)
                .Append("\" stroke-width=\"1.6\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
            if (line.Dash is not null)
            {
                sb.Append(" stroke-dasharray=\"").Append(line.Dash).Append('"');
            }

            AppendSeries(sb, line.Series);
            sb.Append("><title>");
            HtmlText.AppendEscaped(sb, line.Name);
            sb.Append("</title></path>\n");
        }

        if (marked > 0)
        {
            Strip(sb, options, frame, lines);
        }

        sb.Append("</svg>\n");
    }

    /// <summary>The marks strip: one row of short ticks per marked line, in its colour, under the date labels.</summary>
    private static void Strip(StringBuilder sb, SvgChartOptions options, Frame frame, IReadOnlyList<SvgLine> lines)
    {
        var top = options.Height - options.StripHeight + StripTop;
        sb.Append("<text x=\"").Append(HtmlText.Coord(Left - 6)).Append("\" y=\"").Append(HtmlText.Coord(top + 6)).Append("\" text-anchor=\"end\" fill=\"#444\" font-size=\"9\">rebalances</text>\n");
        var row = 0;
        foreach (var line in lines)
        {
            if (line.Marks is null)
            {
                continue;
            }

            var y = HtmlText.Coord(top + (row * StripRow));
            var d = new StringBuilder(line.Marks.Length * 14);
            var previous = string.Empty;
            foreach (var mark in line.Marks)
            {
                // Marks closer than a tenth of a pixel draw as one.
                var x = HtmlText.Coord(frame.X(mark));
                if (x != previous)
                {
                    d.Append('M').Append(x).Append(',').Append(y).Append("v5");
                    previous = x;
                }
            }

            sb.Append("<path class=\"marks\" d=\"").Append(d.Length > 0 ? d.ToString() : "M0,0").Append("\" stroke=\"").Append(line.Color).Append("\" stroke-width=\"1\"");
            AppendSeries(sb, line.Series);
            sb.Append("><title>");
            HtmlText.AppendEscaped(sb, line.Name + ": " + line.Marks.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " rebalances");
            sb.Append("</title></path>\n");
            row++;
        }
    }

    private static void AppendSeries(StringBuilder sb, int? series)
    {
        if (series is { } k)
        {
            sb.Append(" data-series=\"").Append(HtmlText.Int(k)).Append('"');
        }
    }

    /// <summary>
    /// Writes a stacked area chart on a fixed 0..1 axis (weights), layers from the bottom up, with optional dashed
    /// horizontal guides (e.g. cumulative target weights).
    /// </summary>
    public static void StackedAreas(StringBuilder sb, SvgChartOptions options, double[] x, IReadOnlyList<SvgLayer> layers, IReadOnlyList<double>? guides = null)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(layers);
        var minX = x.Length > 0 ? x[0] : 0;
        var maxX = x.Length > 0 ? x[^1] : 1;
        var frame = new Frame(options, minX, maxX, SvgAxis.Linear(0, 1, options.FormatY));
        frame.Open(sb);

        // Painter's algorithm: each layer is filled from its cumulative top down to zero, topmost first, so every
        // band needs only its upper edge (half the path data of explicit bands) and looks the same.
        var tops = new double[layers.Count][];
        var cumulative = new double[x.Length];
        for (var k = 0; k < layers.Count; k++)
        {
            var layer = layers[k];
            for (var i = 0; i < x.Length; i++)
            {
                var v = layer.Y[i];
                cumulative[i] += double.IsFinite(v) && v > 0 ? v : 0;
            }

            tops[k] = (double[])cumulative.Clone();
        }

        var bottom = HtmlText.Coord(frame.Y(0));
        for (var k = layers.Count - 1; k >= 0 && x.Length > 0; k--)
        {
            var top = tops[k];
            var d = new StringBuilder(x.Length * 12);
            for (var i = 0; i < x.Length; i++)
            {
                d.Append(i == 0 ? "M" : i == 1 ? "L" : " ").Append(HtmlText.Coord(frame.X(x[i]))).Append(',').Append(HtmlText.Coord(frame.Y(top[i])));
            }

            d.Append('V').Append(bottom).Append('H').Append(HtmlText.Coord(frame.X(x[0]))).Append('Z');
            sb.Append("<path d=\"").Append(d).Append("\" fill=\"").Append(layers[k].Color).Append("\"><title>");
            HtmlText.AppendEscaped(sb, layers[k].Name);
            sb.Append("</title></path>\n");
        }

        if (guides is { Count: > 0 })
        {
            sb.Append("<g stroke=\"#000\" stroke-opacity=\"0.55\" stroke-width=\"1\" stroke-dasharray=\"4 3\">");
            foreach (var g in guides)
            {
                var y = HtmlText.Coord(frame.Y(g));
                sb.Append("<line x1=\"").Append(HtmlText.Coord(Left)).Append("\" y1=\"").Append(y).Append("\" x2=\"")
                    .Append(HtmlText.Coord(options.Width - Right)).Append("\" y2=\"").Append(y).Append("\"/>");
            }

            sb.Append("</g>\n");
        }

        sb.Append("</svg>\n");
    }

    /// <summary>A legend swatch: a short line (with the series' dash) or, for areas, a filled square.</summary>
    public static void AppendSwatch(StringBuilder sb, string color, string? dash, bool area)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (area)
        {
            sb.Append("<svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect x=\"0.5\" y=\"0.5\" width=\"11\" height=\"11\" fill=\"")
                .Append(color).Append("\" stroke=\"#666\" stroke-width=\"0.5\"/></svg>");
            return;
        }

        sb.Append("<svg width=\"26\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" y1=\"5\" x2=\"25\" y2=\"5\" stroke=\"").Append(color).Append("\" stroke-width=\"2.5\"");
        if (dash is not null)
        {
            sb.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        }

        sb.Append("/></svg>");
    }

    private static bool Usable(double y, bool log) => double.IsFinite(y) && (!log || y > 0);

    /// <summary>The plot area, the mapping from data to pixels, and the axes.</summary>
    private sealed class Frame
    {
        private readonly SvgChartOptions _options;
        private readonly double _minX;
        private readonly double _maxX;
        private readonly SvgRange _y;
        private readonly double _plotWidth;
        private readonly double _plotHeight;

        public Frame(SvgChartOptions options, double minX, double maxX, SvgRange y)
        {
            _options = options;
            if (!double.IsFinite(minX) || !double.IsFinite(maxX))
            {
                (minX, maxX) = (0, 1);
            }

            _minX = minX;
            _maxX = maxX;
            _y = y;
            _plotWidth = Math.Max(options.Width - Left - Right, 1);
            _plotHeight = Math.Max(options.Height - Top - Bottom - options.StripHeight, 1);
        }

        public double X(double x) =>
            _maxX > _minX ? Left + ((x - _minX) / (_maxX - _minX) * _plotWidth) : Left + (_plotWidth / 2);

        public double Y(double value) => PositionY(_options.LogScale ? Math.Log10(value) : value);

        /// <summary>Writes the opening tag, grid lines, tick labels and axis lines.</summary>
        public void Open(StringBuilder sb)
        {
            var o = _options;
            var right = Left + _plotWidth;
            var bottom = Top + _plotHeight;
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").Append(HtmlText.Int(o.Width)).Append(' ').Append(HtmlText.Int(o.Height))
                .Append("\" width=\"").Append(HtmlText.Int(o.Width)).Append("\" height=\"").Append(HtmlText.Int(o.Height))
                .Append("\" role=\"img\" aria-label=\"");
            HtmlText.AppendEscaped(sb, o.Label);
            sb.Append("\" font-family=\"sans-serif\" font-size=\"11\">\n");

            // Horizontal grid and value labels.
            var valueLabels = new StringBuilder();
            sb.Append("<g stroke=\"#e2e2e2\" stroke-width=\"1\">");
            foreach (var tick in _y.Ticks)
            {
                var y = HtmlText.Coord(PositionY(tick.Position));
                sb.Append("<line x1=\"").Append(HtmlText.Coord(Left)).Append("\" y1=\"").Append(y).Append("\" x2=\"").Append(HtmlText.Coord(right)).Append("\" y2=\"").Append(y).Append("\"/>");
                valueLabels.Append("<text x=\"").Append(HtmlText.Coord(Left - 6)).Append("\" y=\"").Append(HtmlText.Coord(PositionY(tick.Position) + 4)).Append("\">");
                HtmlText.AppendEscaped(valueLabels, tick.Label);
                valueLabels.Append("</text>");
            }

            // Vertical grid and date labels.
            var dateLabels = new StringBuilder();
            // About one date label per 70 pixels, so small charts do not crowd theirs.
            var maxTicks = Math.Clamp((int)(_plotWidth / 70), 2, 10);
            foreach (var tick in SvgAxis.Dates((int)Math.Round(_minX), (int)Math.Round(_maxX), maxTicks))
            {
                if (tick.Position < _minX || tick.Position > _maxX)
                {
                    continue;
                }

                var x = HtmlText.Coord(X(tick.Position));
                sb.Append("<line x1=\"").Append(x).Append("\" y1=\"").Append(HtmlText.Coord(Top)).Append("\" x2=\"").Append(x).Append("\" y2=\"").Append(HtmlText.Coord(bottom)).Append("\"/>");
                dateLabels.Append("<text x=\"").Append(x).Append("\" y=\"").Append(HtmlText.Coord(bottom + 15)).Append("\">");
                HtmlText.AppendEscaped(dateLabels, tick.Label);
                dateLabels.Append("</text>");
            }

            sb.Append("</g>\n");
            sb.Append("<g fill=\"#444\" text-anchor=\"end\">").Append(valueLabels).Append("</g>\n");
            sb.Append("<g fill=\"#444\" text-anchor=\"middle\">").Append(dateLabels).Append("</g>\n");
            sb.Append("<path d=\"M").Append(HtmlText.Coord(Left)).Append(',').Append(HtmlText.Coord(Top)).Append('V').Append(HtmlText.Coord(bottom))
                .Append('H').Append(HtmlText.Coord(right)).Append("\" fill=\"none\" stroke=\"#888\" stroke-width=\"1\"/>\n");
        }

        private double PositionY(double position)
        {
            var span = _y.Max - _y.Min;
            var fraction = span > 0 ? (position - _y.Min) / span : 0.5;
            return Top + ((1 - Math.Clamp(fraction, 0, 1)) * _plotHeight);
        }
    }
}
