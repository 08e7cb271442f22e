using Ballast.Data;

namespace Ballast.Core.Tests.Data;

public class PriceWindowTests
{
    private static readonly MarketData LateStart = MarketDataCsv.Read(new StringReader("Date,A,B\n2020-01-01,1,\n2020-01-02,1.1,\n2020-01-03,1.2,5\n2020-01-04,1.3,5.5\n2020-01-05,1.4,6\n"), "late.csv");

    [Fact]
    public void Build_SeriesStartingLate_StartsOnTheFirstCommonDateAndSaysSo()
    {
        var table = PriceWindow.Build(LateStart, ["A", "B"]);

        Assert.Equal(new DateOnly(2020, 1, 3), table.Dates[0]);
        Assert.Equal(3, table.RowCount);
        Assert.Contains(table.Notices, n => n.Contains("starting on 2020-01-03", StringComparison.Ordinal) && n.Contains("'B'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ExplicitFromBeforeASeriesStarts_NamesTheSeriesAndItsFirstDate()
    {
        var e = Assert.Throws<BallastInputException>(() => PriceWindow.Build(LateStart, ["A", "B"], from: new DateOnly(2020, 1, 2)));

        Assert.Contains("series 'B' starts: its first value is on 2020-01-03 (late.csv line 4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownColumn_NamesItWithASuggestion()
    {
        var e = Assert.Throws<BallastInputException>(() => PriceWindow.Build(LateStart, ["A", "b"]));

        Assert.Contains("series 'b' is not a column of late.csv (did you mean 'B'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InteriorGap_IsAnErrorNamingTheCellUnlessFilledForward()
    {
        var data = MarketDataCsv.Read(new StringReader("Date,A,B\n2020-01-01,1,2\n2020-01-02,,2\n2020-01-03,3,2\n"), "gap.csv");

        var e = Assert.Throws<BallastInputException>(() => PriceWindow.Build(data, ["A", "B"]));
        Assert.StartsWith("gap.csv:3:2 (A): series 'A' has no value on 2020-01-02", e.Message, StringComparison.Ordinal);
        Assert.Contains("--fill forward", e.Message, StringComparison.Ordinal);

        var filled = PriceWindow.Build(data, ["A", "B"], fill: FillMode.Forward);
        Assert.Equal(1, filled.Prices[2]);
        Assert.Contains(filled.Notices, n => n.Contains("filled forward", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_FromAfterTo_SaysSo() =>
        Assert.Contains("--from 2020-01-04 is after --to 2020-01-03", Assert.Throws<BallastInputException>(() => PriceWindow.Build(LateStart, ["A"], new DateOnly(2020, 1, 4), new DateOnly(2020, 1, 3))).Message, StringComparison.Ordinal);

    [Fact]
    public void Build_SeriesThatEnded_IsCarriedFlatAndSaysSo()
    {
        var data = MarketDataCsv.Read(new StringReader("Date,A,B\n2020-01-01,1,2\n2020-01-02,1,3\n2020-01-03,1,\n2020-01-04,1,\n"), "end.csv");

        var table = PriceWindow.Build(data, ["A", "B"], fill: FillMode.Forward);

        Assert.Contains(table.Notices, n => n == "'B' has no values after 2020-01-02: its last value is carried over the last 2 row(s), a flat price");
    }

    [Fact]
    public void Build_WindowOfOneRow_IsAnError() =>
        Assert.Contains("fewer than two rows", Assert.Throws<BallastInputException>(() => PriceWindow.Build(LateStart, ["A"], to: new DateOnly(2020, 1, 1))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("Date,A\n2020-01,1\n2020-02,1\n2020-03,1\n", 12)]
    [InlineData("Date,A\n2020-03,1\n2020-06,1\n2020-09,1\n", 4)]
    [InlineData("Date,A\n2020-12,1\n2021-12,1\n2022-12,1\n", 1)]
    [InlineData("Date,A\n2024-01-05,1\n2024-01-06,1\n2024-01-07,1\n2024-01-08,1\n", 365)]
    [InlineData("Date,A\n2024-01-04,1\n2024-01-05,1\n2024-01-08,1\n2024-01-09,1\n", 252)]
    public void InferPeriodsPerYear_FollowsTheSpacingOfDates(string csv, int expected)
    {
        var data = MarketDataCsv.Read(new StringReader(csv), "x.csv");
        Assert.Equal(expected, PriceWindow.Build(data, ["A"]).InferPeriodsPerYear());
    }
}

public class PeriodsWithHistoryTests
{
    [Fact]
    public void InferPeriodsPerYear_OneRowWindowAfterMonthlyHistory_IsStillMonthly()
    {
        var data = MarketDataCsv.Read(new StringReader("Date,A\n2020-01,1\n2020-02,1\n2020-03,1\n2020-04,1\n"), "m.csv");

        var table = PriceWindow.Build(data, ["A"], historyRows: 3, minRows: 1);

        Assert.Equal(1, table.RowCount);
        Assert.Equal(12, table.InferPeriodsPerYear());
    }
}
