using System.Collections.Immutable;
using Ballast.Service.Projection;

namespace Ballast.Service.Endpoints;

/// <summary>
/// One page of a vault's points by sequence cursor and time range, found by binary search: points are ordered by
/// sequence and their times never go back (the journal's times do not), so the first point after the cursor and from
/// the start time is found in O(log n) and the page read from there, however long the series.
/// </summary>
public static class SeriesPoints
{
    /// <summary>
    /// The points with sequence after <paramref name="after"/> and time within [<paramref name="from"/>,
    /// <paramref name="to"/>] (each bound optional), at most <paramref name="take"/>, oldest first; and the cursor for
    /// the next page (the last point's sequence) when more follow, else null.
    /// </summary>
    public static (List<VaultPoint> Page, long? Next) Page(ImmutableList<VaultPoint> points, long? after, DateTimeOffset? from, DateTimeOffset? to, int take)
    {
        ArgumentNullException.ThrowIfNull(points);
        var start = Math.Max(
            after is { } cursor ? FirstIndex(points, pt => pt.Sequence > cursor) : 0,
            from is { } begin ? FirstIndex(points, pt => pt.Time >= begin) : 0);
        var page = new List<VaultPoint>(Math.Min(take, Math.Max(0, points.Count - start)));
        for (var i = start; i < points.Count && page.Count <= take; i++)
        {
            if (to is { } end && points[i].Time > end)
            {
                break;
            }

            page.Add(points[i]);
        }

        if (page.Count > take)
        {
            page.RemoveAt(take);
            return (page, page[^1].Sequence);
        }

        return (page, null);
    }

    /// <summary>The first index at which <paramref name="holds"/> (false, then true, along the list) is true; the count when never.</summary>
    private static int FirstIndex(ImmutableList<VaultPoint> points, Func<VaultPoint, bool> holds)
    {
        var (low, high) = (0, points.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (holds(points[middle]))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
