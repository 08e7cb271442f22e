using System.Globalization;
using System.Text;
using Ballast.Backtesting;
using Ballast.Io;

namespace Ballast.Cli.Commands;

/// <summary>One column of the console comparison table.</summary>
/// <param name="Key">Its name for <c>--columns</c>.</param>
/// <param name="Header">Its header (short: the table fits 100 columns by default).</param>
/// <param name="Cell">The cell text of run <c>index</c> of the outcome.</param>
/// <param name="Left">Left-aligned (text) rather than right-aligned (numbers).</param>
internal sealed record ResultColumn(string Key, string Header, Func<BacktestOutcome, int, string> Cell, bool Left = false);

/// <summary>
/// The comparison table printed by backtest and demo: plain text, columns separated by two spaces, no trailing spaces,
/// at most <see cref="Width"/> characters a line with the default columns (long policy names are shortened with "…";
/// every name is whole in metrics.json). <c>--columns</c> chooses the columns (<see cref="Columns"/>); a new column is one
/// more entry there.
/// </summary>
internal static class ResultTable
{
    /// <summary>Above this many policies the table shows the best by Sharpe and points at metrics.json.</summary>
    public const int MaxRows = 60;

    /// <summary>The width the default columns fit in.</summary>
    public const int Width = 100;

    /// <summary>The shortest a policy name is cut to (a narrower table would be unreadable).</summary>
    private const int MinNameWidth = 12;

    private const string Gap = "  ";

    /// <summary>Every column, in table order.</summary>
    public static readonly IReadOnlyList<ResultColumn> Columns =
    [
        new("name", "policy", (o, i) => i == o.BaselineIndex ? $"{o.Runs[i].Name} (baseline)" : o.Runs[i].Name, Left: true),
        new("hash", "hash", (o, i) => o.Runs[i].Hash.Abbreviated, Left: true),
        new("cagr", "CAGR", (o, i) => Pct(M(o, i).Cagr)),
        new("vol", "vol", (o, i) => Pct(M(o, i).Volatility)),
        new("sharpe", "Sharpe", (o, i) => Num(M(o, i).Sharpe)),
        new("sortino", "Sortino", (o, i) => Num(M(o, i).Sortino)),
        new("maxdd", "max DD", (o, i) => Pct(M(o, i).MaxDrawdown)),
        new("calmar", "Calmar", (o, i) => Num(M(o, i).Calmar)),
        new("rebal", "rebal", (o, i) => M(o, i).Rebalances.ToString(CultureInfo.InvariantCulture)),
        new("turnover", "turn/yr", (o, i) => Pct(M(o, i).TurnoverOneWayAnnual)),
        new("costbps", "cost bps", (o, i) => Num(M(o, i).CostDragBpsPerYear, "0.0")),
        new("driftmean", "drift avg", (o, i) => Pct(M(o, i).MeanAbsDrift)),
        new("driftmax", "drift max", (o, i) => Pct(M(o, i).MaxAbsDrift)),
        new("premium", "premium", (o, i) => SignedPct(M(o, i).RebalancingPremium)),
    ];

    /// <summary>The columns shown without <c>--columns</c>: they fit <see cref="Width"/> characters.</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["name", "hash", "cagr", "vol", "sharpe", "maxdd", "rebal", "turnover", "costbps", "premium"];

    /// <summary>
    /// The columns a <c>--columns</c> value names: null or empty for the default set, <c>all</c> for every column, else
    /// a comma-separated list of keys (the policy name is always first). An unknown key is refused naming the valid ones.
    /// </summary>
    public static IReadOnlyList<ResultColumn> Choose(string? keys)
    {
        if (string.IsNullOrWhiteSpace(keys))
        {
            return [.. DefaultColumns.Select(key => Columns.First(c => c.Key == key))];
        }

        if (string.Equals(keys.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            return Columns;
        }

        var chosen = new List<ResultColumn> { Columns[0] };
        foreach (var part in keys.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var column = Columns.FirstOrDefault(c => string.Equals(c.Key, part, StringComparison.OrdinalIgnoreCase))
                ?? throw new BallastInputException($"--columns: unknown column '{part}'; the columns are {string.Join(",", Columns.Select(c => c.Key))}, or all");
            if (!chosen.Contains(column))
            {
                chosen.Add(column);
            }
        }

        return chosen;
    }

    /// <summary>The <c>--columns</c> option of backtest and demo.</summary>
    public static System.CommandLine.Option<string?> ColumnsOption() => new("--columns")
    {
        Description = "Columns of the printed table, comma-separated: " + string.Join(",", Columns.Select(c => c.Key)) + ", or all (default: " + string.Join(",", DefaultColumns) + ", which fit 100 characters).",
    };

    public static void Write(CliIo io, BacktestOutcome outcome, IReadOnlyList<ResultColumn>? columns = null)
    {
        columns ??= Choose(null);
        var table = outcome.Table;
        io.Out.WriteLine($"{outcome.Spec.Name}: {table.FormatDate(table.Dates[0])} .. {table.FormatDate(table.Dates[^1])}, {table.RowCount} rows, {outcome.PeriodsPerYear} periods/year");
        io.Out.WriteLine($"data: {outcome.DataSource}");
        var rows = Enumerable.Range(0, outcome.Runs.Count).ToList();
        if (rows.Count > MaxRows)
        {
            rows = [.. rows.OrderByDescending(i => outcome.Runs[i].Metrics.Sharpe ?? double.NegativeInfinity).ThenBy(i => i).Take(MaxRows - 1)];
            if (!rows.Contains(outcome.BaselineIndex))
            {
                rows.Add(outcome.BaselineIndex);
            }
        }

        io.Out.WriteLine();
        foreach (var line in Lines(outcome, rows, columns))
        {
            io.Out.WriteLine(line);
        }

        io.Out.WriteLine();
        if (outcome.Runs.Count > MaxRows)
        {
            io.Out.WriteLine($"showing the best {rows.Count - 1} of {outcome.Runs.Count} policies by Sharpe, plus the baseline;");
            io.Out.WriteLine("every policy is in metrics.json (--out or --json)");
        }

        io.Out.WriteLine("turnover is one-way per year; premium is CAGR minus its own buy-and-hold twin's;");
        io.Out.WriteLine("hash is the first 12 hex digits of the policy's SHA-256 identity");
    }

    /// <summary>The header, the rule and one line per row: no line ends in a space; names are cut to fit <see cref="Width"/>.</summary>
    public static IReadOnlyList<string> Lines(BacktestOutcome outcome, IReadOnlyList<int> rows, IReadOnlyList<ResultColumn> columns)
    {
        var cells = rows.Select(i => columns.Select(c => c.Cell(outcome, i)).ToArray()).ToList();
        var widths = columns.Select((c, k) => cells.Select(r => r[k].Length).Append(c.Header.Length).Max()).ToArray();
        var name = columns.ToList().FindIndex(c => c.Key == "name");
        var total = widths.Sum() + (Gap.Length * (widths.Length - 1));
        if (name >= 0 && total > Width)
        {
            var cut = Math.Max(MinNameWidth, widths[name] - (total - Width));
            if (cut < widths[name])
            {
                widths[name] = Math.Max(cut, columns[name].Header.Length);
                foreach (var row in cells)
                {
                    row[name] = Shorten(row[name], widths[name]);
                }
            }
        }

        var lines = new List<string>(rows.Count + 2)
        {
            Join(columns.Select(c => c.Header).ToArray(), widths, columns),
            string.Join(Gap, widths.Select(w => new string('-', w))),
        };
        lines.AddRange(cells.Select(row => Join(row, widths, columns)));
        return lines;
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> characters, the last an ellipsis.</summary>
    private static string Shorten(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");

    private static string Join(string[] cells, int[] widths, IReadOnlyList<ResultColumn> columns)
    {
        var sb = new StringBuilder();
        for (var k = 0; k < cells.Length; k++)
        {
            if (k > 0)
            {
                sb.Append(Gap);
            }

            sb.Append(columns[k].Left ? cells[k].PadRight(widths[k]) : cells[k].PadLeft(widths[k]));
        }

        return sb.ToString().TrimEnd();
    }

    private static BacktestMetrics M(BacktestOutcome outcome, int index) => outcome.Runs[index].Metrics;

    private static string Pct(double? value) => value is { } v && double.IsFinite(v) ? Big(v * 100, "0.00") + "%" : "-";

    private static string SignedPct(double? value) => value is { } v && double.IsFinite(v) ? Big(v * 100, "+0.00;-0.00;0.00") + "%" : "-";

    private static string Num(double? value, string format = "0.00") => value is { } v && double.IsFinite(v) ? Big(v, format) : "-";

    // Absurd magnitudes (a price file read as returns, say) stay one short cell.
    private static string Big(double value, string format) =>
        Math.Abs(value) < 1e7 ? value.ToString(format, CultureInfo.InvariantCulture) : value.ToString("0.00e+0", CultureInfo.InvariantCulture);
}

/// <summary>Shows progress on stderr for runs longer than a second (only on a terminal).</summary>
internal static class Progress
{
    /// <summary>Runs synchronous work (it completes before this returns).</summary>
    public static T Run<T>(CliIo io, int total, Func<IProgress<int>, T> work) =>
        RunAsync(io, total, progress => Task.FromResult(work(progress))).GetAwaiter().GetResult();

    public static async Task<T> RunAsync<T>(CliIo io, int total, Func<IProgress<int>, Task<T>> work)
    {
        var done = 0;
        var reporter = new Reporter(value => Volatile.Write(ref done, value));
        if (!io.Interactive)
        {
            return await work(reporter);
        }

        var shown = false;
        using var timer = new Timer(
            _ =>
            {
                shown = true;
                io.Error.Write($"\rbacktesting: {Volatile.Read(ref done)}/{total} policies");
                io.Error.Flush();
            },
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromMilliseconds(250));
        var result = await work(reporter);
        timer.Dispose();
        if (shown)
        {
            io.Error.WriteLine($"\rbacktesting: {total}/{total} policies");
        }

        return result;
    }

    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
