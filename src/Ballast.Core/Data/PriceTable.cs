namespace Ballast.Data;

/// <summary>
/// A dense, aligned window of prices ready for simulation: every cell has a finite positive value.
/// Prices are row-major (<c>Prices[row * ColumnCount + column]</c>) so one row is one contiguous span. A table is
/// built from arrays, or is a view of a run of appendable rows (<see cref="AppendablePriceRows"/>, the live NAV
/// table), which copies nothing unless <see cref="Dates"/> or <see cref="Prices"/> is asked for.
/// </summary>
public sealed class PriceTable
{
    // The rows live in _dateBuffer/_priceBuffer from _firstRow on: the whole arrays for a table built from arrays, a
    // run of an appendable buffer's rows for a view (AppendablePriceRows). _dates/_prices are the exact arrays, made
    // on first use for a view.
    private readonly DateOnly[] _dateBuffer;
    private readonly double[] _priceBuffer;
    private readonly int _firstRow;
    private DateOnly[]? _dates;
    private double[]? _prices;

    /// <summary>A table over the given columns and rows; the arrays are kept, not copied, and must not change.</summary>
    /// <param name="names">The column (series) names, in column order.</param>
    /// <param name="dates">The row dates, strictly ascending.</param>
    /// <param name="prices">Row-major prices, <c>names.Count × dates.Length</c> of them, each finite and positive.</param>
    /// <param name="monthly">True when the source wrote dates as <c>YYYY-MM</c>, so dates are formatted that way.</param>
    /// <param name="notices">Things the user should know about how the window was chosen; none when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="notices"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="prices"/> does not have one value per cell.</exception>
    public PriceTable(IReadOnlyList<string> names, DateOnly[] dates, double[] prices, bool monthly = false, IReadOnlyList<string>? notices = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(prices);
        if (prices.Length != names.Count * dates.Length)
        {
            throw new ArgumentException($"expected {names.Count * dates.Length} prices, got {prices.Length}", nameof(prices));
        }

        Names = names;
        _dates = dates;
        _prices = prices;
        _dateBuffer = dates;
        _priceBuffer = prices;
        RowCount = dates.Length;
        IsMonthly = monthly;
        Notices = notices ?? [];
        Calendar = new MarketCalendar(dates);
    }

    /// <summary>
    /// A view of <paramref name="rows"/> rows of appendable buffers from row <paramref name="firstRow"/> (the rows
    /// are shared, not copied; the owner never changes a row a view covers), with the buffer's calendar view.
    /// </summary>
    internal PriceTable(IReadOnlyList<string> names, DateOnly[] dateBuffer, double[] priceBuffer, int firstRow, int rows, MarketCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow + rows, dateBuffer.Length, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((firstRow + rows) * names.Count, priceBuffer.Length, nameof(rows));
        Names = names;
        _dateBuffer = dateBuffer;
        _priceBuffer = priceBuffer;
        _firstRow = firstRow;
        RowCount = rows;
        Notices = [];
        Calendar = calendar;
    }

    private PriceTable(PriceTable view, IReadOnlyList<string> notices)
    {
        Names = view.Names;
        _dates = view._dates;
        _prices = view._prices;
        _dateBuffer = view._dateBuffer;
        _priceBuffer = view._priceBuffer;
        _firstRow = view._firstRow;
        RowCount = view.RowCount;
        IsMonthly = view.IsMonthly;
        Notices = notices;
        Calendar = view.Calendar;
    }

    /// <summary>The column (series) names, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The window's row dates, strictly ascending; row 0 is the first traded row.</summary>
    /// <remarks>
    /// For a view of appendable rows (the live NAV table) the array is copied on first use, O(rows): code that must
    /// not depend on the history's length reads <see cref="DateSpan"/> or <see cref="Calendar"/> instead.
    /// </remarks>
    public DateOnly[] Dates => _dates ??= DateSpan.ToArray();

    /// <summary>The window's row dates, without copying.</summary>
    public ReadOnlySpan<DateOnly> DateSpan => _dateBuffer.AsSpan(_firstRow, RowCount);

    /// <summary>
    /// Rows before the window, kept for estimators that look back (covariance lookbacks): the same columns, ending on
    /// the row just before <see cref="Dates"/>[0]. Null when none were asked for. Nothing trades on them.
    /// </summary>
    public PriceTable? History { get; init; }

    /// <summary>
    /// Series the policy reads but does not hold (e.g. a beta reference outside the universe): the same dates, with
    /// their own <see cref="History"/>. Null when there are none.
    /// </summary>
    public PriceTable? References { get; init; }

    /// <summary>The columns a policy holds, with the series it only reads attached as <see cref="References"/>.</summary>
    public PriceTable SelectFor(IReadOnlyList<string> columns, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        var selected = Select(columns);
        return references.Count == 0 ? selected : selected.WithReferences(Select(references));
    }

    /// <summary>This table with <paramref name="references"/> attached (same dates required).</summary>
    public PriceTable WithReferences(PriceTable references)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.RowCount != RowCount || (references.History?.RowCount ?? 0) != (History?.RowCount ?? 0))
        {
            throw new ArgumentException("reference series must cover the same rows as the table", nameof(references));
        }

        return new PriceTable(this, Notices) { History = History, References = references };
    }

    /// <summary>
    /// The <paramref name="lookback"/> returns of one series ending at <paramref name="row"/>: a column of this table
    /// or of <see cref="References"/>.
    /// </summary>
    public double[] SeriesReturnsEndingAt(string name, int row, int lookback)
    {
        var table = IndexOf(name) >= 0 ? this : References is { } r && r.IndexOf(name) >= 0 ? r : null;
        if (table is null)
        {
            throw new BallastInputException($"the series '{name}' is not in the data given to this policy");
        }

        var column = table.IndexOf(name);
        var all = table.ReturnsEndingAt(row, lookback);
        return [.. Enumerable.Range(0, lookback).Select(k => all[k, column])];
    }

    /// <summary>Rows available for looking back from window row <paramref name="row"/>: the history rows plus rows 0..row.</summary>
    public int RowsUpTo(int row) => (History?.RowCount ?? 0) + row + 1;

    /// <summary>
    /// The <paramref name="lookback"/> simple returns ending at window row <paramref name="row"/> (rows of the result
    /// oldest first), reaching into <see cref="History"/> when needed. Nothing after <paramref name="row"/> is read.
    /// </summary>
    public double[,] ReturnsEndingAt(int row, int lookback)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookback, 1);
        if (RowsUpTo(row) < lookback + 1)
        {
            throw new ArgumentException($"{lookback} returns ending at row {row} need {lookback + 1} prices; only {RowsUpTo(row)} are available", nameof(lookback));
        }

        var n = ColumnCount;
        var historyRows = History?.RowCount ?? 0;
        var history = History is { } h ? h.PriceSpan : default;
        var window = PriceSpan;
        var end = historyRows + row;
        var result = new double[lookback, n];
        for (var k = 0; k < lookback; k++)
        {
            var r = end - lookback + 1 + k;
            var now = r < historyRows ? history.Slice(r * n, n) : window.Slice((r - historyRows) * n, n);
            var before = r - 1 < historyRows ? history.Slice((r - 1) * n, n) : window.Slice((r - 1 - historyRows) * n, n);
            for (var c = 0; c < n; c++)
            {
                result[k, c] = (now[c] / before[c]) - 1;
            }
        }

        return result;
    }

    /// <summary>Row-major prices, <c>Prices[row * ColumnCount + column]</c>, each finite and positive.</summary>
    /// <remarks>
    /// For a view of appendable rows (the live NAV table) the array is copied on first use, O(rows × columns): code
    /// that must not depend on the history's length reads <see cref="PriceSpan"/> or <see cref="Row"/> instead.
    /// </remarks>
    public double[] Prices => _prices ??= PriceSpan.ToArray();

    /// <summary>Row-major prices as <see cref="Prices"/>, without copying.</summary>
    public ReadOnlySpan<double> PriceSpan => _priceBuffer.AsSpan(_firstRow * Names.Count, RowCount * Names.Count);

    /// <summary>True once <see cref="Dates"/> or <see cref="Prices"/> copied a view's rows into arrays (always for a table built from arrays).</summary>
    internal bool HasArrays => _dates is not null || _prices is not null;

    /// <summary>True when the source wrote dates as <c>YYYY-MM</c> (each the last day of its month).</summary>
    public bool IsMonthly { get; }

    /// <summary>Things the user should know about how the window was chosen (printed to stderr by the CLI).</summary>
    public IReadOnlyList<string> Notices { get; }

    /// <summary>The window's dates with their calendar period starts, for calendar triggers.</summary>
    public MarketCalendar Calendar { get; }

    /// <summary>The number of window rows (history rows excluded).</summary>
    public int RowCount { get; }

    /// <summary>The number of columns (series).</summary>
    public int ColumnCount => Names.Count;

    /// <summary>One window row's prices, in column order, without copying.</summary>
    /// <param name="row">The window row, 0 to <see cref="RowCount"/> − 1.</param>
    /// <returns>A span over <see cref="Prices"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside the table.</exception>
    public ReadOnlySpan<double> Row(int row) => PriceSpan.Slice(row * Names.Count, Names.Count);

    /// <summary>Formats a date the way the source wrote it: <c>YYYY-MM</c> when <see cref="IsMonthly"/>, else <c>YYYY-MM-DD</c>.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The formatted date (invariant culture).</returns>
    public string FormatDate(DateOnly date) => DateText.Format(date, IsMonthly);

    /// <summary>The column index of a series, matched exactly (ordinal).</summary>
    /// <param name="name">The series name.</param>
    /// <returns>The column index, or -1 when the table has no such column.</returns>
    public int IndexOf(string name)
        => NameMatching.IndexOf(Names, name);

    /// <summary>
    /// This table with its first rows turned into history (for a lookback of <paramref name="rows"/> returns), when it
    /// has less history than that; the window then starts later, and a notice says so. At least
    /// <paramref name="minWindowRows"/> window rows are left: a backtest needs two, a live vault's keeper one (the row
    /// it is called on, which may be the first with the whole lookback).
    /// </summary>
    /// <exception cref="BallastInputException">Fewer than <paramref name="minWindowRows"/> rows would be left after the history.</exception>
    public PriceTable WithHistory(int rows, int minWindowRows = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(minWindowRows, 1);
        var have = History?.RowCount ?? 0;
        if (have >= rows)
        {
            return this;
        }

        var move = rows - have;
        if (RowCount - move < minWindowRows)
        {
            throw new BallastInputException($"the data has {RowCount + have} rows, but a covariance lookback of {rows} returns leaves fewer than {(minWindowRows == 2 ? "two" : minWindowRows.ToString(System.Globalization.CultureInfo.InvariantCulture))} to backtest; shorten the lookback or use more data");
        }

        var n = ColumnCount;
        var dates = DateSpan;
        var prices = PriceSpan;
        DateOnly[] historyDates = [.. History is { } h ? h.DateSpan : default, .. dates[..move]];
        double[] historyPrices = [.. History is { } hp ? hp.PriceSpan : default, .. prices[..(move * n)]];
        var notices = Notices.Append($"starting on {FormatDate(dates[move])}: the {rows} rows before it are history for the lookback (covariance or volatility window)").ToList();
        return new PriceTable(Names, dates[move..].ToArray(), prices[(move * n)..].ToArray(), IsMonthly, notices)
        {
            History = new PriceTable(Names, historyDates, historyPrices, IsMonthly),
        };
    }

    /// <summary>A table with only the given columns, in the given order (shares nothing mutable).</summary>
    public PriceTable Select(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var indexes = new int[columns.Count];
        var identity = columns.Count == ColumnCount;
        for (var i = 0; i < columns.Count; i++)
        {
            indexes[i] = IndexOf(columns[i]);
            if (indexes[i] < 0)
            {
                throw new ArgumentException($"unknown column '{columns[i]}'", nameof(columns));
            }

            identity &= indexes[i] == i;
        }

        if (identity)
        {
            return this;
        }

        var prices = new double[RowCount * columns.Count];
        var source = PriceSpan;
        for (var r = 0; r < RowCount; r++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                prices[(r * columns.Count) + c] = source[(r * ColumnCount) + indexes[c]];
            }
        }

        return new PriceTable([.. columns], Dates, prices, IsMonthly, Notices) { History = History?.Select(columns) };
    }

    /// <summary>
    /// Periods per year inferred from the median spacing of dates: 1 for annual, 4 for quarterly, 12 for monthly, 52 for weekly, 365 for daily data that
    /// includes weekends (calendar days, e.g. crypto), otherwise 252 (trading days).
    /// </summary>
    public int InferPeriodsPerYear()
    {
        if (RowCount + (History?.RowCount ?? 0) < 2)
        {
            return 252;
        }

        // History rows count too: a short window right after a lookback still has the data's rhythm.
        DateOnly[] all = [.. History is { } h ? h.DateSpan : default, .. DateSpan];
        var gaps = new int[all.Length - 1];
        var weekend = false;
        for (var i = 1; i < all.Length; i++)
        {
            gaps[i - 1] = all[i].DayNumber - all[i - 1].DayNumber;
        }

        foreach (var d in all)
        {
            weekend |= d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        }

        Array.Sort(gaps);
        return PeriodsPerYearOf(gaps[gaps.Length / 2], weekend);
    }

    /// <summary>
    /// Periods per year for dates whose median spacing is <paramref name="medianGapDays"/> days
    /// (<see cref="InferPeriodsPerYear"/>'s rule; the live NAV table keeps the gaps as running counts).
    /// </summary>
    internal static int PeriodsPerYearOf(int medianGapDays, bool weekend) => medianGapDays switch
    {
        >= 300 => 1,
        >= 80 => 4,
        >= 25 => 12,
        >= 5 => 52,
        _ => weekend ? 365 : 252,
    };
}

/// <summary>Choosing the simulation window from raw data: start date, end date, gaps.</summary>
public static class PriceWindow
{
    /// <summary>
    /// Builds the dense window for <paramref name="universe"/>. By default it starts on the first date on which every
    /// series has a value (and says so in <see cref="PriceTable.Notices"/>); an explicit <paramref name="from"/> before
    /// that is an error naming the late series. Interior gaps are an error unless <paramref name="fill"/> is forward.
    /// </summary>
    /// <remarks>
    /// <c>historyRows</c>: rows of history to keep before the window for estimators (a covariance lookback of N
    /// returns needs N rows); the default start moves later if the data has fewer, and an explicit <c>from</c> that
    /// leaves too few is an error.
    /// </remarks>
    public static PriceTable Build(MarketData data, IReadOnlyList<string> universe, DateOnly? from = null, DateOnly? to = null, FillMode fill = FillMode.None, Func<string, InputLocation?>? specLocation = null, int historyRows = 0, int minRows = 2)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(universe);
        if (universe.Count == 0)
        {
            throw new BallastInputException("the universe is empty; name at least one column of the data file");
        }

        var columns = new int[universe.Count];
        for (var i = 0; i < universe.Count; i++)
        {
            columns[i] = data.IndexOf(universe[i]);
            if (columns[i] < 0)
            {
                var suggestion = NameMatching.Suggest(universe[i], data.Names);
                var where = specLocation?.Invoke(universe[i]);
                var message = $"series '{universe[i]}' is not a column of {data.Source}{(suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")}; its columns are: {string.Join(", ", data.Names)}";
                throw where is null ? new BallastInputException(new InputLocation(data.Source, 1), message) : new BallastInputException(where, message);
            }
        }

        var notices = new List<string>();
        var firstRows = new int[columns.Length];
        var commonStart = 0;
        var latest = -1;
        for (var i = 0; i < columns.Length; i++)
        {
            firstRows[i] = data.FirstValidRow(columns[i]);
            if (firstRows[i] < 0)
            {
                throw new BallastInputException(new InputLocation(data.Source, Field: universe[i]), $"series '{universe[i]}' has no values at all");
            }

            if (firstRows[i] > commonStart)
            {
                commonStart = firstRows[i];
                latest = i;
            }
        }

        if (from is { } f && to is { } t && f > t)
        {
            throw new BallastInputException($"--from {data.FormatDate(f)} is after --to {data.FormatDate(t)}; the window would be empty");
        }

        int start;
        if (from is { } fromDate)
        {
            start = FirstRowOnOrAfter(data, fromDate);
            if (start < 0)
            {
                throw new BallastInputException($"--from {data.FormatDate(fromDate)} is after the last date of {data.Source} ({data.FormatDate(data.Dates[^1])})");
            }

            for (var i = 0; i < columns.Length; i++)
            {
                if (firstRows[i] > start)
                {
                    throw new BallastInputException($"--from {data.FormatDate(fromDate)} is before series '{universe[i]}' starts: its first value is on {data.FormatDate(data.Dates[firstRows[i]])} ({data.Source} line {data.Lines[firstRows[i]]}); use --from {data.FormatDate(data.Dates[firstRows[i]])} or later, or leave --from out");
                }
            }

            if ((long)start - historyRows < commonStart)
            {
                var earliest = (long)commonStart + historyRows;
                throw new BallastInputException($"--from {data.FormatDate(fromDate)} leaves {start - commonStart} row(s) of history before it, but the covariance lookback needs {historyRows} returns; use --from {(earliest < data.RowCount ? data.FormatDate(data.Dates[(int)earliest]) : "(none: the data is too short)")} or later");
            }
        }
        else
        {
            if ((long)commonStart + historyRows >= data.RowCount)
            {
                throw new BallastInputException($"the data has {data.RowCount - commonStart} row(s) on which every series has a value, but the spec's lookback (covariance.lookback or a volatility window) alone needs {historyRows}; shorten it or use more data");
            }

            start = commonStart + historyRows;

            if (historyRows > 0)
            {
                notices.Add($"starting on {data.FormatDate(data.Dates[start])}: the {historyRows} rows before it are history for the lookback (covariance or volatility window)");
            }
            else if (latest >= 0 && commonStart > 0)
            {
                notices.Add($"starting on {data.FormatDate(data.Dates[commonStart])}, the first date on which every series has a value ('{universe[latest]}' starts then)");
            }
        }

        var end = data.RowCount - 1;
        if (to is { } toDate)
        {
            end = LastRowOnOrBefore(data, toDate);
            if (end < 0)
            {
                throw new BallastInputException($"--to {data.FormatDate(toDate)} is before the first date of {data.Source} ({data.FormatDate(data.Dates[0])})");
            }
        }

        if (end - start + 1 < minRows)
        {
            throw new BallastInputException($"the window {data.FormatDate(data.Dates[Math.Min(start, data.RowCount - 1)])} .. {data.FormatDate(data.Dates[Math.Max(end, 0)])} has fewer than two rows; a backtest needs at least two dates");
        }

        // The dense block runs from the first history row to the end; it is split into history and window below.
        start -= historyRows;
        var rows = end - start + 1;
        var prices = new double[rows * columns.Length];
        var dates = new DateOnly[rows];
        var filled = new int[columns.Length];
        for (var r = 0; r < rows; r++)
        {
            var source = start + r;
            dates[r] = data.Dates[source];
            for (var c = 0; c < columns.Length; c++)
            {
                var value = data[source, columns[c]];
                if (double.IsNaN(value))
                {
                    if (fill != FillMode.Forward)
                    {
                        throw new BallastInputException(new InputLocation(data.Source, data.Lines[source], columns[c] + 2, universe[c]), $"series '{universe[c]}' has no value on {data.FormatDate(data.Dates[source])} after its first value; use --fill forward to carry the last value over gaps");
                    }

                    // start is at or after every series' first value, so a previous value exists in the window or before it.
                    value = r > 0 ? prices[((r - 1) * columns.Length) + c] : LastValueBefore(data, source, columns[c]);
                    filled[c]++;
                }

                prices[(r * columns.Length) + c] = value;
            }
        }

        for (var c = 0; c < columns.Length; c++)
        {
            if (filled[c] == 0)
            {
                continue;
            }

            // Cells after a series' last value are not gaps but an ended series: say so, it is held flat.
            var trailing = 0;
            for (var r = end; r >= start && double.IsNaN(data[r, columns[c]]); r--)
            {
                trailing++;
            }

            var interior = filled[c] - trailing;
            if (interior > 0)
            {
                notices.Add($"'{universe[c]}': {interior} empty cell(s) filled forward");
            }

            if (trailing > 0)
            {
                notices.Add($"'{universe[c]}' has no values after {data.FormatDate(data.Dates[end - trailing])}: its last value is carried over the last {trailing} row(s), a flat price");
            }
        }

        notices.AddRange(WindowNotices.Of(dates.AsSpan(historyRows), data.FormatDate));
        if (historyRows == 0)
        {
            return new PriceTable([.. universe], dates, prices, data.IsMonthly, notices);
        }

        var n = columns.Length;
        var history = new PriceTable([.. universe], dates[..historyRows], prices[..(historyRows * n)], data.IsMonthly);
        return new PriceTable([.. universe], dates[historyRows..], prices[(historyRows * n)..], data.IsMonthly, notices) { History = history };
    }

    private static double LastValueBefore(MarketData data, int row, int column)
    {
        for (var r = row - 1; r >= 0; r--)
        {
            if (!double.IsNaN(data[r, column]))
            {
                return data[r, column];
            }
        }

        throw new InvalidOperationException("no earlier value to fill forward");
    }

    private static int FirstRowOnOrAfter(MarketData data, DateOnly date)
    {
        for (var r = 0; r < data.RowCount; r++)
        {
            if (data.Dates[r] >= date)
            {
                return r;
            }
        }

        return -1;
    }

    private static int LastRowOnOrBefore(MarketData data, DateOnly date)
    {
        for (var r = data.RowCount - 1; r >= 0; r--)
        {
            if (data.Dates[r] <= date)
            {
                return r;
            }
        }

        return -1;
    }
}
