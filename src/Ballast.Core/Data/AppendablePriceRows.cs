namespace Ballast.Data;

/// <summary>
/// A price table that grows by appending rows (a date and one price per column), whose last row's prices may still
/// change, with <see cref="PriceTable"/> views over any run of its rows that copy nothing. Rows live in arrays that
/// double when full, so appending costs O(columns) amortised; a view costs O(1) and its calendar's period starts are
/// kept per view start as the rows grow, so a view's first calendar trigger costs O(rows appended since the last
/// one). The live NAV table keeps the children's NAV this way, so a keeper call does not copy the history.
/// </summary>
/// <remarks>
/// A view never sees a change: appended rows lie past its end, and the arrays are copied (O(rows), once) before a
/// change to the last row when a view already covers that row. Not thread-safe for writers; views may be read
/// from any thread.
/// </remarks>
internal sealed class AppendablePriceRows
{
    private readonly IReadOnlyList<string> _names;
    private readonly int _columns;
    private readonly Dictionary<(int First, CalendarFrequency Frequency), PeriodStartsFrom> _periodStarts = [];
    private readonly Lock _gate = new();
    private DateOnly[] _dates;
    private double[] _prices;

    // Rows [0, _shared) of the current arrays are covered by a view handed out: they must not change in place.
    private int _shared;

    /// <summary>Empty rows over <paramref name="names"/> (the columns, in order), room for <paramref name="capacity"/> rows before the first doubling.</summary>
    public AppendablePriceRows(IReadOnlyList<string> names, int capacity = 16)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _names = names;
        _columns = names.Count;
        _dates = new DateOnly[capacity];
        _prices = new double[capacity * _columns];
    }

    /// <summary>The number of rows appended.</summary>
    public int Count { get; private set; }

    /// <summary>The rows' dates, strictly ascending (valid until the next change).</summary>
    public ReadOnlySpan<DateOnly> Dates => _dates.AsSpan(0, Count);

    /// <summary>The date of the last row.</summary>
    /// <exception cref="InvalidOperationException">There are no rows.</exception>
    public DateOnly LastDate => Count > 0 ? _dates[Count - 1] : throw new InvalidOperationException("no rows yet");

    /// <summary>One row's prices, in column order (valid until the next change).</summary>
    public ReadOnlySpan<double> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return _prices.AsSpan(row * _columns, _columns);
    }

    /// <summary>Appends a row dated <paramref name="date"/> (after the last row's date) with one price per column.</summary>
    /// <exception cref="ArgumentException">The date is not after the last row's, or the prices are not one per column.</exception>
    public void Append(DateOnly date, ReadOnlySpan<double> prices)
    {
        if (prices.Length != _columns)
        {
            throw new ArgumentException($"{prices.Length} prices for {_columns} columns", nameof(prices));
        }

        if (Count > 0 && date <= _dates[Count - 1])
        {
            throw new ArgumentException($"{date:yyyy-MM-dd} is not after the last row's date {_dates[Count - 1]:yyyy-MM-dd}", nameof(date));
        }

        if (Count == _dates.Length)
        {
            // Doubling: the views keep the old arrays, which nothing writes to any more.
            var dates = new DateOnly[_dates.Length * 2];
            var cells = new double[dates.Length * _columns];
            _dates.AsSpan(0, Count).CopyTo(dates);
            _prices.AsSpan(0, Count * _columns).CopyTo(cells);
            (_dates, _prices, _shared) = (dates, cells, 0);
        }

        _dates[Count] = date;
        prices.CopyTo(_prices.AsSpan(Count * _columns, _columns));
        Count++;
    }

    /// <summary>Sets the last row's price in <paramref name="column"/>.</summary>
    /// <exception cref="InvalidOperationException">There are no rows.</exception>
    public void SetLast(int column, double price)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _columns);
        if (Count == 0)
        {
            throw new InvalidOperationException("no row to set a price in");
        }

        if (_shared >= Count)
        {
            // A view covers the last row: copy the prices so it keeps what it was given (the dates never change).
            _prices = (double[])_prices.Clone();
            _shared = 0;
        }

        _prices[((Count - 1) * _columns) + column] = price;
    }

    /// <summary>
    /// The <paramref name="rows"/> rows from <paramref name="first"/> as a table (no copy), with
    /// <paramref name="history"/> as its <see cref="PriceTable.History"/>. It never changes, whatever is appended or
    /// set later.
    /// </summary>
    public PriceTable View(int first, int rows, PriceTable? history = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + rows, Count, nameof(rows));
        _shared = Math.Max(_shared, first + rows);
        var calendar = new MarketCalendar(this, _dates, first, rows);
        return new PriceTable(_names, _dates, _prices, first, rows, calendar) { History = history };
    }

    /// <summary>
    /// The period-start flags of the rows from <paramref name="first"/> (index 0 is row <paramref name="first"/>,
    /// which starts no period), at least <paramref name="rows"/> of them: one array per view start and frequency,
    /// extended as the rows grow (doubling), so the flags of a row are computed once.
    /// </summary>
    internal bool[] PeriodStarts(CalendarFrequency frequency, int first, int rows)
    {
        lock (_gate)
        {
            if (!_periodStarts.TryGetValue((first, frequency), out var starts))
            {
                starts = new PeriodStartsFrom(first);
                _periodStarts.Add((first, frequency), starts);
            }

            starts.Extend(frequency, _dates, rows);
            return starts.Flags;
        }
    }

    /// <summary>The period-start flags of the rows from one start, computed for the first <see cref="Computed"/> of them.</summary>
    private sealed class PeriodStartsFrom(int first)
    {
        public bool[] Flags { get; private set; } = new bool[16];

        public int Computed { get; private set; }

        public void Extend(CalendarFrequency frequency, DateOnly[] dates, int rows)
        {
            if (rows <= Computed)
            {
                return;
            }

            if (rows > Flags.Length)
            {
                // A new array: the one handed out before keeps its (final) flags for the rows it covered.
                var grown = new bool[Math.Max(rows, Flags.Length * 2)];
                Flags.AsSpan(0, Computed).CopyTo(grown);
                Flags = grown;
            }

            for (var i = Math.Max(Computed, 1); i < rows; i++)
            {
                Flags[i] = frequency.PeriodKey(dates[first + i]) != frequency.PeriodKey(dates[first + i - 1]);
            }

            Computed = rows;
        }
    }
}
