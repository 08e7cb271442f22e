using System.Globalization;
using Ballast.Io;

namespace Ballast.Cli.Tests.Research;

/// <summary><c>ballast data shiller</c> and <see cref="ShillerTotalReturns"/>: the two total-return level series derived from Shiller's monthly file.</summary>
public sealed class ShillerTotalReturnsTests
{
    private const string Header = "Date,P,D,CPI,MonthlyTotalBondReturn,GS10";

    [Fact]
    public void Derive_StocksReinvestAMonthOfDividends_BondsApplyThePreviousRowsReturn()
    {
        var text = $"{Header}\n1925-12,10,1.2,17,1.01,3\n1926-01,11,2.4,17,1.02,3\n1926-02,9.9,1.2,17,0.99,3\n";

        var levels = ShillerTotalReturns.Derive(new StringReader(text), "s.csv");

        Assert.Equal(["1925-12", "1926-01", "1926-02"], levels.Months);
        Assert.Equal(1, levels.Stocks[0]);
        Assert.Equal((11 + 0.2) / 10, levels.Stocks[1], 15);
        Assert.Equal((11 + 0.2) / 10 * ((9.9 + 0.1) / 11), levels.Stocks[2], 15);
        Assert.Equal([1, 1.01, 1.01 * 1.02], levels.Bonds);
        Assert.Null(levels.EndReason);
    }

    [Fact]
    public void Derive_EndsBeforeTheFirstEmptyDividendOrBondReturn_AndSaysWhy()
    {
        var text = $"{Header}\n2023-05,4100,68,300,1.003,3.5\n2023-06,4300,68.5,301,,3.7\n2023-07,4500,,302,1.001,3.9\n";

        var levels = ShillerTotalReturns.Derive(new StringReader(text), "s.csv");
        Assert.Equal(["2023-05", "2023-06"], levels.Months);
        Assert.Equal("D is empty at line 4 (2023-07)", levels.EndReason);

        var noBond = $"{Header}\n2023-05,4100,68,300,1.003,3.5\n2023-06,4300,68.5,301,,3.7\n2023-07,4500,69,302,1.001,3.9\n";
        Assert.Equal("MonthlyTotalBondReturn of the month before is empty at line 4 (2023-07)", ShillerTotalReturns.Derive(new StringReader(noBond), "s.csv").EndReason);
    }

    [Theory]
    [InlineData("Date,P,CPI,MonthlyTotalBondReturn\n1926-01,1,1,1\n", "s.csv:1 (D): no 'D' column")]
    [InlineData(Header + "\n1926-01,1,1,1,1,1\n1926-13,1,1,1,1,1\n", "s.csv:3 (Date): cannot read month '1926-13'")]
    [InlineData(Header + "\n1926-02,1,1,1,1,1\n1926-01,1,1,1,1,1\n", "s.csv:3 (Date): month 1926-01 does not follow 1926-02")]
    [InlineData(Header + "\n1926-01,1,1,1,1,1\n1926-02,x,1,1,1,1\n", "s.csv:3 (P): cannot read number 'x'")]
    [InlineData(Header + "\n1926-01,0,1,1,1,1\n1926-02,1,1,1,1,1\n", "s.csv:2 (P): must be > 0, got 0")]
    [InlineData(Header + "\n1926-01,1,1,1,1,1\n1926-02,1,1\n", "s.csv:3 (MonthlyTotalBondReturn): the row has 3 cells")]
    [InlineData(Header + "\n1926-01,1,1,1,1,1\n1926-02,1,,1,1,1\n", "s.csv:3: fewer than two complete months; D is empty at line 3 (1926-02)")]
    public void Derive_BadInput_NamesTheLineAndField(string text, string expected)
    {
        var error = Assert.Throws<BallastInputException>(() => ShillerTotalReturns.Derive(new StringReader(text), "s.csv"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataShiller_WritesDateStocksBonds_AndExitsTwoWithNothingWrittenOnBadInput()
    {
        using var dir = new TempDir();
        var source = dir.Write("shiller.csv", $"{Header}\n1925-12,10,1.2,17,1.01,3\n1926-01,11,2.4,17,1.02,3\n");

        var result = CliRunner.Run("data", "shiller", "--data", source, "--out", dir.File("tr.csv"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"wrote {dir.File("tr.csv")}: Stocks, Bonds x 2 months, 1925-12 .. 1926-01\n", result.Out.ReplaceLineEndings("\n"));
        Assert.Equal($"Date,Stocks,Bonds\n1925-12,1,1\n1926-01,{((11 + (2.4 / 12)) / 10).ToString("R", CultureInfo.InvariantCulture)},1.01\n", File.ReadAllText(dir.File("tr.csv")));

        var bad = dir.Write("bad.csv", "Date,P,D\n1926-01,1,1\n");
        var failed = CliRunner.Run("data", "shiller", "--data", bad, "--out", dir.File("bad-tr.csv"));
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains($"{bad}:1 (MonthlyTotalBondReturn): no 'MonthlyTotalBondReturn' column", failed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("bad-tr.csv")));
    }

    /// <summary>
    /// On the real file the derived nominal returns equal Shiller's own indices: Stocks is RealTRPrice × CPI and
    /// Bonds is RealTotalBondReturn × CPI, month by month (the second checks the bond column's one-row lag).
    /// </summary>
    [Fact]
    public void RealData_DerivedReturnsEqualShillersRealIndicesTimesCpi()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var path = Path.Combine(shared!, "shiller_us_stock_market_monthly.csv");

        var levels = ShillerTotalReturns.Read(path);

        Assert.Equal("1871-01", levels.Months[0]);
        Assert.Equal("2023-06", levels.Months[^1]);
        Assert.StartsWith("D is empty at line ", levels.EndReason, StringComparison.Ordinal);
        var lines = File.ReadAllLines(path);
        var names = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(names, name);
        double Value(int row, string name) => double.Parse(lines[row + 1].Split(',')[Col(name)], CultureInfo.InvariantCulture);
        for (var t = 1; t < levels.Months.Count; t++)
        {
            var stock = levels.Stocks[t] / levels.Stocks[t - 1];
            var bond = levels.Bonds[t] / levels.Bonds[t - 1];
            var cpi = Value(t, "CPI") / Value(t - 1, "CPI");
            Assert.Equal(Value(t, "RealTRPrice") / Value(t - 1, "RealTRPrice") * cpi, stock, 1e-9);
            Assert.Equal(Value(t, "RealTotalBondReturn") / Value(t - 1, "RealTotalBondReturn") * cpi, bond, 1e-9);
        }
    }
}
