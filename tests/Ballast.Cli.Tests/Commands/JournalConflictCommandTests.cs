using System.Globalization;
using Ballast.Io.Tests;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// Writing commands whose journal loses races to another writer: the command is re-read and decided again a bounded
/// number of times; if every race is lost, exit 3 ("the journal is busy"), with nothing of the command written.
/// </summary>
public sealed class JournalConflictCommandTests : IDisposable
{
    private const string At = "2025-01-01T00:00:00Z";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-conflict-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private static CliResult Run(int conflicts, int afterWrites, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, interactive: false, store => new ConflictingJournalStore(store) { Conflicts = conflicts, AfterWrites = afterWrites });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static long Scalar(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private string Governed()
    {
        var db = Path.Combine(_dir.FullName, "gov.db");
        Assert.Equal(0, CliRunner.Run("gov", "init", "--as", "treasury", "--at", At, "--db", db).ExitCode);
        return db;
    }

    [Fact]
    public void GovMint_LosesTwoRaces_DecidesAgainAndAppliesOnce()
    {
        var db = Governed();

        var mint = Run(2, 0, "gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", At, "--id", "mint-1", "--db", db);

        Assert.True(mint.ExitCode == 0, mint.Error);
        Assert.Contains("applied: command mint-1", mint.Out, StringComparison.Ordinal);
        Assert.Contains("another writer appended first 2 time(s)", mint.Error, StringComparison.Ordinal);
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM journal_events WHERE command_id = 'mint-1' AND type = 'command'"));
        Assert.Equal(0, CliRunner.Run("verify", db).ExitCode);
    }

    [Fact]
    public void GovMint_LosesEveryRace_ExitsThreeAndWritesNothing()
    {
        var db = Governed();
        var events = Scalar(db, "SELECT count(*) FROM journal_events");

        var mint = Run(int.MaxValue, 0, "gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", At, "--id", "mint-1", "--db", db);

        Assert.Equal(3, mint.ExitCode);
        Assert.Equal(Program.JournalBusy, mint.ExitCode);
        Assert.Contains("error: the journal is busy", mint.Error, StringComparison.Ordinal);
        Assert.Contains("run it again later", mint.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", mint.Error, StringComparison.Ordinal);
        Assert.Equal(events, Scalar(db, "SELECT count(*) FROM journal_events"));
    }

    [Fact]
    public void Sim_LosesEveryRaceMidRun_ExitsThree()
    {
        var db = Path.Combine(_dir.FullName, "sim.db");
        var scenario = Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml");

        var sim = Run(int.MaxValue, 20, "sim", scenario, "--db", db);

        Assert.Equal(3, sim.ExitCode);
        Assert.Contains("error: the journal is busy", sim.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "a SQLite sim journal appears only when the whole run succeeds (it is staged)");
    }
}
