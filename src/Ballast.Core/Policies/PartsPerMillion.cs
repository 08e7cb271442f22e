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
                // Many weights: sort by remainder with the primitive sort, then order each run of equal remainders by rank.
                Span<(double Remainder, int Rank, int Index)> order = n <= 256 ? stackalloc (double, int, int)[n] : new (double, int, int)[n];
                Span<double> keys = n <= 256 ? stackalloc double[n] : new double[n];
                Span<int> items = n <= 256 ? stackalloc int[n] : new int[n];
                for (var i = 0; i < n; i++)
                {
                    keys[i] = -remainders[i];
                    items[i] = i;
                }

                keys.Sort(items);
                for (var i = 0; i < n; i++)
                {
                    order[i] = (-keys[i], tieOrder.IsEmpty ? items[i] : tieOrder[items[i]], items[i]);
                }

                for (var start = 0; start < n;)
                {
                    var end = start + 1;
                    while (end < n && order[end].Remainder == order[start].Remainder)
                    {
                        end++;
                    }

                    if (end - start > 1)
                    {
                        order[start..end].Sort(static (x, y) => x.Rank.CompareTo(y.Rank));
                    }

                    start = end;
                }

                for (var k = 0; k < left; k++)
                {
                    result[order[k % n].Index]++;
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
        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        var ranks = new int[names.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r;
        }

        return ranks;
    }
}
