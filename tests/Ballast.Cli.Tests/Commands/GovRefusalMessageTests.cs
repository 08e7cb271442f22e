using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// Governance refusals through the CLI say governance refused (not "the vault's last operation"), and print times as
/// the journal's tools write them (ISO 8601 UTC, as <c>--at</c> takes them); <c>--help</c> states <c>--at</c>'s real default.
/// </summary>
public sealed class GovRefusalMessageTests : IClassFixture<GovJournalFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-gov-msg-");
    private readonly string _db;

    public GovRefusalMessageTests(GovJournalFixture fixture)
    {
        _db = Path.Combine(_dir.FullName, "gov.db");
        File.Copy(fixture.Journal, _db);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private CliResult Gov(params string[] args) => CliRunner.Run(["gov", .. args, "--db", _db]);

    [Fact]
    public void GovCommand_DatedBeforeTheLastEvent_IsRefusedByGovernanceInTheJournalsTimeFormat()
    {
        Assert.Equal(0, Gov("init", "--as", "treasury", "--at", "2005-01-03T00:00:00Z").ExitCode);

        var mint = Gov("mint", "--as", "treasury", "--to", "alice", "--amount", "10", "--at", "2005-01-02T12:30:00Z");

        Assert.Equal(2, mint.ExitCode);
        Assert.Equal(
            "error: time-regression: governance refuses a command dated 2005-01-02T12:30:00Z: the journal's last event is at 2005-01-03T00:00:00Z, and commands are decided in time order; date it 2005-01-03T00:00:00Z or later\n" +
            "note: the journal's time is its last event, 2005-01-03T00:00:00Z; continue with --at 2005-01-03T00:00:00Z or later\n",
            mint.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("vault", mint.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("+00:00", mint.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GovInit_DatedBeforeTheSimulationsLastEvent_NamesGovernanceAndTheJournalsLastEvent()
    {
        var init = Gov("init", "--as", "treasury", "--at", "2003-06-01");

        Assert.Equal(2, init.ExitCode);
        Assert.Matches(@"^error: time-regression: governance refuses a command dated 2003-06-01T00:00:00Z: the journal's last event is at 2004-12-\d\dT00:00:0\dZ", init.Error);
    }

    [Fact]
    public void GovStatusAndGaugesHelp_StateThatAtDefaultsToTheJournalsOwnTime()
    {
        foreach (var view in new[] { "status", "gauges" })
        {
            var help = CliRunner.Run("gov", view, "--help");

            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Default: the journal's own time, its last event (not the wall clock)", Flat(help.Out), StringComparison.Ordinal);
            Assert.DoesNotContain("Default: now", Flat(help.Out), StringComparison.Ordinal);
        }

        Assert.Contains("Default: now (the system clock)", Flat(CliRunner.Run("gov", "mint", "--help").Out), StringComparison.Ordinal);
    }

    /// <summary>Help text with its line wrapping undone.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
