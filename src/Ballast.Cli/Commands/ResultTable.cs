using System.Globalization;
using System.Text;
using Ballast.Backtesting;
using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Reports.Tearsheet;
using Ballast.Policies;

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
        new("name", "policy", (o, i) => i != o.BaselineIndex ? ShortName(o, i) : o.Spec.Sweep is null ? $"{o.Runs[i].Name} (baseline)" : "baseline", Left: true),
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

    /// <summary>The columns shown with <c>--top</c> and without <c>--columns</c> (the ranking metric's is added).</summary>
    public static readonly IReadOnlyList<string> TopDefaultColumns = ["name", "hash", "cagr", "sharpe", "maxdd", "turnover", "premium"];

    /// <summary>Each ranking metric's column.</summary>
    private static readonly (string Metric, string Column)[] MetricColumns =
    [
        ("sharpe", "sharpe"), ("cagr", "cagr"), ("sortino", "sortino"), ("calmar", "calmar"), ("max_drawdown", "maxdd"),
        ("rebalancing_premium", "premium"), ("volatility", "vol"), ("turnover", "turnover"), ("cost_drag_bps_per_year", "costbps"),
    ];

    /// <summary>The columns shown without <c>--columns</c>: they fit <see cref="Width"/> characters.</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["name", "hash", "cagr", "vol", "sharpe", "maxdd", "rebal", "turnover", "costbps", "premium"];

    /// <summary>
    /// The columns a <c>--columns</c> value names: null or empty for the default set, <c>all</c> for every column, else
    /// a comma-separated list of keys (the policy name is always first). For a sweep the parameters are columns too
    /// (keyed by their names) and the default set shows them after the name instead of the hash, so the generated
    /// names need not be read. An unknown key is refused naming the valid ones.
    /// </summary>
    public static IReadOnlyList<ResultColumn> Choose(string? keys, SweepTable? sweep = null, RankingChoices? ranking = null)
    {
        var parameters = sweep is null ? [] : sweep.Parameters.Select((p, k) => new ResultColumn(p.Name, p.Name, (o, i) => SweepLabels.For(o)?.Label(i, k) ?? string.Empty, Left: true)).ToArray();
        var all = Columns.Take(1).Concat(parameters).Concat(Columns.Skip(1)).ToList();
        if (string.IsNullOrWhiteSpace(keys))
        {
            // With --top the interval and verdict columns need room: the default set is narrower, with the ranking metric's column.
            var keep = ranking?.Top is null ? DefaultColumns : TopDefaultColumns.Append(MetricColumns.First(m => m.Metric == ranking.By.Key).Column).Distinct();
            var defaults = keep.Where(key => sweep is null || key != "hash").Select(key => Columns.First(c => c.Key == key)).OrderBy(c => IndexOf(c)).ToArray();
            return [.. defaults.Take(1).Concat(parameters).Concat(defaults.Skip(1))];
        }

        if (string.Equals(keys.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            return all;
        }

        var chosen = new List<ResultColumn> { Columns[0] };
        foreach (var part in keys.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var column = all.FirstOrDefault(c => string.Equals(c.Key, part, StringComparison.OrdinalIgnoreCase))
                ?? throw new BallastInputException($"--columns: unknown column '{part}'; the columns are {string.Join(",", all.Select(c => c.Key))}, or all");
            if (!chosen.Contains(column))
            {
                chosen.Add(column);
            }
        }

        return chosen;
    }

    private static int IndexOf(ResultColumn column)
    {
        for (var k = 0; k < Columns.Count; k++)
        {
            if (ReferenceEquals(Columns[k], column))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The <c>--columns</c> option of backtest and demo.</summary>
    public static System.CommandLine.Option<string?> ColumnsOption() => new("--columns")
    {
        Description = "Columns of the printed table, comma-separated: " + string.Join(",", Columns.Select(c => c.Key)) + ", a sweep's parameter names, or all (default: " + string.Join(",", DefaultColumns) + ", which fit 100 characters; for a sweep its parameters instead of the hash).",
    };

    /// <summary>
    /// Prints the table: every run (up to <see cref="MaxRows"/>, else the best by the ranking metric and the baseline),
    /// or with <c>--top N</c> the best N of the spec's policies by <c>--by</c> and the baseline, each with its interval
    /// against its twin and StepM's verdict when significance was computed.
    /// </summary>
    public static void Write(CliIo io, BacktestOutcome outcome, IReadOnlyList<ResultColumn>? columns = null, RankingChoices? ranking = null, BacktestAnalysis? analysis = null)
    {
        columns ??= Choose(null, outcome.Spec.Sweep);
        ranking ??= new RankingChoices();
        var table = outcome.Table;
        io.Out.WriteLine($"{outcome.Spec.Name}: {table.FormatDate(table.Dates[0])} .. {table.FormatDate(table.Dates[^1])}, {table.RowCount} rows, {outcome.PeriodsPerYear} periods/year");
        io.Out.WriteLine($"data: {outcome.DataSource}");
        List<int> rows;
        string? footer = null;
        if (ranking.Top is { } top)
        {
            var best = TopPolicies.Rows(outcome, analysis, ranking.By, top);
            rows = [.. best.Select(r => r.Index)];
            columns = [.. columns, .. TopColumns(ranking.By, best, analysis)];
            footer = $"the best {best.Count} policies by {ranking.By.Label}, then the baseline; every run is in metrics.json";
            if (analysis?.Policies is not null)
            {
                footer += $"\nvs twin: difference in {TopPolicies.IntervalMetric(ranking.By).Label} from the buy-and-hold twin, 95% bootstrap interval;\nStepM: beats the baseline at a 5% family-wise error rate (Romano-Wolf)";
            }
        }
        else
        {
            rows = [.. ranking.ByChosen ? PolicyRanking.Order(outcome.Runs, ranking.By) : Enumerable.Range(0, outcome.Runs.Count)];
            if (rows.Count > MaxRows)
            {
                rows = [.. PolicyRanking.Order(outcome.Runs, ranking.By).Take(MaxRows - 1)];
                footer = $"showing the best {MaxRows - 1} of {outcome.Runs.Count} runs by {ranking.By.Label}, plus the baseline;\nevery policy is in metrics.json (--out or --json)";
            }
        }

        if (!rows.Contains(outcome.BaselineIndex))
        {
            rows.Add(outcome.BaselineIndex);
        }

        io.Out.WriteLine();
        foreach (var line in Lines(outcome, rows, columns))
        {
            io.Out.WriteLine(line);
        }

        io.Out.WriteLine();
        if (footer is not null)
        {
            io.Out.WriteLine(footer);
        }

        io.Out.WriteLine("turnover is one-way per year; premium is CAGR minus its own buy-and-hold twin's;");
        io.Out.WriteLine(columns.Any(c => c.Key == "hash") ? "hash is the first 12 hex digits of the policy's SHA-256 identity" : "sweep parameters are columns (* = a twin shared across values); names, hashes in metrics.json");
    }

    /// <summary>The columns <c>--top</c> adds: the difference from the twin with its 95 % interval, and StepM's verdict (when significance was computed).</summary>
    private static ResultColumn[] TopColumns(RankMetric by, IReadOnlyList<TopRow> rows, BacktestAnalysis? analysis)
    {
        if (analysis?.Policies is null)
        {
            return [];
        }

        var byIndex = rows.ToDictionary(r => r.Index);
        var interval = TopPolicies.IntervalMetric(by);
        string Difference(int i) => byIndex.TryGetValue(i, out var r) && r.Difference is { } d
            ? $"{interval.FormatDifference(d.Estimate)} [{interval.FormatDifference(d.Interval.Lower)}, {interval.FormatDifference(d.Interval.Upper)}]"
            : "-";
        string Verdict(int i) => byIndex.TryGetValue(i, out var r) && r.BeatsBaseline is { } beats ? (beats ? "yes" : "no") : "-";
        return
        [
            new("interval", "vs twin (95%)", (_, i) => Difference(i)),
            new("stepm", "StepM", (_, i) => Verdict(i)),
        ];
    }

    /// <summary>The name shown: for a sweep's runs, the part the parameter columns do not show (the entry, or the run's role).</summary>
    private static string ShortName(BacktestOutcome outcome, int index)
    {
        var name = outcome.Runs[index].Name;
        if (outcome.Spec.Sweep is not { } sweep)
        {
            return name;
        }

        return outcome.RoleOf(index) switch
        {
            RunRole.Policy => sweep.Entries > 1 && name.EndsWith(" " + sweep.CellName(index), StringComparison.Ordinal) ? name[..^(sweep.CellName(index).Length + 1)] : sweep.Entries > 1 ? name : "policy",
            RunRole.Twin => "twin",
            _ => name,
        };
    }

    /// <summary>The header, the rule and one line per row: no line ends in a space; names are cut to fit <see cref="Width"/>.</summary>
    public static IReadOnlyList<string> Lines(BacktestOutcome outcome, IReadOnlyList<int> rows, IReadOnlyList<ResultColumn> columns)
    {
        var cells = rows.Select(i => columns.Select(c => c.Cell(outcome, i)).ToArray()).ToList();
        var widths = columns.Select((c, k) => cells.Select(r => r[k].Length).Append(c.Header.Length).Max()).ToArray();
        // Too wide: cut the text columns (the name first, then the sweep parameters left to right), each to at least
        // MinNameWidth characters and its header.
        var cuttable = Enumerable.Range(0, columns.Count).Where(k => columns[k].Left && columns[k].Key != "hash").OrderBy(k => columns[k].Key == "name" ? 0 : 1).ThenBy(k => k);
        foreach (var k in cuttable)
        {
            var excess = widths.Sum() + (Gap.Length * (widths.Length - 1)) - Width;
            var cut = Math.Max(Math.Max(MinNameWidth, columns[k].Header.Length), widths[k] - excess);
            if (excess > 0 && cut < widths[k])
            {
                widths[k] = cut;
                foreach (var row in cells)
                {
                    row[k] = Shorten(row[k], cut);
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
