namespace Ballast.Data;

/// <summary>How the numbers in a data file are to be read.</summary>
public enum ValueKind
{
    /// <summary>Prices or NAV per share (levels); must be finite and positive.</summary>
    Prices,

    /// <summary>Period returns in percent (1.23 = 1.23 %).</summary>
    ReturnsPercent,

    /// <summary>Period returns as fractions (0.0123 = 1.23 %).</summary>
    ReturnsFraction,
}

/// <summary>How interior gaps (an empty cell after a series' first value) are treated.</summary>
public enum FillMode
{
    /// <summary>An interior gap is an error.</summary>
    None,

    /// <summary>An interior gap carries the last value forward (a zero return).</summary>
    Forward,
}

/// <summary>
/// A wide table of series as read from a file: one row per date, one column per series, levels (returns are
/// already compounded into an index), <see cref="double.NaN"/> where a cell was empty.
/// </summary>
public sealed class MarketData
{
    internal MarketData(string source, string[] names, DateOnly[] dates, int[] lines, double[] values, bool monthly)
    {
        Source = source;
        Names = names;
        Dates = dates;
        Lines = lines;
        Values = values;
        IsMonthly = monthly;
    }

    /// <summary>The file (or other source) the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The column (series) names from the header, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The row dates, strictly ascending (a monthly date is the last day of its month).</summary>
    public IReadOnlyList<DateOnly> Dates { get; }

    /// <summary>The 1-based line of the file each row came from.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Row-major levels: <c>Values[row * Names.Count + column]</c>; NaN = no data.</summary>
    internal double[] Values { get; }

    /// <summary>True when dates were written <c>YYYY-MM</c> (each stands for the last day of its month).</summary>
    public bool IsMonthly { get; }

    /// <summary>The number of data rows.</summary>
    public int RowCount => Dates.Count;

    /// <summary>The number of series columns (the date column excluded).</summary>
    public int ColumnCount => Names.Count;

    /// <summary>The level of one series on one row.</summary>
    /// <param name="row">The row, 0 to <see cref="RowCount"/> − 1.</param>
    /// <param name="column">The column, 0 to <see cref="ColumnCount"/> − 1.</param>
    /// <returns>The value as read, or NaN where the file has no data for that cell.</returns>
    /// <remarks>Only the flat index is bounds-checked: a column past the end reads the next row.</remarks>
    public double this[int row, int column] => Values[(row * Names.Count) + column];

    /// <summary>Formats a date the way the file wrote it.</summary>
    public string FormatDate(DateOnly date) => DateText.Format(date, IsMonthly);

    /// <summary>The column index of a series, or -1.</summary>
    public int IndexOf(string name)
        => NameMatching.IndexOf(Names, name);

    /// <summary>The first row on which a column has a value, or -1 when it has none.</summary>
    public int FirstValidRow(int column)
    {
        for (var row = 0; row < RowCount; row++)
        {
            if (!double.IsNaN(this[row, column]))
            {
                return row;
            }
        }

        return -1;
    }
}

/// <summary>Date formatting and parsing shared by readers and writers.</summary>
public static class DateText
{
    /// <summary>Formats a date as <c>YYYY-MM</c> when <paramref name="monthly"/>, else <c>YYYY-MM-DD</c> (invariant culture).</summary>
    /// <param name="date">The date.</param>
    /// <param name="monthly">True to write only the year and month.</param>
    /// <returns>The formatted date.</returns>
    public static string Format(DateOnly date, bool monthly) =>
        monthly ? date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)
                : date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses <c>YYYY-MM-DD</c>, or <c>YYYY-MM</c> which stands for the last day of that month.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateOnly date, out bool monthly)
    {
        date = default;
        monthly = false;
        if (text.Length == 7 && text[4] == '-' && AllDigits(text[..4]) && AllDigits(text[5..7]))
        {
            var year = int.Parse(text[..4], System.Globalization.CultureInfo.InvariantCulture);
            var month = int.Parse(text[5..7], System.Globalization.CultureInfo.InvariantCulture);
            if (year < 1 || month is < 1 or > 12)
            {
                return false;
            }

            date = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
            monthly = true;
            return true;
        }

        if (text.Length == 10 && text[4] == '-' && text[7] == '-' && AllDigits(text[..4]) && AllDigits(text[5..7]) && AllDigits(text[8..10]))
        {
            return DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date);
        }

        return false;
    }

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
