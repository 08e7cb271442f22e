using System.Globalization;
using Ballast.Data;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>One requested sub-period: an inclusive date range with its label.</summary>
/// <param name="Label">"2008-09-01..2009-03-31", or the year for <c>--periods years</c>.</param>
/// <param name="From">The first date (a YYYY-MM start is that month's first day).</param>
/// <param name="To">The last date (a YYYY-MM end is that month's last day).</param>
public sealed record PeriodRange(string Label, DateOnly From, DateOnly To);

/// <summary>
/// The parsed <c>--periods</c> option: a list separated by commas of <c>FROM..TO</c> ranges and <c>years</c> (every
/// calendar year of the window, the first and last possibly partial, after the explicit ranges).
/// </summary>
/// <param name="Text">The option's text, for messages.</param>
/// <param name="Years">True when the list has <c>years</c>.</param>
/// <param name="Ranges">The explicit ranges.</param>
public sealed record PeriodsRequest(string Text, bool Years, IReadOnlyList<PeriodRange> Ranges)
{
    /// <summary>The option's name on the command line.</summary>
    public const string OptionName = "--periods";

    /// <summary>Parses the option's text; a bad range is a <see cref="BallastInputException"/> naming it.</summary>
    public static PeriodsRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = new List<PeriodRange>();
        var years = false;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Equals("years", StringComparison.OrdinalIgnoreCase))
            {
                years = true;
                continue;
            }

            var dots = part.IndexOf("..", StringComparison.Ordinal);
            if (dots < 0)
            {
                throw Bad(part, "expected FROM..TO (dates YYYY-MM-DD or YYYY-MM), or 'years'");
            }

            var fromText = part[..dots];
            var toText = part[(dots + 2)..];
            if (!DateText.TryParse(fromText, out var from, out var fromMonthly))
            {
                throw Bad(part, $"cannot read the start date '{fromText}'; expected YYYY-MM-DD or YYYY-MM");
            }

            if (!DateText.TryParse(toText, out var to, out _))
            {
                throw Bad(part, $"cannot read the end date '{toText}'; expected YYYY-MM-DD or YYYY-MM");
            }

            if (fromMonthly)
            {
                from = new DateOnly(from.Year, from.Month, 1);
            }

            if (to < from)
            {
                throw Bad(part, "ends before it starts");
            }

            ranges.Add(new PeriodRange(part, from, to));
        }

        return new PeriodsRequest(text, years, ranges);
    }

    /// <summary>The ranges for a window: the explicit ones, then (for <c>years</c>) one per calendar year of <paramref name="dates"/>.</summary>
    public IReadOnlyList<PeriodRange> For(ReadOnlySpan<DateOnly> dates)
    {
        if (!Years)
        {
            return Ranges;
        }

        var years = new List<PeriodRange>(Ranges);
        foreach (var date in dates)
        {
            if (years.Count == Ranges.Count || years[^1].From.Year != date.Year)
            {
                years.Add(new PeriodRange(date.Year.ToString(CultureInfo.InvariantCulture), new DateOnly(date.Year, 1, 1), new DateOnly(date.Year, 12, 31)));
            }
        }

        return years;
    }

    internal static BallastInputException Bad(string part, string message) =>
        new(new InputLocation(OptionName, Field: OptionName), $"'{part}': {message}");
}

/// <summary>One sub-period's rows and each run's metrics over it.</summary>
/// <param name="Range">The requested range.</param>
/// <param name="FirstRow">The first window row inside it.</param>
/// <param name="LastRow">The last window row inside it.</param>
/// <param name="Runs">Per run (in run order) its slice metrics.</param>
public sealed record PeriodSlice(PeriodRange Range, int FirstRow, int LastRow, IReadOnlyList<SliceMetrics> Runs);

/// <summary>Sub-period metrics of every run (docs/statistics.md, "Sub-period metrics").</summary>
/// <param name="Slices">One per requested range, in order.</param>
public sealed record PeriodTable(IReadOnlyList<PeriodSlice> Slices)
{
    /// <summary>Slices every recorded run's equity curve; a range with no row in the window is a <see cref="BallastInputException"/>.</summary>
    public static PeriodTable Compute(BacktestOutcome outcome, PeriodsRequest request)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(request);
        var table = outcome.Table;
        var dates = table.Dates;
        var rf = ReturnSeries.RiskFreePerPeriod(outcome.RiskFree, outcome.PeriodsPerYear);
        var slices = new List<PeriodSlice>();
        foreach (var range in request.For(dates))
        {
            var first = Array.FindIndex(dates, d => d >= range.From);
            var last = Array.FindLastIndex(dates, d => d <= range.To);
            if (first < 0 || last < first)
            {
                throw PeriodsRequest.Bad(range.Label, $"has no rows in the window {table.FormatDate(dates[0])} .. {table.FormatDate(dates[^1])}");
            }

            var runs = outcome.Runs.Select(r => PeriodMetrics.Of(r.Equity, dates, first, last, outcome.PeriodsPerYear, rf)).ToArray();
            slices.Add(new PeriodSlice(range, first, last, runs));
        }

        return new PeriodTable(slices);
    }
}
