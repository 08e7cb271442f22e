using Ballast.Data;

namespace Ballast.Protocol;

/// <summary>
/// The children's NAV table computed from their whole history, the definition <see cref="LiveNavTable"/> keeps
/// incrementally: one row per day on which some child reported, from the first day on which every child has a
/// report, each cell the child's last price on or before that day. O(history); the fallback for a day before the
/// latest report, and the oracle the live table is tested against.
/// </summary>
internal static class NavTableReference
{
    /// <summary>The table of <paramref name="names"/>' NAV reports up to <paramref name="today"/>, or null before two days on which every child has reported.</summary>
    public static PriceTable? Build(ProtocolState state, IReadOnlyList<string> names, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(names);
        var series = new SortedDictionary<DateOnly, double>[names.Count];
        var dates = new SortedSet<DateOnly>();
        var start = DateOnly.MinValue;
        for (var i = 0; i < names.Count; i++)
        {
            series[i] = [];
            foreach (var (at, price) in state.SimpleVaults[new VaultId(names[i])].History)
            {
                var day = DateOnly.FromDateTime(at.UtcDateTime);
                if (day <= today)
                {
                    series[i][day] = (double)price.Assets / (double)price.Shares;
                    dates.Add(day);
                }
            }

            if (series[i].Count == 0)
            {
                return null;
            }

            var first = series[i].Keys.First();
            start = first > start ? first : start;
        }

        var rows = dates.Where(d => d >= start).ToArray();
        if (rows.Length < 2)
        {
            return null;
        }

        var prices = new double[rows.Length * names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var last = double.NaN;
            var history = series[i];
            foreach (var (day, price) in history)
            {
                if (day <= start)
                {
                    last = price;
                }
            }

            for (var r = 0; r < rows.Length; r++)
            {
                if (history.TryGetValue(rows[r], out var p))
                {
                    last = p;
                }

                prices[(r * names.Count) + i] = last;
            }
        }

        return new PriceTable([.. names], rows, prices);
    }
}
