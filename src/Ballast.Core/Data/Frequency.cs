using System.Globalization;

namespace Ballast.Data;

/// <summary>Calendar periods used by calendar triggers and drift check frequencies.</summary>
public enum CalendarFrequency
{
    /// <summary>Every calendar day: each row after the first starts a period.</summary>
    Daily,
    /// <summary>ISO weeks, Monday to Sunday (ISO week-numbering year).</summary>
    Weekly,
    /// <summary>Calendar months.</summary>
    Monthly,
    /// <summary>Calendar quarters starting January, April, July and October.</summary>
    Quarterly,
    /// <summary>Calendar half-years starting January and July.</summary>
    Semiannual,
    /// <summary>Calendar years.</summary>
    Annual,
}

/// <summary>Helpers for <see cref="CalendarFrequency"/>.</summary>
public static class CalendarFrequencies
{
    /// <summary>The spec spelling of each frequency, in enum order.</summary>
    public static readonly IReadOnlyList<string> Names = ["daily", "weekly", "monthly", "quarterly", "semiannual", "annual"];

    /// <summary>The frequency as spelled in a policy spec, e.g. "semiannual".</summary>
    /// <param name="frequency">The frequency.</param>
    /// <returns>Its entry in <see cref="Names"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frequency"/> is not a defined value.</exception>
    public static string ToSpecName(this CalendarFrequency frequency) => Names[(int)frequency];

    /// <summary>Reads a frequency's spec spelling, exactly and case-sensitively (one of <see cref="Names"/>).</summary>
    /// <param name="text">The spelling, e.g. "monthly".</param>
    /// <param name="frequency">The frequency read, or <see cref="CalendarFrequency.Daily"/> (the default) when none matches.</param>
    /// <returns>True when <paramref name="text"/> is one of <see cref="Names"/>.</returns>
    public static bool TryParse(string text, out CalendarFrequency frequency)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], text, StringComparison.Ordinal))
            {
                frequency = (CalendarFrequency)i;
                return true;
            }
        }

        frequency = default;
        return false;
    }

    /// <summary>
    /// A number identifying the calendar period a date belongs to; two dates are in the same period exactly when
    /// their keys are equal. Weeks are ISO weeks (Monday to Sunday, ISO week-numbering year).
    /// </summary>
    public static int PeriodKey(this CalendarFrequency frequency, DateOnly date) => frequency switch
    {
        CalendarFrequency.Daily => date.DayNumber,
        CalendarFrequency.Weekly => (ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)) * 100) + ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)),
        CalendarFrequency.Monthly => (date.Year * 12) + date.Month - 1,
        CalendarFrequency.Quarterly => (date.Year * 4) + ((date.Month - 1) / 3),
        CalendarFrequency.Semiannual => (date.Year * 2) + ((date.Month - 1) / 6),
        CalendarFrequency.Annual => date.Year,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "unknown calendar frequency"),
    };
}

/// <summary>
/// The dates of a price history with, per calendar frequency, which rows start a new period
/// (the row's period differs from the previous row's). Row 0 never starts a period: it has no predecessor.
/// </summary>
public sealed class MarketCalendar
{
    private readonly DateOnly[] _dates;
    private readonly int _first;
    private readonly AppendablePriceRows? _rows;
    private readonly bool[]?[] _starts = new bool[]?[CalendarFrequencies.Names.Count];
    private readonly Lock _gate = new();

    /// <summary>A calendar over the given row dates; period starts are computed on first use per frequency.</summary>
    /// <param name="dates">The rows' dates, strictly ascending; the array is kept, not copied, and must not change.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dates"/> is null.</exception>
    public MarketCalendar(DateOnly[] dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        _dates = dates;
        Count = dates.Length;
    }

    /// <summary>A calendar over <paramref name="count"/> rows of appendable rows from <paramref name="first"/>, whose period starts the rows keep as they grow.</summary>
    internal MarketCalendar(AppendablePriceRows rows, DateOnly[] dates, int first, int count)
    {
        _rows = rows;
        _dates = dates;
        _first = first;
        Count = count;
    }

    /// <summary>The rows' dates, in order.</summary>
    public ReadOnlySpan<DateOnly> Dates => _dates.AsSpan(_first, Count);

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>True when <paramref name="row"/> is the first row of a new period of <paramref name="frequency"/>.</summary>
    public bool StartsPeriod(CalendarFrequency frequency, int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return Starts(frequency)[row];
    }

    /// <summary>
    /// The per-row flags for one frequency, computed once and cached: <see cref="Count"/> of them, or more for a
    /// calendar over appendable rows (the live NAV table shares one growing array between its views; the flags past
    /// <see cref="Count"/> belong to later rows).
    /// </summary>
    public bool[] Starts(CalendarFrequency frequency)
    {
        if (_rows is not null)
        {
            return _rows.PeriodStarts(frequency, _first, Count);
        }

        var cached = Volatile.Read(ref _starts[(int)frequency]);
        if (cached is not null)
        {
            return cached;
        }

        lock (_gate)
        {
            cached = _starts[(int)frequency];
            if (cached is null)
            {
                cached = new bool[_dates.Length];
                for (var i = 1; i < _dates.Length; i++)
                {
                    cached[i] = frequency.PeriodKey(_dates[i]) != frequency.PeriodKey(_dates[i - 1]);
                }

                Volatile.Write(ref _starts[(int)frequency], cached);
            }
        }

        return cached;
    }
}
