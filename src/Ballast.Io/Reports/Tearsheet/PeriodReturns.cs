namespace Ballast.Io.Reports.Tearsheet;

/// <summary>The return of one calendar period (a month or a year) of a NAV series.</summary>
/// <param name="Year">The calendar year.</param>
/// <param name="Month">The month, 1 .. 12, or 0 for a whole year.</param>
/// <param name="From">The date of the close the return starts from (the previous period's last row, or the window's first row).</param>
/// <param name="To">The date of the period's last row in the window.</param>
/// <param name="Return">NAV at <paramref name="To"/> / NAV at <paramref name="From"/> − 1, a fraction.</param>
/// <param name="Partial">
/// True when the window does not cover the whole period: the first period (it starts at the window's first close, so it
/// misses the period's earlier returns), and the last period when the window ends before the period does (see
/// <see cref="PeriodReturns"/>).
/// </param>
public sealed record PeriodReturn(int Year, int Month, DateOnly From, DateOnly To, double Return, bool Partial);

/// <summary>
/// Calendar monthly and yearly returns from the row dates, as QuantStats and pyfolio tabulate them: a period's return runs
/// from the last close of the previous period to the period's last close, so returns compound across periods
/// (Π (1 + rₖ) = final / first NAV). The first period runs from the window's first close and is marked partial; a
/// first period holding only that one row has no return and is left out (on month-end data the first full month
/// follows). The last period is marked partial when the window ends before the period does: when its last date plus
/// the typical gap between rows (the median, at least 3 days so a Friday close ends its week) is still inside the period.
/// </summary>
public static class PeriodReturns
{
    /// <summary>Returns by calendar month, in date order.</summary>
    public static IReadOnlyList<PeriodReturn> Monthly(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> nav) => Compute(dates, nav, monthly: true);

    /// <summary>Returns by calendar year, in date order (<see cref="PeriodReturn.Month"/> is 0).</summary>
    public static IReadOnlyList<PeriodReturn> Yearly(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> nav) => Compute(dates, nav, monthly: false);

    /// <summary>The typical gap between consecutive dates in days: the median, at least 3 (1 for fewer than two dates).</summary>
    public static int TypicalGapDays(ReadOnlySpan<DateOnly> dates)
    {
        if (dates.Length < 2)
        {
            return 1;
        }

        var gaps = new int[dates.Length - 1];
        for (var i = 1; i < dates.Length; i++)
        {
            gaps[i - 1] = dates[i].DayNumber - dates[i - 1].DayNumber;
        }

        Array.Sort(gaps);
        return Math.Max(3, gaps[gaps.Length / 2]);
    }

    private static List<PeriodReturn> Compute(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> nav, bool monthly)
    {
        var n = Math.Min(dates.Length, nav.Length);
        var result = new List<PeriodReturn>();
        if (n < 2)
        {
            return result;
        }

        var gap = TypicalGapDays(dates[..n]);
        var baseRow = 0;
        var start = 0;
        while (start < n)
        {
            var end = start;
            while (end + 1 < n && Key(dates[end + 1], monthly) == Key(dates[start], monthly))
            {
                end++;
            }

            // The first period's base is its own first row: with only that row there is nothing to measure.
            if (end > baseRow)
            {
                var first = baseRow == 0 && start == 0;
                var last = end == n - 1 && dates[end].DayNumber + gap <= PeriodEnd(dates[end], monthly).DayNumber;
                result.Add(new PeriodReturn(
                    dates[start].Year,
                    monthly ? dates[start].Month : 0,
                    dates[baseRow],
                    dates[end],
                    (nav[end] / nav[baseRow]) - 1,
                    first || last));
            }

            baseRow = end;
            start = end + 1;
        }

        return result;
    }

    private static int Key(DateOnly date, bool monthly) => monthly ? (date.Year * 12) + date.Month : date.Year;

    private static DateOnly PeriodEnd(DateOnly date, bool monthly) =>
        monthly ? new DateOnly(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month)) : new DateOnly(date.Year, 12, 31);
}
