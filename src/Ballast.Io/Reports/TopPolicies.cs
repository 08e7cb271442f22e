using Ballast.Io.Reports.Tearsheet;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>One row of a top-N table: a policy, its value of the ranking metric, its interval and its StepM verdict.</summary>
/// <param name="Index">The run index.</param>
/// <param name="Value">Its value of the metric (null when undefined).</param>
/// <param name="Difference">
/// The paired bootstrap estimate and interval of its difference from its buy-and-hold twin in the metric (in the
/// Sharpe ratio for a metric the bootstrap does not give, see <see cref="TopPolicies.IntervalMetric"/>); null without
/// significance or twin.
/// </param>
/// <param name="BeatsBaseline">StepM's verdict against the baseline at 5 % family-wise (null when it did not run).</param>
public sealed record TopRow(int Index, double? Value, BootstrapDifference? Difference, bool? BeatsBaseline);

/// <summary>
/// The best N policies of a run by a metric, for the console's <c>--top N --by METRIC</c> and the report's top-N table:
/// the spec's policies only (twins and named baselines are comparators), best first, ties in spec order, each with
/// its interval against its twin and StepM's verdict when significance was computed.
/// </summary>
public static class TopPolicies
{
    /// <summary>The report's top-N table has this many rows unless <c>--top</c> says otherwise.</summary>
    public const int DefaultCount = 20;

    /// <summary>The rows, at most <paramref name="count"/>.</summary>
    public static IReadOnlyList<TopRow> Rows(BacktestOutcome outcome, BacktestAnalysis? analysis, RankMetric metric, int count)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var difference = IntervalMetric(metric).Difference!;
        var rows = new List<TopRow>(Math.Min(count, outcome.Runs.Count));
        foreach (var i in PolicyRanking.Order(outcome.Runs, metric))
        {
            if (outcome.RoleOf(i) != RunRole.Policy)
            {
                continue;
            }

            var bootstrap = analysis?.Policies is { } p && p[i]?.Bootstrap is { } b ? difference(b) : (BootstrapDifference?)null;
            rows.Add(new TopRow(i, metric.Value(outcome.Runs[i].Metrics), bootstrap, analysis?.Run?.BeatsBaseline(i)));
            if (rows.Count == count)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>The metric whose difference interval a row shows: the ranking metric itself when the bootstrap gives one, else Sharpe.</summary>
    public static RankMetric IntervalMetric(RankMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.Difference is null ? RankMetric.Sharpe : metric;
    }
}
