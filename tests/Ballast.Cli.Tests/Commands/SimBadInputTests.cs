using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// <c>ballast sim</c> on bad input writes nothing: every class of bad scenario value is found before the first event
/// (exit 2, naming file, line and field), and a run that fails part way (bad data found on row N) leaves no journal,
/// because a SQLite journal is built in a temporary file moved into place only on success.
/// </summary>
public sealed class SimBadInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-sim-bad-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private static string Sample => Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml");

    /// <summary>The sample scenario with one edit, written beside the test's journal; the line the edit lands on.</summary>
    private string Scenario(string find, string replace)
    {
        var text = File.ReadAllText(Sample).Replace("../demo.yaml", Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), StringComparison.Ordinal);
        Assert.Contains(find, text, StringComparison.Ordinal);
        var path = Path.Combine(_dir.FullName, "bad.yaml");
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
        return path;
    }

    private const string Governance = "keeper: every-row\ngovernance:\n  steps:\n";

    [Theory]
    [InlineData("deposit: 250000", "deposit: 0.0000001", "investors[1].deposit", "less than one base unit (0.000001 USD at 6 decimals)")]
    [InlineData("account: bob", "account: \"vault:demo-mix\"", "investors[1].account", "'vault:demo-mix' is a system account")]
    [InlineData("account: bob", "account: \"escrow:bob\"", "investors[1].account", "'escrow:bob' is a system account")]
    [InlineData("account: bob", "account: \"gauge:demo-mix\"", "investors[1].account", "'gauge:demo-mix' is a system account")]
    [InlineData("redeem: 0.25", "redeem: 0.0000001", "investors[2].redeem", "less than the smallest fraction a redemption takes")]
    [InlineData("exit_fee_bps: 10", "exit_fee_bps: 10\n  instant_withdrawals: false\n  withdrawal_delay_days: 10000000", "children.withdrawal_delay_days", "expected at most 3650")]
    [InlineData("exit_fee_bps: 10", "exit_fee_bps: 10\n  instant_withdrawals: false\n  withdrawal_delay_days: 1e300", "children.withdrawal_delay_days", "expected at most 3650")]
    [InlineData("years: 5", "years: 0", "data.synth.years", "expected a whole number from 1 to 200")]
    [InlineData("years: 5", "years: 100000", "data.synth.years", "expected a whole number from 1 to 200")]
    [InlineData("strategies: 5", "strategies: 1000000000", "data.synth.strategies", "expected a whole number from 1 to 1000")]
    [InlineData("id: demo-mix", "id: demo-mix\n  periods_per_year: 0", "composed.periods_per_year", "expected a whole number from 1 to")]
    [InlineData("keeper: every-row", Governance + "    - { on: 2002-01-02, mint: { to: \"escrow:x\", bank: 5 } }", "governance.steps[0].mint.to", "'escrow:x' is a system account")]
    [InlineData("keeper: every-row", Governance + "    - { on: 2002-01-02, gauge_vote: { by: \"vault:demo-mix\", bps: 5 } }", "governance.steps[0].gauge_vote.by", "'vault:demo-mix' is a system account")]
    [InlineData("keeper: every-row", Governance + "    - { on: 2002-01-02, gauge_vote: { by: alice, bps: 1e12 } }", "governance.steps[0].gauge_vote.bps", "expected whole basis points from 0 to 10000")]
    [InlineData("keeper: every-row", Governance + "    - { on: 2002-01-02, vote: { by: alice, proposal: 1e300, support: for } }", "governance.steps[0].vote.proposal", "expected a proposal number >= 1")]
    [InlineData("keeper: every-row", Governance + "    - { on: 2002-01-02, vote: { by: alice, proposal: 3, support: for } }", "governance.steps[0].vote.proposal", "proposal 3 is never made: the scenario's steps propose 0")]
    public void Sim_BadScenarioValue_ExitsTwoNamingLineAndFieldAndWritesNoJournal(string find, string replace, string field, string message)
    {
        var scenario = Scenario(find, replace);
        var db = Path.Combine(_dir.FullName, "bad.db");

        var result = CliRunner.Run("sim", scenario, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(scenario)}:\d+:\d+ \({System.Text.RegularExpressions.Regex.Escape(field)}\): ", result.Error);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the journal file exists after a refused scenario");
        Assert.Empty(_dir.GetFiles("*.staging*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void Sim_DataThatOverflowsPartWay_ExitsTwoNamingColumnAndLeavesNoJournal()
    {
        // Two columns; on the 300th row A's price jumps by 10^30: found only when the run reaches it.
        var csv = new System.Text.StringBuilder("date,A,B\n");
        var day = new DateOnly(2001, 1, 1);
        for (var row = 0; row < 400; row++, day = day.AddDays(1))
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{(row < 300 ? "1" : "1e30")},1\n");
        }

        File.WriteAllText(Path.Combine(_dir.FullName, "data.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(_dir.FullName, "spec.yaml"), "universe: [A, B]\nweights: { scheme: equal }\npolicies:\n  - { name: monthly, trigger: { calendar: monthly } }\n");
        var scenario = Path.Combine(_dir.FullName, "jump.yaml");
        File.WriteAllText(scenario, "data: { file: data.csv }\nasset: { symbol: USD, decimals: 6 }\npolicy: { file: spec.yaml, name: monthly }\ninvestors:\n  - { account: alice, deposit: 1000000, on: first }\n");
        var db = Path.Combine(_dir.FullName, "jump.db");

        var result = CliRunner.Run("sim", scenario, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(_dir.FullName, "data.csv")} (A): on 2001-10-28 the price moves by a factor of 1E+30", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "a run that failed part way left its journal behind");
        Assert.Empty(_dir.GetFiles(".jump.db*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void Sim_BadScenarioOverAnExistingFile_LeavesTheFileUnchanged()
    {
        var db = Path.Combine(_dir.FullName, "existing.db");
        File.WriteAllText(db, string.Empty);
        var scenario = Scenario("deposit: 250000", "deposit: 0.0000001");

        var result = CliRunner.Run("sim", scenario, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(0, new FileInfo(db).Length);
        Assert.Single(_dir.GetFiles("existing.db*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void Sim_OverAJournalWithEventsOrAFileThatIsNoJournal_ExitsTwoAndChangesNothing()
    {
        var journal = Path.Combine(_dir.FullName, "full.db");
        Assert.Equal(0, CliRunner.Run("sim", Sample, "--db", journal).ExitCode);
        var text = Path.Combine(_dir.FullName, "notes.db");
        File.WriteAllText(text, "my notes, not a database");
        var before = (File.ReadAllBytes(journal), File.ReadAllBytes(text));

        var again = CliRunner.Run("sim", Sample, "--db", journal);
        var notes = CliRunner.Run("sim", Sample, "--db", text);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("the journal is not empty", again.Error, StringComparison.Ordinal);
        Assert.Equal(2, notes.ExitCode);
        Assert.Contains("is not a journal", notes.Error, StringComparison.Ordinal);
        Assert.Equal(before.Item1, File.ReadAllBytes(journal));
        Assert.Equal(before.Item2, File.ReadAllBytes(text));
        Assert.Equal(["full.db", "notes.db"], _dir.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }
}
