using Ballast.Io.Reports.Tearsheet;
using CsCheck;

namespace Ballast.Io.Tests.Reports.Tearsheet;

/// <summary>
/// The tearsheet's computations, each pinned against a hand-worked tiny series and against a straightforward
/// computation written here independently (grouping with LINQ, textbook formulas), on random series.
/// </summary>
public sealed class TearsheetComputationTests
{
    private static readonly DateOnly[] TinyDates = [new(2020, 1, 30), new(2020, 1, 31), new(2020, 2, 14), new(2020, 2, 28), new(2020, 3, 13)];

    // Returns +10%, −10%, +10%, −20%.
    private static readonly double[] TinyNav = [100, 110, 99, 108.9, 87.12];

    [Fact]
    public void RelativeEquity_HandWorked()
    {
        var ratio = RelativeEquity.Compute([100, 110, 121, 0], [50, 50, 60, 60]);

        Assert.Equal(1.0, ratio[0], 15);
        Assert.Equal(1.1, ratio[1], 15);
        Assert.Equal(1.21 / 1.2, ratio[2], 15);
        Assert.True(double.IsNaN(ratio[3]));
    }

    [Fact]
    public void MonthlyAndYearly_HandWorked_FirstAndLastPartial()
    {
        var monthly = PeriodReturns.Monthly(TinyDates, TinyNav);

        Assert.Equal(3, monthly.Count);
        Assert.Equal(new PeriodReturn(2020, 1, TinyDates[0], TinyDates[1], 0.1, Partial: true), monthly[0] with { Return = 0.1 });
        Assert.Equal(0.1, monthly[0].Return, 14);
        Assert.Equal((2020, 2, false), (monthly[1].Year, monthly[1].Month, monthly[1].Partial));
        Assert.Equal(TinyDates[1], monthly[1].From);
        Assert.Equal(-0.01, monthly[1].Return, 14);
        Assert.Equal((3, true), (monthly[2].Month, monthly[2].Partial));
        Assert.Equal(-0.2, monthly[2].Return, 14);

        var yearly = Assert.Single(PeriodReturns.Yearly(TinyDates, TinyNav));
        Assert.Equal((2020, 0, true), (yearly.Year, yearly.Month, yearly.Partial));
        Assert.Equal(-0.1288, yearly.Return, 14);
    }

    [Fact]
    public void Monthly_MonthEndData_FirstRowOnlyMonthIsLeftOut_AndAFullLastMonthIsNotPartial()
    {
        DateOnly[] dates = [new(2019, 12, 31), new(2020, 1, 31), new(2020, 2, 29)];
        double[] nav = [100, 105, 102.9];

        var monthly = PeriodReturns.Monthly(dates, nav);
        Assert.Equal(2, monthly.Count);
        Assert.Equal((1, 0.05, false), (monthly[0].Month, Math.Round(monthly[0].Return, 14), monthly[0].Partial));
        Assert.Equal((2, -0.02, false), (monthly[1].Month, Math.Round(monthly[1].Return, 14), monthly[1].Partial));

        // 2019 has only the first row; 2020 ends in February, so it is partial.
        var yearly = Assert.Single(PeriodReturns.Yearly(dates, nav));
        Assert.Equal((2020, true), (yearly.Year, yearly.Partial));
        Assert.Equal(0.029, yearly.Return, 14);
    }

    [Fact]
    public void Monthly_RandomDailySeries_MatchesAGroupByAndCompounds()
    {
        Gen.Select(Gen.Int[2, 900], Gen.Int[0, 5000], Gen.Int[0, int.MaxValue]).Sample((rows, startOffset, seed) =>
        {
            var (dates, nav) = RandomSeries(rows, new DateOnly(2000, 1, 3).AddDays(startOffset), seed);
            var monthly = PeriodReturns.Monthly(dates, nav);

            // Independent: the last row of each month, and the return between consecutive last rows (the first from row 0).
            var lastRows = Enumerable.Range(0, rows).GroupBy(r => (dates[r].Year, dates[r].Month)).Select(g => g.Max()).ToList();
            var expected = new List<(int, int, double)>();
            var previous = 0;
            foreach (var last in lastRows)
            {
                if (last > previous)
                {
                    expected.Add((dates[last].Year, dates[last].Month, (nav[last] / nav[previous]) - 1));
                }

                previous = last;
            }

            Assert.Equal(expected.Count, monthly.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal((expected[i].Item1, expected[i].Item2), (monthly[i].Year, monthly[i].Month));
                Assert.Equal(expected[i].Item3, monthly[i].Return, 12);
            }

            var compounded = monthly.Aggregate(1.0, (acc, m) => acc * (1 + m.Return));
            Assert.Equal(nav[^1] / nav[0], compounded, 10);
            var yearlyCompounded = PeriodReturns.Yearly(dates, nav).Aggregate(1.0, (acc, m) => acc * (1 + m.Return));
            Assert.Equal(nav[^1] / nav[0], yearlyCompounded, 10);
            // The first month is partial unless the window's first row is its only row (then it is left out).
            Assert.True(lastRows[0] == 0 || monthly[0].Partial);
        });
    }

    [Fact]
    public void Rolling_HandWorked_WindowOfThree()
    {
        var rolling = RollingStatistics.Compute(TinyNav, periodsPerYear: 4, riskFree: 0, window: 3);

        Assert.Equal(3, rolling.Window);
        Assert.All(rolling.Volatility.Take(3), v => Assert.True(double.IsNaN(v)));
        // Returns 0.1, −0.1, 0.1: mean 1/30, s = √(0.04/3); vol = 2s, Sharpe = mean / s · 2 = 1/√3.
        Assert.Equal(2 * Math.Sqrt(0.04 / 3), rolling.Volatility[3], 14);
        Assert.Equal(1 / Math.Sqrt(3), rolling.Sharpe[3], 13);
        // Returns −0.1, 0.1, −0.2: mean −1/15, s = √(0.07/3).
        Assert.Equal(2 * Math.Sqrt(0.07 / 3), rolling.Volatility[4], 14);
        Assert.Equal(-1.0 / 15 / Math.Sqrt(0.07 / 3) * 2, rolling.Sharpe[4], 13);
    }

    [Fact]
    public void Rolling_RandomSeries_MatchesTextbookFormulasPerWindow()
    {
        Gen.Select(Gen.Int[2, 400], Gen.Int[2, 60], Gen.Double[-0.02, 0.08], Gen.Int[0, int.MaxValue]).Sample((rows, window, riskFree, seed) =>
        {
            var (_, nav) = RandomSeries(rows, new DateOnly(2001, 1, 1), seed);
            var rolling = RollingStatistics.Compute(nav, 52, riskFree, window);
            var rfPeriod = Math.Pow(1 + riskFree, 1.0 / 52) - 1;
            for (var t = 0; t < rows; t++)
            {
                if (t < window)
                {
                    Assert.True(double.IsNaN(rolling.Volatility[t]));
                    continue;
                }

                var returns = Enumerable.Range(t - window + 1, window).Select(k => (nav[k] - nav[k - 1]) / nav[k - 1]).ToArray();
                var mean = returns.Average();
                var variance = returns.Sum(r => (r - mean) * (r - mean)) / (window - 1);
                Assert.Equal(Math.Sqrt(variance * 52), rolling.Volatility[t], 1e-12);
                var sharpe = (mean - rfPeriod) / Math.Sqrt(variance) * Math.Sqrt(52);
                Assert.Equal(sharpe, rolling.Sharpe[t], 1e-9 * Math.Max(1, Math.Abs(sharpe)));
            }
        });
    }

    [Fact]
    public void Rolling_DefaultWindow_IsOneYearOfPeriods()
    {
        var (_, nav) = RandomSeries(40, new DateOnly(2001, 1, 1), 7);

        Assert.Equal(12, RollingStatistics.Compute(nav, 12, 0).Window);
    }

    [Fact]
    public void Drawdowns_HandWorked_ThreeEpisodes()
    {
        DateOnly[] dates = [.. Enumerable.Range(0, 8).Select(i => new DateOnly(2020, 1, 1).AddDays(7 * i))];
        double[] nav = [100, 120, 90, 120, 130, 117, 130, 100];

        var all = DrawdownEpisodes.All(dates, nav);
        Assert.Equal(3, all.Count);
        Assert.Equal((1, 2, (int?)3, 2, 14), (all[0].PeakRow, all[0].TroughRow, all[0].RecoveryRow, all[0].LengthRows, all[0].LengthDays));
        Assert.Equal(-0.25, all[0].Depth, 15);
        Assert.Equal((4, 5, (int?)6), (all[1].PeakRow, all[1].TroughRow, all[1].RecoveryRow));
        Assert.Equal(-0.1, all[1].Depth, 15);
        Assert.Equal((6, 7, (int?)null, 1, 7), (all[2].PeakRow, all[2].TroughRow, all[2].RecoveryRow, all[2].LengthRows, all[2].LengthDays));
        Assert.Null(all[2].Recovery);
        Assert.Equal((100.0 / 130) - 1, all[2].Depth, 15);

        var worst = DrawdownEpisodes.Worst(dates, nav, 2);
        Assert.Equal([1, 6], worst.Select(e => e.PeakRow));
    }

    [Fact]
    public void Drawdowns_RandomSeries_DeepestIsTheMaxDrawdown_AndEpisodesPartitionTheFalls()
    {
        Gen.Select(Gen.Int[2, 600], Gen.Int[0, int.MaxValue]).Sample((rows, seed) =>
        {
            var (dates, nav) = RandomSeries(rows, new DateOnly(2001, 1, 1), seed);
            var all = DrawdownEpisodes.All(dates, nav);

            // Independent: the running-peak drawdown at every row.
            var peak = double.NegativeInfinity;
            var underwater = new bool[rows];
            var maxDrawdown = 0.0;
            for (var t = 0; t < rows; t++)
            {
                peak = Math.Max(peak, nav[t]);
                underwater[t] = nav[t] < peak;
                maxDrawdown = Math.Min(maxDrawdown, (nav[t] / peak) - 1);
            }

            Assert.Equal(maxDrawdown, all.Count == 0 ? 0 : all.Min(e => e.Depth), 14);
            // Each underwater row lies strictly inside exactly one episode (after its peak, before its recovery).
            for (var t = 0; t < rows; t++)
            {
                var inside = all.Count(e => t > e.PeakRow && t < (e.RecoveryRow ?? rows));
                Assert.Equal(underwater[t] ? 1 : 0, inside);
            }

            var worst = DrawdownEpisodes.Worst(dates, nav);
            Assert.True(worst.Count <= DrawdownEpisodes.DefaultCount);
            Assert.True(worst.Zip(worst.Skip(1)).All(p => p.First.Depth <= p.Second.Depth));
        });
    }

    [Fact]
    public void Distribution_HandWorked()
    {
        var shape = ReturnDistribution.Compute(Ballast.Statistics.ReturnSeries.FromEquity(TinyNav));

        // Returns 0.1, −0.1, 0.1, −0.2: mean −0.025, s = 0.15, z = 5/6, −1/2, 5/6, −7/6.
        Assert.Equal(4, shape.Count);
        Assert.Equal(-10.0 / 27, shape.Skewness, 12);
        Assert.Equal(-316.0 / 81, shape.ExcessKurtosis, 12);
        // h = 3 · 0.05 = 0.15 between −0.2 and −0.1.
        Assert.Equal(-0.185, shape.ValueAtRisk95, 14);
        Assert.Equal(-0.2, shape.ConditionalValueAtRisk95, 14);
        Assert.Equal((0.1, -0.2), (Math.Round(shape.Best, 14), Math.Round(shape.Worst, 14)));
    }

    [Fact]
    public void Distribution_RandomReturns_MatchesTextbookFormulas()
    {
        Gen.Select(Gen.Int[4, 500], Gen.Int[0, int.MaxValue]).Sample((n, seed) =>
        {
            var random = new Random(seed);
            var returns = Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.45) * 0.05 * (random.Next(10) == 0 ? 4 : 1)).ToArray();
            var shape = ReturnDistribution.Compute(returns);

            var mean = returns.Average();
            var s = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (n - 1));
            var z3 = returns.Sum(r => Math.Pow((r - mean) / s, 3));
            var z4 = returns.Sum(r => Math.Pow((r - mean) / s, 4));
            double m = n;
            Assert.Equal(m / ((m - 1) * (m - 2)) * z3, shape.Skewness, 9);
            Assert.Equal((m * (m + 1) / ((m - 1) * (m - 2) * (m - 3)) * z4) - (3 * (m - 1) * (m - 1) / ((m - 2) * (m - 3))), shape.ExcessKurtosis, 8);

            var sorted = returns.Order().ToArray();
            var h = (n - 1) * 0.05;
            var lo = (int)Math.Floor(h);
            var quantile = sorted[lo] + ((h - lo) * (sorted[Math.Min(lo + 1, n - 1)] - sorted[lo]));
            Assert.Equal(quantile, shape.ValueAtRisk95, 14);
            Assert.Equal(sorted.Where(r => r <= quantile).Average(), shape.ConditionalValueAtRisk95, 14);
            Assert.True(shape.ConditionalValueAtRisk95 <= shape.ValueAtRisk95);
        });
    }

    [Fact]
    public void Distribution_TooFewOrConstantReturns_AreUndefinedNotWrong()
    {
        Assert.True(double.IsNaN(ReturnDistribution.Compute([0.01, 0.01, 0.01, 0.01]).Skewness));
        Assert.True(double.IsNaN(ReturnDistribution.Compute([0.01, 0.02, 0.03]).ExcessKurtosis));
        Assert.Equal(0, ReturnDistribution.Compute([]).Count);
    }

    /// <summary>Weekday dates from <paramref name="start"/> and a positive NAV random walk.</summary>
    internal static (DateOnly[] Dates, double[] Nav) RandomSeries(int rows, DateOnly start, int seed)
    {
        var random = new Random(seed);
        var dates = new DateOnly[rows];
        var nav = new double[rows];
        var day = start;
        var value = 100.0;
        for (var r = 0; r < rows; r++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                day = day.AddDays(1);
            }

            dates[r] = day;
            day = day.AddDays(1 + (random.Next(20) == 0 ? 3 : 0));
            nav[r] = value;
            value *= 1 + ((random.NextDouble() - 0.48) * 0.04);
        }

        return (dates, nav);
    }
}

public sealed class TradingByYearTests
{
    [Fact]
    public void HandWorked_InitialInvestmentSkipped_NavBeforeIsNavAfterPlusCosts()
    {
        DateOnly[] dates = [new(2020, 12, 30), new(2020, 12, 31), new(2021, 1, 4)];
        double[] equity = [99, 99.5, 98.9];
        Ballast.Backtesting.TradeRecord[] trades =
        [
            new(0, dates[0], "A", 1, 0, 50, 50, 0.5, 0, 0.5, "initial"),
            new(0, dates[0], "B", 1, 0, 50, 50, 0.5, 0, 0.5, "initial"),
            new(2, dates[2], "A", 1, 60, 50, 10, 0.05, 0.6, 0.5, "drift"),
            new(2, dates[2], "B", 1, 40, 50, -10, 0.05, 0.4, 0.5, "drift"),
        ];

        var years = TradingByYear.Compute(dates, equity, trades);

        Assert.Equal([2020, 2021], years.Select(y => y.Year));
        Assert.Equal((0, 0.0, 0.0), (years[0].Rebalances, years[0].TurnoverOneWay, years[0].Costs));
        Assert.Equal(1, years[1].Rebalances);
        Assert.Equal(20 / (2 * 99.0), years[1].TurnoverOneWay, 15);
        Assert.Equal(0.1, years[1].Costs, 15);
        Assert.Equal(10_000 * 0.1 / 99, years[1].CostBps, 12);
    }

    [Fact]
    public void SumsOverTheYears_GiveTheRunsAnnualTurnoverCostDragAndRebalances()
    {
        const string spec = """
            name: t
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            costs: { proportional_bps: 10 }
            policies:
              - name: monthly
                trigger: { calendar: monthly }
              - name: band
                trigger: { drift: { absolute: 0.01 } }
            """;
        var outcome = Ballast.Io.Tests.Reports.HtmlReportTests.Outcome(spec, 1300);
        foreach (var run in outcome.Runs)
        {
            var years = TradingByYear.Compute(outcome.Table.Dates, run.Equity, run.Trades!);
            var m = run.Metrics;

            Assert.Equal(m.Rebalances, years.Sum(y => y.Rebalances));
            Assert.Equal(m.TurnoverOneWayAnnual!.Value, years.Sum(y => y.TurnoverOneWay) / m.Years, 12);
            Assert.Equal(m.CostDragBpsPerYear!.Value, years.Sum(y => y.CostBps) / m.Years, 10);
            var initialCost = run.Trades!.Where(t => t.Row == 0).Sum(t => t.Cost);
            Assert.Equal(m.CostsPaid, initialCost + years.Sum(y => y.Costs), 8);
            Assert.Equal(outcome.Table.Dates[^1].Year - outcome.Table.Dates[0].Year + 1, years.Count);
        }
    }
}
