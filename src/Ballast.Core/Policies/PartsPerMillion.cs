namespace Ballast.Policies;

/// <summary>
/// Exact target weights: integer parts per million summing to exactly 1,000,000. Every weight that leaves the
/// policy engine is in this form, so a replay reproduces it bit for bit.
/// </summary>
public static class PartsPerMillion
{
    /// <summary>A whole (weight 1) in parts per million: every set of targets sums to exactly this.</summary>
    public const int One = 1_000_000;

    /// <summary>
    /// Largest-remainder rounding of non-negative fractions (normalised by their sum first) to parts per million.
    /// Each weight gets the floor of its share; the units left over go one each to the largest remainders; equal
    /// remainders are broken by <paramref name="tieOrder"/> (lower rank first), else by lower index.
    /// </summary>
    public static void Round(ReadOnlySpan<double> fractions, Span<int> result, ReadOnlySpan<int> tieOrder = default)
    {
        if (result.Length != fractions.Length)
        {
            throw new ArgumentException("result must have one entry per fraction", nameof(result));
        }

        var sum = 0.0;
        foreach (var f in fractions)
        {
            if (!(f >= 0) || !double.IsFinite(f))
            {
                throw new ArgumentOutOfRangeException(nameof(fractions), f, "weights must be finite and non-negative");
            }

            sum += f;
        }

        if (!(sum > 0))
        {
            throw new ArgumentException("weights must not all be zero", nameof(fractions));
        }

        Span<double> remainders = fractions.Length <= 256 ? stackalloc double[fractions.Length] : new double[fractions.Length];
        long assigned = 0;
        for (var i = 0; i < fractions.Length; i++)
        {
            var exact = fractions[i] / sum * One;
            var floor = Math.Floor(exact);
            result[i] = unchecked((int)floor); // 0 ≤ floor ≤ 10^6
            remainders[i] = exact - floor;
            assigned += result[i];
        }

        var left = One - assigned;
        if (left > 0)
        {
            // Hand the leftover units (fewer than one per weight) to the largest remainders, equal remainders in tie
            // order; nothing is allocated for up to 256 weights.
            var n = fractions.Length;
            if (n <= 64)
            {
                // Few weights: pick the largest remaining remainder once per leftover unit.
                for (var k = 0; k < left; k++)
                {
                    var best = -1;
                    for (var i = 0; i < n; i++)
                    {
                        var r = remainders[i];
                        if (r >= 0 && (best < 0 || r > remainders[best] || (r == remainders[best] && RankOf(tieOrder, i) < RankOf(tieOrder, best))))
                        {
                            best = i;
                        }
                    }

                    result[best]++;
                    remainders[best] = -1;
                }
            }
            else
            {
                // Many weights: order the indices by remainder (largest first), then rank, then index, by a merge sort
                // of this class. The order is total, so any correct sort gives it; the framework's generic sorts over
                // value types were compiled at run time, which cost a short `ballast weights` call several milliseconds.
                Span<int> order = n <= 256 ? stackalloc int[n] : new int[n];
                Span<int> buffer = n <= 256 ? stackalloc int[n] : new int[n];
                for (var i = 0; i < n; i++)
                {
                    order[i] = i;
                }

                SortByRemainder(order, buffer, remainders, tieOrder);
                for (var k = 0; k < left; k++)
                {
                    result[order[k % n]]++;
                }
            }

            left = 0;
        }

        while (left < 0)
        {
            // Only reachable through floating-point noise when the floors overshoot; take from the smallest remainder.
            var worst = -1;
            for (var i = 0; i < fractions.Length; i++)
            {
                if (result[i] > 0 && (worst < 0 || remainders[i] < remainders[worst]))
                {
                    worst = i;
                }
            }

            result[worst]--;
            remainders[worst] = 2;
            left++;
        }
    }

    private static int RankOf(ReadOnlySpan<int> tieOrder, int index) => tieOrder.IsEmpty ? index : tieOrder[index];

    /// <summary>Sorts <paramref name="order"/> (indices) so that <see cref="Before"/> holds between neighbours: a bottom-up merge sort through <paramref name="buffer"/>.</summary>
    private static void SortByRemainder(Span<int> order, Span<int> buffer, ReadOnlySpan<double> remainders, ReadOnlySpan<int> tieOrder)
    {
        var n = order.Length;
        var from = order;
        var to = buffer;
        var inOrder = true;
        for (var width = 1; width < n; width *= 2)
        {
            for (var lo = 0; lo < n; lo += 2 * width)
            {
                var mid = Math.Min(lo + width, n);
                var hi = Math.Min(lo + (2 * width), n);
                int a = lo, b = mid, k = lo;
                while (a < mid && b < hi)
                {
                    to[k++] = Before(from[b], from[a], remainders, tieOrder) ? from[b++] : from[a++];
                }

                while (a < mid)
                {
                    to[k++] = from[a++];
                }

                while (b < hi)
                {
                    to[k++] = from[b++];
                }
            }

            var swap = from;
            from = to;
            to = swap;
            inOrder = !inOrder;
        }

        if (!inOrder)
        {
            from.CopyTo(order);
        }
    }

    /// <summary>Whether index i goes before index j: the larger remainder, then the lower rank, then the lower index.</summary>
    private static bool Before(int i, int j, ReadOnlySpan<double> remainders, ReadOnlySpan<int> tieOrder)
    {
        if (remainders[i] != remainders[j])
        {
            return remainders[i] > remainders[j];
        }

        var (rankI, rankJ) = (RankOf(tieOrder, i), RankOf(tieOrder, j));
        return rankI != rankJ ? rankI < rankJ : i < j;
    }

    /// <summary>Largest-remainder rounding to parts per million into a new array (see the other overload for the rule).</summary>
    /// <param name="fractions">Non-negative, finite weights; normalised by their sum.</param>
    /// <param name="tieOrder">Rank per index breaking equal remainders (lower first); by index when empty.</param>
    /// <returns>One integer per fraction, summing to exactly <see cref="One"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">Every fraction is zero.</exception>
    public static int[] Round(ReadOnlySpan<double> fractions, ReadOnlySpan<int> tieOrder = default)
    {
        var result = new int[fractions.Length];
        Round(fractions, result, tieOrder);
        return result;
    }

    /// <summary>The ranks of names in ordinal order: the tie order that makes rounding independent of listing order.</summary>
    public static int[] OrdinalRanks(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var order = names.Count <= SmallUniverse ? InsertionOrder(names) : Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        var ranks = new int[names.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r;
        }

        return ranks;
    }

    /// <summary>Universes up to this size are ordered by an insertion sort (no sorter to build, nothing compiled at run time); larger ones by LINQ's.</summary>
    private const int SmallUniverse = 64;

    /// <summary>The indices of <paramref name="names"/> in ordinal order of the names, equal names in index order (a stable sort, as OrderBy is).</summary>
    private static int[] InsertionOrder(IReadOnlyList<string> names)
    {
        var order = new int[names.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var j = i;
            while (j > 0 && string.CompareOrdinal(names[order[j - 1]], names[i]) > 0)
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }

        return order;
    }
}
