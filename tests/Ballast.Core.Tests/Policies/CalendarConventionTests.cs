using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Policies;

/// <summary>Calendar anchors and phases, and the zero drift band, through the backtester (the one PolicyStep).</summary>
public class CalendarConventionTests
{
    private static readonly string[] Names = ["STOCKS", "BONDS"];

    /// <summary>Month-end rows (written YYYY-MM) from January 2020 with random prices.</summary>
    private static PriceTable MonthEnd(int months, double[] moves)
    {
        var dates = Enumerable.Range(0, months).Select(m => new DateOnly(2020, 1, 1).AddMonths(m + 1).AddDays(-1)).ToArray();
        var prices = new double[months * 2];
        prices[0] = 100;
        prices[1] = 100;
        for (var r = 1; r < months; r++)
        {
            prices[r * 2] = prices[(r - 1) * 2] * (1 + moves[(2 * r) % moves.Length]);
            prices[(r * 2) + 1] = prices[((r - 1) * 2) + 1] * (1 + (moves[((2 * r) + 1) % moves.Length] / 3));
        }

        return new PriceTable(Names, dates, prices, monthly: true);
    }

    private static PolicyRun Run(PriceTable table, TriggerSpec trigger, int periodsPerYear = 12) =>
        Backtester.Run(table, new RebalancePolicy(Specs.Fixed(Names, [0.6, 0.4], trigger)), new BacktestSettings(periodsPerYear, Record: true));

    [Fact]
    public void QuarterlyPeriodEnd_OnMonthEndData_TradesOnTheMarchJuneSeptemberDecemberRows()
    {
        var table = MonthEnd(25, [0.05, -0.04, 0.03, 0.02, -0.06]);

        var end = Run(table, new CalendarTrigger(CalendarFrequency.Quarterly, CalendarAnchor.PeriodEnd));
        var start = Run(table, new CalendarTrigger(CalendarFrequency.Quarterly));

        var endMonths = end.Trades!.Where(t => t.Row > 0).Select(t => t.Date).Distinct().Select(d => d.Month);
        var startMonths = start.Trades!.Where(t => t.Row > 0).Select(t => t.Date).Distinct().Select(d => d.Month);
        Assert.Equal([3, 6, 9, 12, 3, 6, 9, 12], endMonths);
        Assert.All(end.Trades!.Where(t => t.Row > 0), t => Assert.Equal("calendar quarterly (period-end)", t.Reason));

        // The default is unchanged: the first row of each new quarter (the last row, January 2022, never trades).
        Assert.Equal([4, 7, 10, 1, 4, 7, 10], startMonths);
    }

    [Fact]
    public void AnnualWithOffset_TradesInJuneOnly()
    {
        var table = MonthEnd(40, [0.05, -0.04, 0.03, 0.02, -0.06]);

        var run = Run(table, new CalendarTrigger(CalendarFrequency.Annual, CalendarAnchor.PeriodEnd, 6));

        Assert.Equal([new DateOnly(2020, 6, 30), new DateOnly(2021, 6, 30), new DateOnly(2022, 6, 30)], run.Trades!.Where(t => t.Row > 0).Select(t => t.Date).Distinct());
    }

    [Fact]
    public void ZeroBand_RebalancesAtEveryCheck_ExactlyAsTheCalendarTriggerDoes()
    {
        Gen.Select(Gen.Double[-0.08, 0.08].Array[7, 20], Gen.Int[0, 3], Gen.Bool, Gen.Bool).Sample((moves, f, relative, end) =>
        {
            var frequency = (CalendarFrequency)(f + 2);
            var anchor = end ? CalendarAnchor.PeriodEnd : CalendarAnchor.PeriodStart;
            var table = MonthEnd(36, moves);

            var zero = Run(table, new DriftTrigger(relative ? DriftMeasure.Relative : DriftMeasure.Absolute, 0, frequency, anchor));
            var calendar = Run(table, new CalendarTrigger(frequency, anchor));

            Assert.Equal(calendar.Metrics.Rebalances, zero.Metrics.Rebalances);
            Assert.Equal(calendar.Equity, zero.Equity);
            Assert.Equal(calendar.Trades!.Select(t => (t.Row, t.Asset, t.UnitsAfter)), zero.Trades!.Select(t => (t.Row, t.Asset, t.UnitsAfter)));
        });
    }

    [Fact]
    public void ZeroBand_WithoutCheck_RebalancesOnEveryRowEvenOnTarget()
    {
        // Flat prices: the weights never leave the targets, and a zero band still rebalances (nothing to trade).
        var table = new PriceTable(Names, [.. Enumerable.Range(0, 5).Select(i => new DateOnly(2024, 1, 1).AddDays(i))], [100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
        var policy = new RebalancePolicy(Specs.Fixed(Names, [0.6, 0.4], new DriftTrigger(DriftMeasure.Absolute, 0, null)));

        for (var row = 1; row < 4; row++)
        {
            var context = new PolicyContext(table.Calendar, row, [0.6, 0.4], 1000, 0, false, maxAbsDrift: 0);
            Assert.Equal("drift band 0: rebalance on every row", policy.Decide(context)?.Text);
        }

        Assert.Null(policy.FiresOnlyAboveDrift);
    }
}
