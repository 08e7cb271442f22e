using System.Globalization;

namespace Ballast.Data;

/// <summary>
/// Notices about a window's dates that the numbers alone hide: a window too short to annualise honestly, and gaps
/// between dates much longer than the data's usual spacing. Added to <see cref="PriceTable.Notices"/> by
/// <see cref="PriceWindow.Build"/>, so the CLI prints them to stderr and metrics.json and the report carry them.
/// </summary>
public static class WindowNotices
{
    /// <summary>A gap is large when it is longer than this many times the median spacing (and longer than <see cref="LargeGapMinDays"/>).</summary>
    public const int LargeGapFactor = 3;

    /// <summary>Gaps of a week or less are never large (weekends and holidays of daily data).</summary>
    public const int LargeGapMinDays = 7;

    /// <summary>At most this many large gaps are listed in the notice (the count covers them all).</summary>
    public const int GapsListed = 3;

    /// <summary>
    /// The notices for a window's dates (strictly ascending), formatted with <paramref name="format"/>: none for a
    /// window of a year or more without large gaps.
    /// </summary>
    /// <param name="dates">The window's dates (traded rows; history rows excluded).</param>
    /// <param name="format">Formats a date as the source wrote it.</param>
    /// <returns>The short-window notice, then the large-gap notice, each when it applies.</returns>
    public static IReadOnlyList<string> Of(ReadOnlySpan<DateOnly> dates, Func<DateOnly, string> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var notices = new List<string>();
        if (dates.Length < 2)
        {
            return notices;
        }

        var gaps = new int[dates.Length - 1];
        var weekend = false;
        for (var i = 0; i < dates.Length; i++)
        {
            weekend |= dates[i].DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (i > 0)
            {
                gaps[i - 1] = dates[i].DayNumber - dates[i - 1].DayNumber;
            }
        }

        var sorted = (int[])gaps.Clone();
        Array.Sort(sorted);
        var median = sorted[sorted.Length / 2];
        var periodsPerYear = PriceTable.PeriodsPerYearOf(median, weekend);
        var inv = CultureInfo.InvariantCulture;

        // Short: under a calendar year, or fewer returns than a year of the data's periods.
        var days = dates[^1].DayNumber - dates[0].DayNumber;
        if (days < 365 || gaps.Length < periodsPerYear)
        {
            notices.Add(string.Format(inv,
                "the window {0} .. {1} is shorter than a year ({2} rows, {3} returns, {4} days; a year of this data is about {5} periods): CAGR, volatility, Sharpe and Sortino are still annualised and shown, but they extrapolate from less than a year",
                format(dates[0]), format(dates[^1]), dates.Length, gaps.Length, days, periodsPerYear));
        }

        // Large gaps: longer than LargeGapFactor times the median spacing and than a week.
        var threshold = Math.Max(LargeGapFactor * median, LargeGapMinDays);
        var large = new List<int>();
        for (var i = 0; i < gaps.Length; i++)
        {
            if (gaps[i] > threshold)
            {
                large.Add(i);
            }
        }

        if (large.Count > 0)
        {
            var window = dates.ToArray();
            var listed = large.OrderByDescending(i => gaps[i]).ThenBy(i => i).Take(GapsListed).Order()
                .Select(i => string.Format(inv, "{0} .. {1} ({2} days)", format(window[i]), format(window[i + 1]), gaps[i]));
            notices.Add(string.Format(inv,
                "{0} large gap(s) between dates, longer than {1} days ({2}x the usual spacing of {3} day(s)): {4}{5}; the return across a gap counts as one period",
                large.Count, threshold, LargeGapFactor, median, string.Join(", ", listed), large.Count > GapsListed ? ", ..." : string.Empty));
        }

        return notices;
    }
}
