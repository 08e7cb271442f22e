using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ballast.Data;

namespace Ballast.Protocol;

/// <summary>
/// The NAV table of a set of children (one column per child, in the policy's order), kept by appending: each call
/// merges only the NAV reports applied since the last one (a calendar row for a new day, a price cell for a report on
/// the last day) and reuses the table it built when nothing was reported since. It holds exactly what
/// <see cref="NavTableReference.Build"/> computes from the whole history (one row per day with a report, from the
/// first day on which every child has one, forward filled), and is derived from the journaled reports alone, so a
/// replayed state rebuilds it identically.
/// </summary>
/// <remarks>
/// Reports reach the history in journal order, so their days never go back; if a merge ever finds a report dated
/// before the last day merged, the table is rebuilt from the start (the same result, the reference's cost once).
/// </remarks>
internal sealed class LiveNavTable
{
    private readonly object _gate;
    private readonly string[] _names;
    private readonly SimpleVaultState[] _children;
    private readonly int[] _merged;
    private readonly double[] _latest;
    private readonly bool[] _reported;
    private AppendablePriceRows _rows;
    private readonly List<(DateOnly Day, int Child, int Index, double Price)> _pending = [];
    private int _unreported;
    private readonly Dictionary<int, (IncrementalHash Hash, int Rows)> _windowHashes = [];
    private readonly Dictionary<int, PriceTable> _histories = [];
    private readonly Dictionary<int, PriceTable> _windows = [];
    private readonly SortedDictionary<int, int> _gaps = [];
    private bool _weekend;
    private DateOnly _lastDay = DateOnly.MinValue;
    private PriceTable? _table;

    private LiveNavTable(object gate, string[] names, SimpleVaultState[] children)
    {
        _gate = gate;
        _names = names;
        _children = children;
        _merged = new int[names.Length];
        _latest = new double[names.Length];
        _reported = new bool[names.Length];
        _unreported = names.Length;
        _rows = new AppendablePriceRows(names);
    }

    /// <summary>The children's NAV table up to <paramref name="today"/>, or null before two days on which every child has reported.</summary>
    /// <remarks>Appends what was reported since the last call; only a day before the last report merged falls back to <see cref="NavTableReference.Build"/>.</remarks>
    public static PriceTable? Of(ProtocolState state, IReadOnlyList<string> names, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(names);
        var table = For(state, names);
        lock (state.NavTables)
        {
            return table._lastDay > today ? NavTableReference.Build(state, names, today) : table.Current();
        }
    }

    /// <summary>
    /// The keeper's view of the children's NAV table up to <paramref name="today"/>: the table with its first
    /// <paramref name="historyRows"/> rows as <see cref="PriceTable.History"/> (what
    /// <see cref="PriceTable.WithHistory(int, int)"/> makes of <see cref="Of"/>'s table, leaving one window row at
    /// least), the number of rows, and the periods per year the dates' spacing gives
    /// (<see cref="PriceTable.InferPeriodsPerYear"/> over every row). The table is null before two rows, or while
    /// there are no more rows than <paramref name="historyRows"/>. Built once per change of the table and shared by
    /// every call until the next report; the periods come from a running count of the date gaps, so a call costs no
    /// pass over the history.
    /// </summary>
    public static (PriceTable? Table, int Rows, int PeriodsPerYear) Window(ProtocolState state, IReadOnlyList<string> names, DateOnly today, int historyRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyRows);
        var live = For(state, names);
        lock (state.NavTables)
        {
            if (live._lastDay > today)
            {
                var reference = NavTableReference.Build(state, names, today);
                var rows = reference?.RowCount ?? 0;
                return reference is null || rows <= historyRows
                    ? (null, rows, 252)
                    : (historyRows > 0 ? reference.WithHistory(historyRows, minWindowRows: 1) : reference, rows, reference.InferPeriodsPerYear());
            }

            var count = live._rows.Count;
            return count < 2 || count <= historyRows ? (null, count, 252) : (live.WindowTable(historyRows), count, live.PeriodsPerYear());
        }
    }

    /// <summary>
    /// <see cref="InputsHash"/> of the live table of <paramref name="names"/> when it is the table <see cref="Of"/>
    /// gives for <paramref name="today"/>; null when a day before the last report merged needs the reference table
    /// (the caller then hashes the table it has).
    /// </summary>
    public static IncrementalHash? InputsHashOf(ProtocolState state, IReadOnlyList<string> names, DateOnly today, int historyRows)
    {
        var table = For(state, names);
        lock (state.NavTables)
        {
            return table._lastDay > today ? null : table.InputsHash(historyRows);
        }
    }

    /// <summary>The live table of <paramref name="names"/> (created empty on first use), brought up to date.</summary>
    public static LiveNavTable For(ProtocolState state, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(names);
        lock (state.NavTables)
        {
            var key = string.Join('\n', names);
            if (!state.NavTables.TryGetValue(key, out var table))
            {
                table = new LiveNavTable(state.NavTables, [.. names], [.. names.Select(name => state.SimpleVaults[new VaultId(name)])]);
                state.NavTables.Add(key, table);
            }

            table.CatchUp();
            return table;
        }
    }

    /// <summary>
    /// SHA-256 fed with the table's part of the rebalance inputs digest: <c>names:</c> and the names, then the rows
    /// after the first <paramref name="historyRows"/> (date, then each price in round-trip format), then those first
    /// rows prefixed <c>history </c> (none when <paramref name="historyRows"/> is 0), one line each, exactly the text
    /// written for the whole table split by <see cref="PriceTable.WithHistory"/>. The caller appends the rest and
    /// finishes the hash. Costs O(columns × (new rows + <paramref name="historyRows"/>)): the rows before the last,
    /// which no report can change any more, are hashed once and the hash is cloned.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table has no more rows than <paramref name="historyRows"/>.</exception>
    public IncrementalHash InputsHash(int historyRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyRows);
        lock (_gate)
        {
            var count = _rows.Count;
            if (count <= historyRows)
            {
                throw new InvalidOperationException($"the table has {count} rows; a window after {historyRows} history rows needs more");
            }

            if (!_windowHashes.TryGetValue(historyRows, out var window))
            {
                var start = Ballast.Hashing.Sha256Digest.CreateIncremental();
                Append(start, "names:" + string.Join(',', _names) + "\n");
                window = (start, historyRows);
            }

            // Every row but the last is final: hash those not hashed yet into the kept hash.
            for (; window.Rows < count - 1; window.Rows++)
            {
                Append(window.Hash, RowText(window.Rows, ""));
            }

            _windowHashes[historyRows] = window;
            var hash = window.Hash.Clone();
            if (window.Rows == count - 1)
            {
                Append(hash, RowText(count - 1, ""));
            }

            for (var r = 0; r < historyRows; r++)
            {
                Append(hash, RowText(r, "history "));
            }

            return hash;
        }
    }

    private string RowText(int row, string prefix) => RowLine(prefix, _rows.Dates[row], _rows.Row(row));

    /// <summary>
    /// SHA-256 fed with <paramref name="table"/>'s part of the inputs digest, from the table itself (what
    /// <see cref="InputsHash"/> keeps incrementally): <c>names:</c>, each window row, then each history row.
    /// </summary>
    public static IncrementalHash HashOf(PriceTable table, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(table);
        var hash = Ballast.Hashing.Sha256Digest.CreateIncremental();
        Append(hash, "names:" + string.Join(',', names) + "\n");
        foreach (var (part, prefix) in new[] { (table, ""), (table.History, "history ") })
        {
            for (var r = 0; r < (part?.RowCount ?? 0); r++)
            {
                Append(hash, RowLine(prefix, part!.DateSpan[r], part.Row(r)));
            }
        }

        return hash;
    }

    /// <summary>One line of the digest text: the prefix, the date, each price in round-trip format.</summary>
    private static string RowLine(string prefix, DateOnly date, ReadOnlySpan<double> prices)
    {
        var text = new StringBuilder(prefix).Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var p in prices)
        {
            text.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
        }

        return text.Append('\n').ToString();
    }

    private static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The table split after its first <paramref name="historyRows"/> rows (at least two rows, more than
    /// <paramref name="historyRows"/>): views of the appended rows, no copy. The history part never changes once the
    /// table is longer than it (only the last row takes reports), so it is made once; the window once per change.
    /// </summary>
    private PriceTable WindowTable(int historyRows)
    {
        if (historyRows == 0)
        {
            return Current()!;
        }

        if (_windows.TryGetValue(historyRows, out var window))
        {
            return window;
        }

        if (!_histories.TryGetValue(historyRows, out var history))
        {
            history = _rows.View(0, historyRows);
            _histories[historyRows] = history;
        }

        window = _rows.View(historyRows, _rows.Count - historyRows, history);
        _windows[historyRows] = window;
        return window;
    }

    /// <summary>
    /// <see cref="PriceTable.InferPeriodsPerYear"/> of every row, from the running count of date gaps (by length)
    /// and whether a date falls on a weekend: O(distinct gap lengths), not O(rows).
    /// </summary>
    private int PeriodsPerYear()
    {
        var total = _rows.Count - 1;
        var rank = total / 2;
        var seen = 0;
        foreach (var (gap, count) in _gaps)
        {
            seen += count;
            if (seen > rank)
            {
                return PriceTable.PeriodsPerYearOf(gap, _weekend);
            }
        }

        return 252;
    }

    /// <summary>The table as merged so far (built once per change), or null before two complete rows.</summary>
    private PriceTable? Current()
    {
        if (_rows.Count < 2)
        {
            return null;
        }

        return _table ??= _rows.View(0, _rows.Count);
    }

    /// <summary>Merges every report applied since the last call, in day order (a child's reports of one day in the order they applied).</summary>
    private void CatchUp()
    {
        _pending.Clear();
        for (var i = 0; i < _children.Length; i++)
        {
            var history = _children[i].History;
            for (var k = _merged[i]; k < history.Count; k++)
            {
                var (at, price) = history[k];
                _pending.Add((DateOnly.FromDateTime(at.UtcDateTime), i, k, (double)price.Assets / (double)price.Shares));
            }
        }

        if (_pending.Count == 0)
        {
            return;
        }

        _pending.Sort(static (a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : a.Child != b.Child ? a.Child.CompareTo(b.Child) : a.Index.CompareTo(b.Index));
        if (_pending[0].Day < _lastDay)
        {
            Reset();
            CatchUp();
            return;
        }

        foreach (var (day, child, _, price) in _pending)
        {
            Merge(day, child, price);
        }

        for (var i = 0; i < _children.Length; i++)
        {
            _merged[i] = _children[i].History.Count;
        }

        _table = null;
        _windows.Clear();
    }

    private void Merge(DateOnly day, int child, double price)
    {
        _latest[child] = price;
        if (!_reported[child])
        {
            _reported[child] = true;
            _unreported--;
        }

        _lastDay = day;
        if (_unreported > 0)
        {
            // Before every child has reported there is no row: the first row is the day the last child first reports.
            return;
        }

        if (_rows.Count == 0 || day > _rows.LastDate)
        {
            if (_rows.Count > 0)
            {
                var gap = day.DayNumber - _rows.LastDate.DayNumber;
                _gaps[gap] = _gaps.GetValueOrDefault(gap) + 1;
            }

            _weekend |= day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            _rows.Append(day, _latest);
        }
        else
        {
            _rows.SetLast(child, price);
        }
    }

    private void Reset()
    {
        foreach (var (hash, _) in _windowHashes.Values)
        {
            hash.Dispose();
        }

        _windowHashes.Clear();
        _histories.Clear();
        _windows.Clear();
        _gaps.Clear();
        _weekend = false;
        Array.Clear(_merged);
        Array.Clear(_latest);
        Array.Clear(_reported);
        _unreported = _names.Length;
        _rows = new AppendablePriceRows(_names);
        _lastDay = DateOnly.MinValue;
        _table = null;
    }
}
