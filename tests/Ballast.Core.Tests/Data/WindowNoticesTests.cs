using Ballast.Data;

namespace Ballast.Core.Tests.Data;

public class WindowNoticesTests
{
    private static string Format(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateOnly[] Days(DateOnly from, int count, int step = 1) => [.. Enumerable.Range(0, count).Select(i => from.AddDays(i * step))];

    [Fact]
    public void Of_FiveMonthlyRows_SaysTheWindowIsTooShortToAnnualise()
    {
        DateOnly[] dates = [.. Enumerable.Range(0, 5).Select(m => new DateOnly(2020, 1, 31).AddMonths(m))];

        var notices = WindowNotices.Of(dates, Format);

        var notice = Assert.Single(notices);
        Assert.StartsWith("the window 2020-01-31 .. 2020-05-31 is shorter than a year (5 rows, 4 returns, 121 days; a year of this data is about 12 periods)", notice, StringComparison.Ordinal);
        Assert.Contains("still annualised and shown", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_TwoYearsOfDailyRowsWithoutGaps_SaysNothing()
    {
        Assert.Empty(WindowNotices.Of(Days(new DateOnly(2020, 1, 1), 730), Format));
    }

    [Fact]
    public void Of_WeekdaysWithAThreeWeekHole_NamesTheGapButNotWeekends()
    {
        var dates = Days(new DateOnly(2020, 1, 1), 800).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            .Where(d => d < new DateOnly(2020, 3, 2) || d > new DateOnly(2020, 3, 20)).ToArray();

        var notice = Assert.Single(WindowNotices.Of(dates, Format));

        Assert.Equal("1 large gap(s) between dates, longer than 7 days (3x the usual spacing of 1 day(s)): 2020-02-28 .. 2020-03-23 (24 days); the return across a gap counts as one period", notice);
    }

    [Fact]
    public void Of_MonthlyRowsWithAMissingHalfYear_NamesTheGapRelativeToTheMonthlySpacing()
    {
        var dates = Enumerable.Range(0, 48).Select(m => new DateOnly(2010, 1, 31).AddMonths(m)).Where(d => d.Year != 2012 || d.Month > 6).ToArray();

        var notice = Assert.Single(WindowNotices.Of(dates, Format));

        Assert.StartsWith("1 large gap(s) between dates, longer than 9", notice, StringComparison.Ordinal);
        Assert.Contains("2011-12-31 .. 2012-07-31 (213 days)", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ShortWindow_AddsTheNoticeToTheTable()
    {
        var data = MarketDataCsv.Read(new StringReader("Date,A\n2020-01,1\n2020-02,1\n2020-03,1\n2020-04,1\n2020-05,1\n"), "short.csv");

        var table = PriceWindow.Build(data, ["A"]);

        Assert.Contains(table.Notices, n => n.StartsWith("the window 2020-01 .. 2020-05 is shorter than a year (5 rows, 4 returns", StringComparison.Ordinal));
    }
}
