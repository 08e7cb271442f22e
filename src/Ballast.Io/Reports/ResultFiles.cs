using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Backtesting;
using Ballast.Data;

namespace Ballast.Io.Reports;

/// <summary>
/// The machine-readable outputs of a backtest: metrics.json, equity.csv, weights.csv, trades.csv. All byte-for-byte
/// deterministic for the same inputs.
/// </summary>
public static class ResultFiles
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Policies whose metrics.json entries are rendered at once (in parallel), then written in order.</summary>
    private const int JsonBatch = 2048;

    /// <summary>
    /// metrics.json: <c>{"spec", "data", "start", "end", "rows", "periods_per_year", "risk_free", "baseline",
    /// "policies":[{"name","hash","baseline","policy":{canonical},"metrics":{...}}]}</c>; with an
    /// <paramref name="analysis"/>, the statistics of <see cref="SignificanceJson"/> too (docs/statistics.md).
    /// </summary>
    public static string MetricsJson(BacktestOutcome outcome, BacktestAnalysis? analysis = null)
    {
        using var buffer = new MemoryStream();
        WriteMetricsJson(outcome, buffer, analysis);
        return Encoding.UTF8.GetString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Writes metrics.json (the bytes of <see cref="MetricsJson"/>, final line feed included) to <paramref name="stream"/>
    /// as it goes: the policies' entries are rendered in parallel in batches and written in spec order, so memory stays
    /// bounded whatever the policy count. Without an analysis (every <c>--json</c> run) through <see cref="PolicyEntries"/>,
    /// which writes the same bytes several times faster; with one through <see cref="Utf8JsonWriter"/>.
    /// </summary>
    public static void WriteMetricsJson(BacktestOutcome outcome, Stream stream, BacktestAnalysis? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(stream);
        using (var w = new Utf8JsonWriter(stream, JsonOptions))
        {
            var table = outcome.Table;
            w.WriteStartObject();
            w.WriteString("spec", outcome.Spec.Name);
            w.WriteString("spec_file", outcome.Spec.Source);
            w.WriteString("data", outcome.DataSource);
            w.WriteString("start", table.FormatDate(table.Dates[0]));
            w.WriteString("end", table.FormatDate(table.Dates[^1]));
            w.WriteNumber("rows", table.RowCount);
            w.WriteNumber("periods_per_year", outcome.PeriodsPerYear);
            w.WriteBoolean("periods_per_year_inferred", outcome.PeriodsInferred);
            w.WriteNumber("risk_free", outcome.RiskFree);
            w.WriteString("baseline", outcome.Baseline.Name);
            w.WriteStartArray("notices");
            foreach (var notice in table.Notices.Concat(outcome.Notices))
            {
                w.WriteStringValue(notice);
            }

            w.WriteEndArray();
            ComparisonJson.WriteSet(w, outcome);
            w.WriteStartArray("policies");
            if (analysis is null)
            {
                PolicyEntries.Write(w, stream, outcome, JsonOptions.NewLine);
            }
            else
            {
                WriteEntries(w, outcome, analysis);
            }

            w.WriteEndArray();
            if (analysis is not null)
            {
                SignificanceJson.WriteRun(w, outcome, analysis);
                FindingsJson.Write(w, outcome, analysis);
            }

            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    /// <summary>The entries of <c>"policies"</c> with an analysis's statistics: rendered in parallel in batches by their own writers, written in spec order.</summary>
    private static void WriteEntries(Utf8JsonWriter w, BacktestOutcome outcome, BacktestAnalysis analysis)
    {
        var entries = new byte[Math.Min(JsonBatch, outcome.Runs.Count)][];
        for (var first = 0; first < outcome.Runs.Count; first += JsonBatch)
        {
            var count = Math.Min(JsonBatch, outcome.Runs.Count - first);
            Parallel.For(0, count, k => entries[k] = PolicyEntry(outcome, first + k, analysis));
            for (var k = 0; k < count; k++)
            {
                w.WriteRawValue(entries[k], skipInputValidation: true);
                entries[k] = null!;
            }

            w.Flush();
        }
    }

    /// <summary>
    /// One policy's entry of metrics.json, indented as it stands inside <c>"policies"</c> (two levels deep): a line
    /// break and four spaces, then the entry rendered alone at depth 0 with every line after the first shifted by four spaces (the canonical policy JSON is one line,
    /// and JSON strings hold no raw line feeds, so every line feed is the writer's).
    /// </summary>
    private static byte[] PolicyEntry(BacktestOutcome outcome, int i, BacktestAnalysis analysis)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            PolicyEntryJson.Fields(new WriterEntryJson(w), outcome, i);
            SignificanceJson.WritePolicy(w, outcome, analysis, i);

            w.WriteEndObject();
        }

        // Utf8JsonWriter writes the comma between raw values but not the line break and indentation before each.
        var text = buffer.WrittenSpan;
        var lines = text.Count((byte)'\n');
        var shifted = new byte[5 + text.Length + (4 * lines)];
        shifted.AsSpan(0, 5).Fill((byte)' ');
        shifted[0] = (byte)'\n';
        var at = 5;
        foreach (var b in text)
        {
            shifted[at++] = b;
            if (b == (byte)'\n')
            {
                shifted.AsSpan(at, 4).Fill((byte)' ');
                at += 4;
            }
        }

        return shifted;
    }

    /// <summary>Writes <paramref name="value"/> as the JSON number <paramref name="name"/>, or null when it is missing or not finite (every metric in the result files).</summary>
    internal static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>equity.csv: <c>date</c> then one NAV column per policy (after each row's trades and costs).</summary>
    public static void WriteEquity(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        var runs = Recorded(outcome);
        writer.Write("date");
        foreach (var run in runs)
        {
            writer.Write(',');
            writer.Write(Csv(run.Name));
        }

        writer.WriteLine();
        var table = outcome.Table;
        for (var t = 0; t < table.RowCount; t++)
        {
            writer.Write(table.FormatDate(table.Dates[t]));
            foreach (var run in runs)
            {
                writer.Write(',');
                writer.Write(Fixed(run.Equity![t], 6));
            }

            writer.WriteLine();
        }
    }

    /// <summary>weights.csv: <c>date,policy</c> then one column per series (empty where the policy does not hold it); weights after each row's trades.</summary>
    public static void WriteWeights(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        var runs = Recorded(outcome);
        var assets = outcome.Spec.AllSeries();
        var maps = runs.Select(r => assets.Select(a => r.Policy.Names.ToList().IndexOf(a)).ToArray()).ToArray();
        writer.Write("date,policy");
        foreach (var asset in assets)
        {
            writer.Write(',');
            writer.Write(Csv(asset));
        }

        writer.WriteLine();
        var table = outcome.Table;
        for (var t = 0; t < table.RowCount; t++)
        {
            var date = table.FormatDate(table.Dates[t]);
            for (var p = 0; p < runs.Length; p++)
            {
                var run = runs[p];
                var n = run.Policy.AssetCount;
                writer.Write(date);
                writer.Write(',');
                writer.Write(Csv(run.Name));
                foreach (var index in maps[p])
                {
                    writer.Write(',');
                    if (index >= 0)
                    {
                        writer.Write(Fixed(run.Weights![(t * n) + index], 8));
                    }
                }

                writer.WriteLine();
            }
        }
    }

    /// <summary>The header line of trades.csv.</summary>
    internal const string TradesHeader = "date,policy,asset,side,price,units_before,units_after,value,cost,weight_before,weight_after,reason";

    /// <summary>trades.csv: one row per trade in one asset, with the reason the rebalance fired.</summary>
    public static void WriteTrades(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(TradesHeader);
        foreach (var run in Recorded(outcome))
        {
            WriteTradeRows(writer, outcome.Table, run);
        }
    }

    /// <summary>One run's rows of trades.csv.</summary>
    internal static void WriteTradeRows(TextWriter writer, PriceTable table, PolicyRun run)
    {
        var name = Csv(run.Name);
        foreach (var trade in run.Trades!)
        {
            writer.Write(table.FormatDate(trade.Date));
            writer.Write(',');
            writer.Write(name);
            writer.Write(',');
            writer.Write(Csv(trade.Asset));
            writer.Write(trade.Value >= 0 ? ",buy," : ",sell,");
            WriteFixed(writer, trade.Price, 6);
            writer.Write(',');
            WriteFixed(writer, trade.UnitsBefore, 6);
            writer.Write(',');
            WriteFixed(writer, trade.UnitsAfter, 6);
            writer.Write(',');
            WriteFixed(writer, trade.Value, 6);
            writer.Write(',');
            WriteFixed(writer, trade.Cost, 6);
            writer.Write(',');
            WriteFixed(writer, trade.WeightBefore, 8);
            writer.Write(',');
            WriteFixed(writer, trade.WeightAfter, 8);
            writer.Write(',');
            writer.WriteLine(Csv(trade.Reason));
        }
    }

    /// <summary>Writes <see cref="Fixed"/>'s text without allocating a string.</summary>
    internal static void WriteFixed(TextWriter writer, double value, int decimals)
    {
        Span<char> text = stackalloc char[48];
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        if (!rounded.TryFormat(text, out var length, decimals == 6 ? "0.######" : "0.########", Inv))
        {
            writer.Write(Fixed(value, decimals));
            return;
        }

        if (length == 2 && text[0] == '-' && text[1] == '0')
        {
            writer.Write('0');
            return;
        }

        writer.Write(text[..length]);
    }

    private static PolicyRun[] Recorded(BacktestOutcome outcome)
    {
        var runs = outcome.Runs.ToArray();
        if (runs.Any(r => r.Equity is null || r.Weights is null || r.Trades is null))
        {
            throw new InvalidOperationException("the backtest was not recorded; run it with Record = true to write per-row files");
        }

        return runs;
    }

    /// <summary>Fixed-point text with at most <paramref name="decimals"/> decimals, trailing zeros dropped, "-0" normalised.</summary>
    internal static string Fixed(double value, int decimals)
    {
        var text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(decimals == 6 ? "0.######" : "0.########", Inv);
        return text == "-0" ? "0" : text;
    }

    /// <summary>
    /// A CSV text field: quoted (quotes doubled) when it holds a comma, a quote, a line feed or a carriage return; and
    /// one that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return, which a spreadsheet
    /// opening the file would run as a formula, is prefixed with an apostrophe and quoted (OWASP's "CSV injection"
    /// advice): <c>=cmd</c> is written <c>"'=cmd"</c>, shown as text. See docs/report.md ("CSV text fields").
    /// </summary>
    public static string Csv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var formula = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        return formula || text.AsSpan().IndexOfAny(",\"\n\r") >= 0
            ? $"\"{(formula ? "'" : string.Empty)}{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : text;
    }
}
