namespace Ballast.Cli.Tests.Service;

/// <summary><c>ballast serve --data FILE</c>: a data file that is not there is bad input (exit 2, naming it) before the journal is opened.</summary>
public sealed class ServeDataOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MissingDataFile_IsBadInput_NamingIt_AndCreatesNoJournal()
    {
        var present = _dir.Write("prices.csv", "Date,A\n2024-01-01,1\n");

        var result = CliRunner.Run("serve", "--db", "sqlite:" + _dir.File("j.db"), "--data", present, "--data", _dir.File("absent.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("absent.csv", result.Error, StringComparison.Ordinal);
        Assert.Contains("data file not found", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("j.db")));
    }
}
