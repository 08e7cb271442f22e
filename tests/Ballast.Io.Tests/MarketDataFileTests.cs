
namespace Ballast.Io.Tests;

public sealed class MarketDataFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-data-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Read_MissingFile_SaysNotFoundNamingThePath()
    {
        var e = Assert.Throws<BallastInputException>(() => MarketDataFile.Read("no/such/file.csv"));

        Assert.StartsWith("no/such/file.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("data file not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileWithByteOrderMark_ReadsTheHeaderAndNamesErrorsByPath()
    {
        var good = Path.Combine(_dir.FullName, "good.csv");
        var bad = Path.Combine(_dir.FullName, "bad.csv");
        File.WriteAllText(good, "Date,A,B\n2020-01-01,1,2\n2020-01-02,1.5,2.5\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true)); // with a byte-order mark
        File.WriteAllText(bad, "Date,A\n2020-01-01,x\n");

        var market = MarketDataFile.Read(good);
        var e = Assert.Throws<BallastInputException>(() => MarketDataFile.Read(bad));

        Assert.Equal(["A", "B"], market.Names);
        Assert.Equal(2, market.Dates.Count);
        Assert.StartsWith($"{bad}:2:", e.Message, StringComparison.Ordinal);
    }
}
