using Ballast.Data;

namespace Ballast.Core.Tests.Data;

public class MarketDataCsvTests
{
    private static MarketData Read(string text, ValueKind kind = ValueKind.Prices) => MarketDataCsv.Read(new StringReader(text), "prices.csv", kind);

    private static BallastInputException Bad(string text, ValueKind kind = ValueKind.Prices) => Assert.Throws<BallastInputException>(() => Read(text, kind));

    [Fact]
    public void Read_WideDailyFile_ParsesDatesNamesAndEmptyCells()
    {
        var data = Read("Date,A,B\n2020-01-02,1.5,\n2020-01-03,1.6,10\n");

        Assert.Equal(["A", "B"], data.Names);
        Assert.Equal(new DateOnly(2020, 1, 3), data.Dates[1]);
        Assert.Equal(1.6, data[1, 0]);
        Assert.True(double.IsNaN(data[0, 1]));
        Assert.Equal(1, data.FirstValidRow(1));
        Assert.Equal(3, data.Lines[1]);
    }

    [Fact]
    public void Read_MonthlyDates_StandForTheLastDayOfTheMonth()
    {
        var data = Read("Date,A\n2020-01,1\n2020-02,2\n");

        Assert.True(data.IsMonthly);
        Assert.Equal(new DateOnly(2020, 2, 29), data.Dates[1]);
        Assert.Equal("2020-02", data.FormatDate(data.Dates[1]));
    }

    [Fact]
    public void Read_PercentReturns_CompoundIntoAnIndex()
    {
        var data = Read("Date,A\n2020-01,10\n2020-02,-50\n", ValueKind.ReturnsPercent);

        Assert.Equal(1.1, data[0, 0], 12);
        Assert.Equal(0.55, data[1, 0], 12);
    }

    [Fact]
    public void Read_FractionReturns_CompoundIntoAnIndex()
    {
        var data = Read("Date,A\n2020-01-01,0.1\n2020-01-02,0.1\n", ValueKind.ReturnsFraction);

        Assert.Equal(1.21, data[1, 0], 12);
    }

    [Fact]
    public void Read_EmptyFile_IsAnErrorAtLineOne() =>
        Assert.Contains("prices.csv:1: the file is empty", Bad(string.Empty).Message, StringComparison.Ordinal);

    [Fact]
    public void Read_HeaderOnly_IsAnError() =>
        Assert.Contains("no data rows", Bad("Date,A\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_FirstColumnNotDate_NamesLineAndColumn() =>
        Assert.StartsWith("prices.csv:1:1: the first column must be 'Date'", Bad("Day,A\n2020-01-01,1\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_UnparsableDate_NamesLineAndColumn()
    {
        var e = Bad("Date,A\n2020-01-01,1\n2020-13-01,2\n");
        Assert.StartsWith("prices.csv:3:1: cannot read date '2020-13-01'", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Location!.Line);
    }

    [Fact]
    public void Read_UnparsableNumber_NamesLineColumnAndSeries()
    {
        var e = Bad("Date,A,B\n2020-01-01,1,2\n2020-01-02,1,abc\n");
        Assert.StartsWith("prices.csv:3:3 (B): cannot read number 'abc'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateDate_NamesBothLines() =>
        Assert.StartsWith("prices.csv:3:1: duplicate date 2020-01-01 (also on line 2)", Bad("Date,A\n2020-01-01,1\n2020-01-01,2\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_DescendingDates_AreAnError() =>
        Assert.StartsWith("prices.csv:3:1: date 2020-01-01 is before the previous row's date 2020-01-02", Bad("Date,A\n2020-01-02,1\n2020-01-01,2\n").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("0", "price 0 is not positive")]
    [InlineData("-3.5", "price -3.5 is not positive")]
    [InlineData("NaN", "cannot read number 'NaN'")]
    [InlineData("Infinity", "cannot read number 'Infinity'")]
    [InlineData("1e999", "cannot read number '1e999'")]
    public void Read_NonPositiveOrNonFinitePrice_NamesTheCell(string cell, string expected) =>
        Assert.StartsWith($"prices.csv:3:2 (A): {expected}", Bad($"Date,A\n2020-01-01,1\n2020-01-02,{cell}\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_ReturnOfMinusHundredPercent_IsAnError() =>
        Assert.StartsWith("prices.csv:2:2 (A): return -100 % is a loss of 100 % or more", Bad("Date,A\n2020-01,-100\n", ValueKind.ReturnsPercent).Message, StringComparison.Ordinal);

    [Fact]
    public void Read_PricesReadAsPercentReturns_OverflowWithAClearError()
    {
        var rows = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{300 + i}"));
        var e = Bad("Date,SPY\n" + rows + "\n", ValueKind.ReturnsPercent);

        Assert.Contains("(SPY): compounding the returns overflows here", e.Message, StringComparison.Ordinal);
        Assert.Contains("Leave out --returns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongFieldCount_NamesTheLine() =>
        Assert.StartsWith("prices.csv:3: expected 3 fields like the header, found 2", Bad("Date,A,B\n2020-01-01,1,2\n2020-01-02,1\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_DuplicateColumn_NamesBothColumns() =>
        Assert.StartsWith("prices.csv:1:3: duplicate column 'A' (also column 2)", Bad("Date,A,A\n2020-01-01,1,2\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Read_MixedDateFormats_AreAnError() =>
        Assert.StartsWith("prices.csv:3:1: date '2020-02-03' mixes formats", Bad("Date,A\n2020-01,1\n2020-02-03,2\n").Message, StringComparison.Ordinal);
}
