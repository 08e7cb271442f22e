using Ballast.Data;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>--from</c> and <c>--to</c> must lie within the data: a date before the data file's first date or after its last
/// is an error naming the data's span, as <c>--from</c> before one series' first value already is (in
/// <see cref="PriceWindow"/>), rather than a window shortened silently. (docs/backtest-semantics.md, "The window")
/// </summary>
internal static class WindowBounds
{
    /// <summary>Throws bad input when <paramref name="from"/> or <paramref name="to"/> lies outside <paramref name="data"/>'s dates.</summary>
    public static void Check(MarketData data, DateOnly? from, DateOnly? to)
    {
        if (data.RowCount == 0)
        {
            return;
        }

        // A monthly row stands for its whole month (its date is the month's last day), so --from 2010-01 is inside 2010-01.
        var first = data.Dates[0];
        var firstDay = data.IsMonthly ? new DateOnly(first.Year, first.Month, 1) : first;
        var last = data.Dates[^1];
        var span = $"{data.Source} holds {data.FormatDate(first)} .. {data.FormatDate(last)}";
        if (from is { } f && f < firstDay)
        {
            throw new BallastInputException($"--from {data.FormatDate(f)} is before the first date of the data ({span}); use --from {data.FormatDate(first)} or later, or leave --from out");
        }

        if (to is { } t && t > last)
        {
            throw new BallastInputException($"--to {data.FormatDate(t)} is after the last date of the data ({span}); use --to {data.FormatDate(last)} or earlier, or leave --to out");
        }
    }
}
