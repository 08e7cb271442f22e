namespace Ballast.Io.Reports.Tearsheet;

/// <summary>One drawdown episode: from a peak of NAV down to the trough and back to the peak's level.</summary>
/// <param name="PeakRow">The row of the peak (the last row at the running maximum before the fall).</param>
/// <param name="TroughRow">The row of the lowest NAV before recovery (the first such row on a tie).</param>
/// <param name="RecoveryRow">The first row after the trough whose NAV is back at or above the peak's; null when not recovered by the window's end.</param>
/// <param name="Start">The peak's date.</param>
/// <param name="Trough">The trough's date.</param>
/// <param name="Recovery">The recovery's date; null when not recovered.</param>
/// <param name="Depth">Trough NAV / peak NAV − 1, a fraction below 0.</param>
/// <param name="LengthRows">Rows from the peak to the recovery, or to the window's last row when not recovered.</param>
/// <param name="LengthDays">Calendar days over the same span.</param>
public sealed record DrawdownEpisode(
    int PeakRow,
    int TroughRow,
    int? RecoveryRow,
    DateOnly Start,
    DateOnly Trough,
    DateOnly? Recovery,
    double Depth,
    int LengthRows,
    int LengthDays);

/// <summary>
/// The worst drawdowns of a NAV series, as pyfolio's drawdown table lists them: the series is cut into episodes that
/// each start at a running peak and end when NAV regains that peak (or at the window's end), and the deepest are
/// returned, deepest first (an earlier start first on equal depth). Episodes do not overlap, so the second worst is a
/// separate fall, not a shallower point of the first.
/// </summary>
public static class DrawdownEpisodes
{
    /// <summary>The report shows this many by default.</summary>
    public const int DefaultCount = 5;

    /// <summary>Every episode of <paramref name="nav"/>, in date order.</summary>
    public static IReadOnlyList<DrawdownEpisode> All(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> nav)
    {
        var n = Math.Min(dates.Length, nav.Length);
        var episodes = new List<DrawdownEpisode>();
        var peakRow = 0;
        var t = 1;
        while (t < n)
        {
            if (nav[t] >= nav[peakRow])
            {
                peakRow = t;
                t++;
                continue;
            }

            // A fall below the peak: find the trough and the first row back at the peak's level.
            var trough = t;
            var recovery = -1;
            for (; t < n; t++)
            {
                if (nav[t] >= nav[peakRow])
                {
                    recovery = t;
                    break;
                }

                if (nav[t] < nav[trough])
                {
                    trough = t;
                }
            }

            var endRow = recovery >= 0 ? recovery : n - 1;
            episodes.Add(new DrawdownEpisode(
                peakRow,
                trough,
                recovery >= 0 ? recovery : null,
                dates[peakRow],
                dates[trough],
                recovery >= 0 ? dates[recovery] : null,
                (nav[trough] / nav[peakRow]) - 1,
                endRow - peakRow,
                dates[endRow].DayNumber - dates[peakRow].DayNumber));
            if (recovery < 0)
            {
                break;
            }

            peakRow = recovery;
            t = recovery + 1;
        }

        return episodes;
    }

    /// <summary>The <paramref name="count"/> deepest episodes, deepest first.</summary>
    public static IReadOnlyList<DrawdownEpisode> Worst(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> nav, int count = DefaultCount) =>
        [.. All(dates, nav).OrderBy(e => e.Depth).ThenBy(e => e.PeakRow).Take(count)];
}
