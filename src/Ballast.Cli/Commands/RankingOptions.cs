using System.CommandLine;
using Ballast.Io.Reports;
using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Cli.Commands;

/// <summary>What the table and the report rank by and show (<c>--top</c>, <c>--by</c>, <c>--heatmap</c>; docs/report.md).</summary>
/// <param name="Top">The top-N count, or null (the table shows every run up to its limit; the report's top-N table has 20 rows for a sweep).</param>
/// <param name="ByMetric">The ranking metric asked for, or null for Sharpe.</param>
/// <param name="Heatmap">The heatmaps' metric asked for, or null for the premium.</param>
internal sealed record RankingChoices(int? Top = null, RankMetric? ByMetric = null, RankMetric? Heatmap = null)
{
    /// <summary>The ranking metric.</summary>
    public RankMetric By => ByMetric ?? RankMetric.Sharpe;

    /// <summary>True when <c>--by</c> was given: the table is ordered by it.</summary>
    public bool ByChosen => ByMetric is not null;

    /// <summary>The report's options for these choices.</summary>
    public HtmlReportOptions Report => new() { RankBy = By, Top = Top, Heatmap = Heatmap };
}

/// <summary>The ranking options of <c>ballast backtest</c>, parsed and checked before any work is done.</summary>
internal static class RankingOptions
{
    /// <summary>Most rows <c>--top</c> may ask for.</summary>
    public const int MaxTop = 1000;

    public static Option<int?> Top() => new("--top")
    {
        Description = $"Show the best N of the spec's policies (1 to {MaxTop}) by --by in the table and the report's top-N table, each with its bootstrap interval against its twin and StepM's verdict when significance is computed.",
    };

    public static Option<string?> By() => new("--by")
    {
        Description = "The metric --top and the report rank by: " + string.Join(", ", RankMetric.Names) + " (default sharpe).",
    };

    public static Option<string?> Heatmap() => new("--heatmap")
    {
        Description = "The metric of the report's sweep heatmaps (same names as --by; default premium).",
    };

    public static RankingChoices Parse(int? top, string? by, string? heatmap)
    {
        if (top is { } n && n is < 1 or > MaxTop)
        {
            throw new BallastInputException($"--top: expected a whole number from 1 to {MaxTop}, got {n}");
        }

        return new RankingChoices(top, Metric("--by", by), Metric("--heatmap", heatmap));
    }

    private static RankMetric? Metric(string option, string? name) => name is null
        ? null
        : RankMetric.Find(name) ?? throw new BallastInputException($"{option}: unknown metric '{name}'; the metrics are {string.Join(", ", RankMetric.Names)}");
}
