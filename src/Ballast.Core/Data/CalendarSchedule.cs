namespace Ballast.Data;

/// <summary>Which row of each calendar period a calendar trigger (or a drift check) fires on.</summary>
public enum CalendarAnchor
{
    /// <summary>The first row of each new period (the default): known on that row, since its period differs from the previous row's.</summary>
    PeriodStart,

    /// <summary>
    /// The last row of each period, known on that row without reading the next one: the row whose next expected date
    /// (by the data's rhythm) falls in a new period; when a period ends with no such row (a holiday or a gap on its
    /// last expected date), the first row of the next period instead.
    /// </summary>
    PeriodEnd,
}

/// <summary>
/// A calendar schedule: a frequency, the anchor (period start or end) and the phase (<see cref="Offset"/>). Decides,
/// from a row's date and the previous row's only (never a later row), whether the row is one the schedule fires on,
/// so a backtest and a live keeper deciding on the same rows agree.
/// </summary>
/// <param name="Frequency">The calendar period.</param>
/// <param name="Anchor">The first or the last row of each period.</param>
/// <param name="Offset">
/// The phase: quarterly, semiannual and annual periods start this many months after January (quarterly with 1:
/// February, May, August and November); weekly periods this many days after Monday. 0 to <see cref="MaxOffset"/>.
/// </param>
public sealed record CalendarSchedule(CalendarFrequency Frequency, CalendarAnchor Anchor = CalendarAnchor.PeriodStart, int Offset = 0)
{
    /// <summary>The spec spelling of each anchor, in enum order.</summary>
    public static readonly IReadOnlyList<string> AnchorNames = ["period-start", "period-end"];

    /// <summary>True for the default schedule of a frequency: period start, no offset (what a bare frequency means).</summary>
    public bool IsPlain => Anchor == CalendarAnchor.PeriodStart && Offset == 0;

    /// <summary>The largest offset a frequency takes: 6 days for weekly, 2, 5 and 11 months for quarterly, semiannual and annual, 0 for daily and monthly.</summary>
    public static int MaxOffset(CalendarFrequency frequency) => frequency switch
    {
        CalendarFrequency.Weekly => 6,
        CalendarFrequency.Quarterly => 2,
        CalendarFrequency.Semiannual => 5,
        CalendarFrequency.Annual => 11,
        _ => 0,
    };

    /// <summary>The period a date belongs to, shifted by <see cref="Offset"/>; two dates share a period exactly when their keys are equal.</summary>
    public int PeriodKey(DateOnly date)
    {
        if (Offset == 0)
        {
            return Frequency.PeriodKey(date);
        }

        if (Frequency == CalendarFrequency.Weekly)
        {
            // Weeks starting Offset days after Monday: shift the date back so the week's first day falls on a Monday.
            return CalendarFrequency.Weekly.PeriodKey(date.AddDays(-Offset));
        }

        var months = Frequency switch
        {
            CalendarFrequency.Quarterly => 3,
            CalendarFrequency.Semiannual => 6,
            CalendarFrequency.Annual => 12,
            _ => throw new InvalidOperationException($"{Frequency.ToSpecName()} takes no offset"),
        };
        var month = (date.Year * 12) + date.Month - 1 - Offset;
        return (int)Math.Floor(month / (double)months);
    }

    /// <summary>True when <paramref name="row"/>'s date is in a different period from the previous row's (row 0 never is).</summary>
    public bool StartsPeriod(ReadOnlySpan<DateOnly> dates, int row) =>
        row >= 1 && PeriodKey(dates[row]) != PeriodKey(dates[row - 1]);

    /// <summary>
    /// True when a row dated <paramref name="date"/> is the last of its period for data of
    /// <paramref name="periodsPerYear"/> rows a year: the next row expected by that rhythm
    /// (<see cref="NextExpectedDate"/>) falls in a new period.
    /// </summary>
    public bool EndsPeriod(DateOnly date, int periodsPerYear) =>
        PeriodKey(date) != PeriodKey(NextExpectedDate(date, periodsPerYear));

    /// <summary>
    /// Whether the schedule fires on <paramref name="row"/> of <paramref name="dates"/> (reading that row's date and
    /// the previous row's, never a later one). Period start: the row starts a new period. Period end: the row ends its
    /// period (<see cref="EndsPeriod"/>), or it starts a new period whose predecessor ended without such a row (a
    /// late catch-up, never a skipped period). Row 0 never fires.
    /// </summary>
    public bool Fires(ReadOnlySpan<DateOnly> dates, int row, int periodsPerYear)
    {
        if (row < 1)
        {
            return false;
        }

        if (Anchor == CalendarAnchor.PeriodStart)
        {
            return StartsPeriod(dates, row);
        }

        return EndsPeriod(dates[row], periodsPerYear)
            || (StartsPeriod(dates, row) && !EndsPeriod(dates[row - 1], periodsPerYear));
    }

    /// <summary>The per-row flags of <see cref="Fires"/> over a whole run of dates.</summary>
    public bool[] FiringRows(ReadOnlySpan<DateOnly> dates, int periodsPerYear)
    {
        var flags = new bool[dates.Length];
        for (var row = 1; row < dates.Length; row++)
        {
            flags[row] = Fires(dates, row, periodsPerYear);
        }

        return flags;
    }

    /// <summary>
    /// The date of the row after one dated <paramref name="date"/>, by the data's rhythm: the next calendar day (365 or
    /// more rows a year, every day traded), the next weekday (100 or more: trading days), 7 days later (40 or more:
    /// weekly), one month later (10 or more: monthly; month-end stays month-end, e.g. 31 January → 29 February),
    /// three months (3 or more: quarterly), six months (2: half-yearly), else one year.
    /// </summary>
    public static DateOnly NextExpectedDate(DateOnly date, int periodsPerYear) => periodsPerYear switch
    {
        >= 300 => date.AddDays(1),
        >= 100 => date.DayOfWeek switch
        {
            DayOfWeek.Friday => date.AddDays(3),
            DayOfWeek.Saturday => date.AddDays(2),
            _ => date.AddDays(1),
        },
        >= 40 => date.AddDays(7),
        >= 10 => NextMonth(date, 1),
        >= 3 => NextMonth(date, 3),
        >= 2 => NextMonth(date, 6),
        _ => NextMonth(date, 12),
    };

    /// <summary>The trigger's description in reasons and reports, e.g. "calendar quarterly (period-end, offset 1)".</summary>
    public string Describe(string prefix) => IsPlain
        ? $"{prefix} {Frequency.ToSpecName()}"
        : $"{prefix} {Frequency.ToSpecName()} ({AnchorNames[(int)Anchor]}{(Offset == 0 ? "" : $", offset {Offset}")})";

    // Month-end dates stay month-end (30 April → 31 May), so month-end data keeps its rhythm.
    private static DateOnly NextMonth(DateOnly date, int months)
    {
        var next = date.AddMonths(months);
        return date.Day == DateTime.DaysInMonth(date.Year, date.Month)
            ? new DateOnly(next.Year, next.Month, DateTime.DaysInMonth(next.Year, next.Month))
            : next;
    }
}
