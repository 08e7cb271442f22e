using System.Globalization;
using Ballast.Io;
using Spectre.Console;

namespace Ballast.Cli.Commands;

/// <summary>The comparison table printed by backtest and demo.</summary>
internal static class ResultTable
{
    /// <summary>Above this many policies the table shows the best by Sharpe and points at metrics.json.</summary>
    public const int MaxRows = 60;

    public static void Write(CliIo io, BacktestOutcome outcome)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(io.Out),
            Ansi = io.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = io.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!io.Interactive)
        {
            console.Profile.Width = 200;
        }

        var table = outcome.Table;
        console.WriteLine($"{outcome.Spec.Name}: {table.FormatDate(table.Dates[0])} .. {table.FormatDate(table.Dates[^1])}, {table.RowCount} rows, {outcome.PeriodsPerYear} periods/year, data {outcome.DataSource}");
        var grid = new Table().Border(TableBorder.Simple);
        foreach (var header in new[] { "policy", "hash", "CAGR", "vol", "Sharpe", "Sortino", "max DD", "Calmar", "rebal", "turnover/yr", "cost bps/yr", "drift mean", "drift max", "premium" })
        {
            grid.AddColumn(new TableColumn(header) { Alignment = header is "policy" or "hash" ? Justify.Left : Justify.Right });
        }

        var rows = Enumerable.Range(0, outcome.Runs.Count).ToList();
        if (rows.Count > MaxRows)
        {
            rows = [.. rows.OrderByDescending(i => outcome.Runs[i].Metrics.Sharpe ?? double.NegativeInfinity).ThenBy(i => i).Take(MaxRows - 1)];
            if (!rows.Contains(outcome.BaselineIndex))
            {
                rows.Add(outcome.BaselineIndex);
            }
        }

        foreach (var i in rows)
        {
            var run = outcome.Runs[i];
            var m = run.Metrics;
            var name = i == outcome.BaselineIndex ? $"{run.Name} (baseline)" : run.Name;
            grid.AddRow(
                Markup.Escape(name),
                run.Hash.Abbreviated,
                Pct(m.Cagr),
                Pct(m.Volatility),
                Num(m.Sharpe),
                Num(m.Sortino),
                Pct(m.MaxDrawdown),
                Num(m.Calmar),
                m.Rebalances.ToString(CultureInfo.InvariantCulture),
                Pct(m.TurnoverOneWayAnnual),
                Num(m.CostDragBpsPerYear, "0.0"),
                Pct(m.MeanAbsDrift),
                Pct(m.MaxAbsDrift),
                SignedPct(m.RebalancingPremium));
        }

        console.Write(grid);
        if (outcome.Runs.Count > MaxRows)
        {
            console.WriteLine($"showing the best {rows.Count - 1} of {outcome.Runs.Count} policies by Sharpe, plus the baseline; every policy is in metrics.json (--out or --json)");
        }

        console.WriteLine("turnover is one-way per year; premium is CAGR minus buy-and-hold's; hash is the first 12 hex digits of the policy's SHA-256 identity");
    }

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
