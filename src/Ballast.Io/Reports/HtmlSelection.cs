using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Io.Reports;

/// <summary>What the HTML report ranks policies by and how many it shows in full.</summary>
public sealed record HtmlReportOptions
{
    /// <summary>The metrics table lists every policy up to this many; beyond, the best this many (the baseline included).</summary>
    public const int DefaultTableRows = 50;

    /// <summary>The metric the table is ordered by when it cannot list every policy, and that picks the charted policies; Sharpe by default.</summary>
    public RankMetric RankBy { get; init; } = RankMetric.Sharpe;

    /// <summary>Most rows of the metrics table (at least 2: the best policy and the baseline).</summary>
    public int TableRows { get; init; } = DefaultTableRows;

    /// <summary>The run's statistics (docs/statistics.md): adds the Sharpe-difference p-value column when they hold significance.</summary>
    public BacktestAnalysis? Analysis { get; init; }

    /// <summary>Rows of the top-N table (<c>--top</c>); null for <see cref="TopPolicies.DefaultCount"/>, shown for sweeps only.</summary>
    public int? Top { get; init; }

    /// <summary>The metric of the sweep heatmaps (<c>--heatmap</c>); null for the rebalancing premium.</summary>
    public RankMetric? Heatmap { get; init; }

    /// <summary>
    /// The whole run when the report shows a subset of it (the best K of a large sweep): the top-N table, heatmaps and
    /// frontier read every policy's metrics, and the statistics, from it. Null when the report shows the whole run.
    /// </summary>
    public ReportRun? Whole { get; init; }
}

/// <summary>A whole run and its statistics (indexed by its runs).</summary>
/// <param name="Outcome">The outcome with every run (metrics at least; series may have been released).</param>
/// <param name="Analysis">Its analysis, or null.</param>
public sealed record ReportRun(BacktestOutcome Outcome, BacktestAnalysis? Analysis);

/// <summary>
/// Which policies each part of the report shows. With few policies every part shows all of them in spec order;
/// beyond a part's room it shows the best by the ranking metric, buy-and-hold always included, so the size of the
/// report is bounded whatever the number of policies.
/// </summary>
internal sealed class HtmlSelection
{
    /// <summary>Most policies drawn in one line chart (the palette has this many colours).</summary>
    public const int MaxSeries = 12;

    /// <summary>Most policies with their own allocation chart and tearsheet section.</summary>
    public const int MaxDetails = 6;

    public HtmlSelection(BacktestOutcome outcome, HtmlReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TableRows, 2);
        RankBy = options.RankBy;
        Count = outcome.Runs.Count;
        Baseline = outcome.BaselineIndex;
        Table = PolicyRanking.Top(outcome.Runs, Baseline, options.TableRows, RankBy);
        Series = PolicyRanking.Top(outcome.Runs, Baseline, MaxSeries, RankBy);
        Details = PolicyRanking.Top(outcome.Runs, Baseline, MaxDetails, RankBy);
        _baselineRank = Count > MaxDetails ? Array.IndexOf(PolicyRanking.Order(outcome.Runs, RankBy), Baseline) : 0;
    }

    private readonly int _baselineRank;

    public RankMetric RankBy { get; }

    /// <summary>How many policies the run has.</summary>
    public int Count { get; }

    public int Baseline { get; }

    /// <summary>Rows of the metrics table (and of the footer's policy list).</summary>
    public int[] Table { get; }

    /// <summary>Lines of every line chart; a run's position here is its series number and colour.</summary>
    public int[] Series { get; }

    /// <summary>Policies with an allocation chart and a tearsheet section.</summary>
    public int[] Details { get; }

    /// <summary>The series number of run <paramref name="index"/>, or null when it is not charted.</summary>
    public int? SeriesOf(int index)
    {
        var slot = Array.IndexOf(Series, index);
        return slot >= 0 ? slot : null;
    }

    /// <summary>"the best 11 by Sharpe and buy-and-hold" style description of a truncated part of <paramref name="shown"/> runs.</summary>
    public string Describe(int[] shown) =>
        shown.Length >= Count
            ? "all " + HtmlText.Int(Count)
            : _baselineRank >= shown.Length
                ? "the best " + HtmlText.Int(shown.Length - 1) + " by " + RankBy.Label + " and buy-and-hold"
                : "the best " + HtmlText.Int(shown.Length) + " by " + RankBy.Label + ", buy-and-hold among them";
}
