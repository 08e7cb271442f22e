using System.Globalization;

namespace Ballast.Io.Reports;

/// <summary>One tick: its position in axis units (log10 of the value on a log axis) and its label.</summary>
internal readonly record struct SvgTick(double Position, string Label);

/// <summary>An axis domain in axis units and its ticks.</summary>
internal sealed record SvgRange(double Min, double Max, IReadOnlyList<SvgTick> Ticks);

/// <summary>Axis domains and "nice" ticks: linear (1, 2, 2.5, 5 × 10ⁿ steps), logarithmic, and dates.</summary>
internal static class SvgAxis
{
    private const int MaxLogTicks = 8;
    private static readonly int[] YearSteps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
    private static readonly int[] MonthSteps = [1, 2, 3, 6];
    private static readonly double[][] LogMantissas = [[1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1, 3], [1]];

    /// <summary>A linear domain covering [min, max], widened to whole ticks, with about <paramref name="target"/> steps.</summary>
    public static SvgRange Linear(double min, double max, Func<double, string> format, int target = 5)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }

        if (max <= min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }

        var step = NiceStep((max - min) / Math.Max(target, 1));
        var first = Math.Floor((min / step) + 1e-9);
        var last = Math.Ceiling((max / step) - 1e-9);
        var ticks = new List<SvgTick>();
        for (var k = first; k <= last; k++)
        {
            var value = k * step;
            ticks.Add(new SvgTick(value, format(value)));
        }

        return new SvgRange(first * step, last * step, ticks);
    }

    /// <summary>
    /// A log10 domain covering [min, max] (both positive) with a little padding. Ticks are 1-2-5 style multiples of
    /// powers of ten, as dense as fits; a range too narrow for two of those gets linear ticks placed on the log axis.
    /// </summary>
    public static SvgRange Log(double min, double max, Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (1, 10);
        }

        var lo = Math.Log10(Math.Min(min, max));
        var hi = Math.Log10(Math.Max(min, max));
        var pad = Math.Max((hi - lo) * 0.03, 0.005);
        lo -= pad;
        hi += pad;

        foreach (var mantissas in LogMantissas)
        {
            var ticks = LogTicks(lo, hi, mantissas, 1, format);
            if (ticks.Count < 2)
            {
                break;
            }

            if (ticks.Count <= MaxLogTicks)
            {
                return new SvgRange(lo, hi, ticks);
            }
        }

        var decades = (int)(Math.Floor(hi) - Math.Ceiling(lo)) + 1;
        if (decades > MaxLogTicks)
        {
            var every = (decades + MaxLogTicks - 1) / MaxLogTicks;
            return new SvgRange(lo, hi, LogTicks(lo, hi, [1], every, format));
        }

        // Too narrow for 1-2-5 ticks: linear ticks inside the domain, positioned by their logarithm.
        var linear = Linear(Math.Pow(10, lo), Math.Pow(10, hi), format);
        var inside = new List<SvgTick>();
        foreach (var tick in linear.Ticks)
        {
            if (tick.Position > 0 && Math.Log10(tick.Position) is var p && p >= lo && p <= hi)
            {
                inside.Add(new SvgTick(p, tick.Label));
            }
        }

        return new SvgRange(lo, hi, inside);
    }

    /// <summary>
    /// Date ticks between two day numbers (<see cref="DateOnly.DayNumber"/>): years ("2015") when the range spans at
    /// least two new years, otherwise months ("2015-03"), otherwise just the two ends. At most
    /// <paramref name="maxTicks"/> ticks of either kind.
    /// </summary>
    public static IReadOnlyList<SvgTick> Dates(int firstDay, int lastDay, int maxTicks = 10)
    {
        maxTicks = Math.Max(maxTicks, 2);
        if (lastDay < firstDay)
        {
            (firstDay, lastDay) = (lastDay, firstDay);
        }

        var first = DateOnly.FromDayNumber(firstDay);
        var last = DateOnly.FromDayNumber(lastDay);
        var ticks = new List<SvgTick>();

        var firstYear = first.Month == 1 && first.Day == 1 ? first.Year : first.Year + 1;
        var years = last.Year - firstYear + 1;
        if (years >= 2)
        {
            var step = Pick(YearSteps, years, maxTicks);
            for (var y = firstYear; y <= last.Year; y++)
            {
                if (y % step == 0)
                {
                    ticks.Add(new SvgTick(new DateOnly(y, 1, 1).DayNumber, y.ToString(CultureInfo.InvariantCulture)));
                }
            }

            if (ticks.Count >= 2)
            {
                return ticks;
            }

            ticks.Clear();
        }

        var firstMonth = first.Day == 1 ? first : new DateOnly(first.Year, first.Month, 1).AddMonths(1);
        var months = ((last.Year - firstMonth.Year) * 12) + last.Month - firstMonth.Month + 1;
        if (months >= 2)
        {
            var step = Pick(MonthSteps, months, maxTicks);
            for (var m = firstMonth; m <= last; m = m.AddMonths(1))
            {
                if ((m.Month - 1) % step == 0)
                {
                    ticks.Add(new SvgTick(m.DayNumber, m.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
                }
            }

            if (ticks.Count >= 2)
            {
                return ticks;
            }

            ticks.Clear();
        }

        ticks.Add(new SvgTick(firstDay, first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (lastDay > firstDay)
        {
            ticks.Add(new SvgTick(lastDay, last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return ticks;
    }

    private static int Pick(int[] steps, int count, int maxTicks)
    {
        foreach (var step in steps)
        {
            if ((count + step - 1) / step <= maxTicks)
            {
                return step;
            }
        }

        return steps[^1];
    }

    private static List<SvgTick> LogTicks(double lo, double hi, double[] mantissas, int everyDecades, Func<double, string> format)
    {
        var ticks = new List<SvgTick>();
        for (var d = (int)Math.Floor(lo); d <= (int)Math.Ceiling(hi); d++)
        {
            if (d % everyDecades != 0)
            {
                continue;
            }

            foreach (var m in mantissas)
            {
                var value = m * Math.Pow(10, d);
                var position = Math.Log10(value);
                if (position >= lo && position <= hi)
                {
                    ticks.Add(new SvgTick(position, format(value)));
                }
            }
        }

        return ticks;
    }

    private static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / magnitude;
        var nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
