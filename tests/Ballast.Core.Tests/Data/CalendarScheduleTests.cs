using Ballast.Data;
using CsCheck;

namespace Ballast.Core.Tests.Data;

public class CalendarScheduleTests
{
    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    /// <summary>Month-end dates (the last day of each month) from January of <paramref name="year"/>, <paramref name="months"/> of them.</summary>
    private static DateOnly[] MonthEnds(int year, int months) =>
        [.. Enumerable.Range(0, months).Select(m => new DateOnly(year, 1, 1).AddMonths(m + 1).AddDays(-1))];

    /// <summary>Every weekday from <paramref name="from"/> to <paramref name="to"/>, except <paramref name="holidays"/>.</summary>
    private static DateOnly[] Weekdays(DateOnly from, DateOnly to, params DateOnly[] holidays)
    {
        var list = new List<DateOnly>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(d))
            {
                list.Add(d);
            }
        }

        return [.. list];
    }

    private static DateOnly[] FiringDates(CalendarSchedule schedule, DateOnly[] dates, int periodsPerYear)
    {
        var flags = schedule.FiringRows(dates, periodsPerYear);
        return [.. dates.Where((_, i) => flags[i])];
    }

    [Fact]
    public void PeriodEnd_QuarterlyOnMonthEndData_FiresOnTheMarchJuneSeptemberDecemberRows()
    {
        var dates = MonthEnds(2020, 24);

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Quarterly, CalendarAnchor.PeriodEnd), dates, 12);

        Assert.Equal([3, 6, 9, 12, 3, 6, 9, 12], fired.Select(d => d.Month));
        Assert.Equal(D(2020, 3, 31), fired[0]);
        Assert.Equal(D(2021, 12, 31), fired[^1]);
    }

    [Fact]
    public void PeriodStart_QuarterlyOnMonthEndData_FiresAMonthAfterTheQuarterEnds()
    {
        // The default (unchanged): the first row of each new quarter, January's row excepted (row 0).
        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Quarterly), MonthEnds(2020, 12), 12);

        Assert.Equal([4, 7, 10], fired.Select(d => d.Month));
    }

    [Fact]
    public void PeriodEnd_QuarterlyOnMonthlyDataDatedTheFirst_FiresOnTheLastMonthOfEachQuarter()
    {
        DateOnly[] dates = [.. Enumerable.Range(0, 12).Select(m => D(2020, 1, 1).AddMonths(m))];

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Quarterly, CalendarAnchor.PeriodEnd), dates, 12);

        Assert.Equal([D(2020, 3, 1), D(2020, 6, 1), D(2020, 9, 1), D(2020, 12, 1)], fired);
    }

    [Fact]
    public void PeriodEnd_MonthlyOnDailyData_FiresOnTheLastWeekdayOfEachMonth()
    {
        var dates = Weekdays(D(2024, 1, 2), D(2024, 6, 30));

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Monthly, CalendarAnchor.PeriodEnd), dates, 252);

        Assert.Equal([D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 29), D(2024, 4, 30), D(2024, 5, 31), D(2024, 6, 28)], fired);
    }

    [Fact]
    public void PeriodEnd_LastWeekdayIsAHoliday_FiresLateOnTheFirstRowOfTheNextPeriodNeverSkipping()
    {
        // Good Friday 2024-03-29: March's last row (the 28th) cannot know it is the last, so 1 April fires instead.
        var dates = Weekdays(D(2024, 3, 1), D(2024, 5, 31), D(2024, 3, 29));

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Monthly, CalendarAnchor.PeriodEnd), dates, 252);

        Assert.Equal([D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 31)], fired);
    }

    [Fact]
    public void PeriodEnd_MonthlyOnWeeklyData_FiresOnTheLastWeeklyRowOfEachMonth()
    {
        DateOnly[] fridays = [.. Enumerable.Range(0, 14).Select(w => D(2024, 1, 5).AddDays(7 * w))];

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Monthly, CalendarAnchor.PeriodEnd), fridays, 52);

        Assert.Equal([D(2024, 1, 26), D(2024, 2, 23), D(2024, 3, 29)], fired);
    }

    [Fact]
    public void PeriodEnd_WeeklyOnCalendarDailyData_FiresOnSundays()
    {
        DateOnly[] days = [.. Enumerable.Range(0, 21).Select(i => D(2024, 1, 1).AddDays(i))];

        var fired = FiringDates(new CalendarSchedule(CalendarFrequency.Weekly, CalendarAnchor.PeriodEnd), days, 365);

        Assert.Equal([D(2024, 1, 7), D(2024, 1, 14), D(2024, 1, 21)], fired);
    }

    [Fact]
    public void Offset_QuarterlyByOneMonth_FiresInFebruaryMayAugustNovember()
    {
        var dates = MonthEnds(2020, 12);

        var starts = FiringDates(new CalendarSchedule(CalendarFrequency.Quarterly, CalendarAnchor.PeriodStart, 1), dates, 12);
        var ends = FiringDates(new CalendarSchedule(CalendarFrequency.Quarterly, CalendarAnchor.PeriodEnd, 2), dates, 12);

        Assert.Equal([2, 5, 8, 11], starts.Select(d => d.Month));
        Assert.Equal([2, 5, 8, 11], ends.Select(d => d.Month));
    }

    [Fact]
    public void Offset_AnnualInJune_StartOffsetFiveOrEndOffsetSix()
    {
        var dates = MonthEnds(2019, 48);

        var starts = FiringDates(new CalendarSchedule(CalendarFrequency.Annual, CalendarAnchor.PeriodStart, 5), dates, 12);
        var ends = FiringDates(new CalendarSchedule(CalendarFrequency.Annual, CalendarAnchor.PeriodEnd, 6), dates, 12);

        Assert.Equal([D(2019, 6, 30), D(2020, 6, 30), D(2021, 6, 30), D(2022, 6, 30)], starts);
        Assert.Equal(starts, ends);
    }

    [Fact]
    public void Offset_WeeklyByFourDays_WeeksRunFridayToThursday()
    {
        DateOnly[] days = [.. Enumerable.Range(0, 14).Select(i => D(2024, 1, 1).AddDays(i))];

        var starts = FiringDates(new CalendarSchedule(CalendarFrequency.Weekly, CalendarAnchor.PeriodStart, 4), days, 365);

        Assert.All(starts, d => Assert.Equal(DayOfWeek.Friday, d.DayOfWeek));
        Assert.Equal(2, starts.Length);
    }

    [Fact]
    public void Fires_NeverReadsALaterRow_AndEveryPeriodBoundaryFiresOnItsLastRowOrTheNextFirst()
    {
        var schedules = Gen.Select(Gen.Int[0, 5], Gen.Bool, Gen.Int[0, 11], (f, end, offset) =>
        {
            var frequency = (CalendarFrequency)f;
            return new CalendarSchedule(frequency, end ? CalendarAnchor.PeriodEnd : CalendarAnchor.PeriodStart, offset % (CalendarSchedule.MaxOffset(frequency) + 1));
        });
        Gen.Select(schedules, Gen.Int[1, 40].Array[2, 80], Gen.Int[0, 5].Select(i => new[] { 1, 4, 12, 52, 252, 365 }[i])).Sample((schedule, gaps, periodsPerYear) =>
        {
            var dates = new DateOnly[gaps.Length];
            dates[0] = D(2019, 12, 30);
            for (var i = 1; i < dates.Length; i++)
            {
                dates[i] = dates[i - 1].AddDays(gaps[i]);
            }

            var flags = schedule.FiringRows(dates, periodsPerYear);
            for (var row = 1; row < dates.Length; row++)
            {
                // The decision on a row is the one made when that row was the last known (the live keeper's view).
                Assert.Equal(flags[row], schedule.Fires(dates.AsSpan(0, row + 1), row, periodsPerYear));
                if (schedule.StartsPeriod(dates, row) && row >= 2)
                {
                    Assert.True(flags[row] || flags[row - 1], $"the period ending before {dates[row]} fired on neither its last row nor the next first row");
                }
            }
        });
    }
}
