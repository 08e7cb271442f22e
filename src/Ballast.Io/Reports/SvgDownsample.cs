namespace Ballast.Io.Reports;

/// <summary>Which row of a bucket stands for the bucket when a series is thinned out.</summary>
internal enum SvgBucket
{
    /// <summary>The bucket's last row (an even sample).</summary>
    Last,

    /// <summary>The row with the smallest value (keeps troughs, e.g. the maximum drawdown, visible).</summary>
    Min,

    /// <summary>The row with the largest value (keeps peaks, e.g. the worst drift, visible).</summary>
    Max,
}

/// <summary>
/// Thins long series for plotting: at most <c>maxPoints</c> rows, always the first and the last, one row per bucket of
/// the rows in between. Works on row indexes so several series (or the assets of one row) stay aligned.
/// </summary>
internal static class SvgDownsample
{
    /// <summary>Rows to keep of <paramref name="count"/>, evenly spaced.</summary>
    public static int[] Rows(int count, int maxPoints) => Rows(count, maxPoints, SvgBucket.Last, default);

    /// <summary>
    /// Rows to keep of <paramref name="values"/>, in increasing order, picking one row per bucket by
    /// <paramref name="mode"/>. NaN values never win a bucket unless the whole bucket is NaN.
    /// </summary>
    public static int[] Rows(ReadOnlySpan<double> values, int maxPoints, SvgBucket mode) => Rows(values.Length, maxPoints, mode, values);

    private static int[] Rows(int count, int maxPoints, SvgBucket mode, ReadOnlySpan<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        maxPoints = Math.Max(maxPoints, 3);
        if (count <= maxPoints)
        {
            var all = new int[count];
            for (var i = 0; i < count; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var interior = count - 2;
        var buckets = maxPoints - 2;
        var rows = new int[maxPoints];
        rows[0] = 0;
        rows[^1] = count - 1;
        for (var b = 0; b < buckets; b++)
        {
            var start = 1 + (int)((long)b * interior / buckets);
            var end = 1 + (int)((long)(b + 1) * interior / buckets);
            rows[b + 1] = mode == SvgBucket.Last ? end - 1 : Extreme(values, start, end, mode == SvgBucket.Min);
        }

        return rows;
    }

    private static int Extreme(ReadOnlySpan<double> values, int start, int end, bool min)
    {
        var best = end - 1;
        var bestValue = double.NaN;
        for (var i = start; i < end; i++)
        {
            var v = values[i];
            if (double.IsNaN(v))
            {
                continue;
            }

            if (double.IsNaN(bestValue) || (min ? v < bestValue : v > bestValue))
            {
                best = i;
                bestValue = v;
            }
        }

        return best;
    }
}
