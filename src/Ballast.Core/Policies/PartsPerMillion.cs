namespace Ballast.Policies;

/// <summary>
/// Exact target weights: integer parts per million summing to exactly 1,000,000. Every weight that leaves the
/// policy engine is in this form, so a replay reproduces it bit for bit.
/// </summary>
public static class PartsPerMillion
{
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
            result[i] = (int)floor;
            remainders[i] = exact - floor;
            assigned += result[i];
        }

        var left = One - assigned;
        if (left > 0 && fractions.Length <= 64)
        {
            // Few assets: pick the largest remaining remainder for each leftover unit (at most one per asset), no allocation.
            for (; left > 0; left--)
            {
                var best = -1;
                for (var i = 0; i < fractions.Length; i++)
                {
                    if (remainders[i] >= 0 && (best < 0 || remainders[i] > remainders[best] || (remainders[i] == remainders[best] && RankOf(tieOrder, i) < RankOf(tieOrder, best))))
                    {
                        best = i;
                    }
                }

                result[best]++;
                remainders[best] = -1;
            }
        }

        if (left > 0)
        {
            // Hand the leftover units to the largest remainders: sort once (remainder descending, then tie order).
            var order = new int[fractions.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var keys = remainders.ToArray();
            var ranks = tieOrder.IsEmpty ? order.ToArray() : tieOrder.ToArray();
            Array.Sort(order, (a, b) =>
            {
                var byRemainder = keys[b].CompareTo(keys[a]);
                return byRemainder != 0 ? byRemainder : ranks[a].CompareTo(ranks[b]);
            });
            for (var k = 0; k < left; k++)
            {
                result[order[k % order.Length]]++;
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
        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        var ranks = new int[names.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r;
        }

        return ranks;
    }
}
