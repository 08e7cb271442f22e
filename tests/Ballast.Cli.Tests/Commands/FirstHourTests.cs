using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// What a new user meets in the first hour (issue 15): a misspelled option or command, a window outside the data, the
/// journal's clock under gov commands, journal show, gov status --json, the sim summary, progress on a terminal only.
/// </summary>
public sealed class FirstHourTests : IClassFixture<GovJournalFixture>, IDisposable
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        policies:
          - name: monthly
            trigger: { calendar: monthly }
        """;

    private readonly GovJournalFixture _fixture;
    private readonly TempDir _dir = new();

    public FirstHourTests(GovJournalFixture fixture) => _fixture = fixture;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string Prices()
    {
        var lines = new List<string> { "Date,A,B" };
        for (var i = 0; i < 60; i++)
        {
            lines.Add(FormattableString.Invariant($"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{100 + i},{100 + (0.5 * i)}"));
        }

        return _dir.Write("prices.csv", string.Join('\n', lines) + "\n");
    }

    private string Journal()
    {
        var db = _dir.File("sim.db");
        File.Copy(_fixture.Journal, db);
        return db;
    }

    [Theory]
    [InlineData(new[] { "backtest", "s.yaml", "--dta", "p.csv" }, "error: unknown option '--dta' for 'ballast backtest'; did you mean '--data'?", "run 'ballast backtest --help' for its usage")]
    [InlineData(new[] { "backtst", "s.yaml", "--data", "p.csv" }, "error: unknown command 'backtst' for 'ballast'; did you mean 'backtest'?", "run 'ballast backtest --help' for its usage")]
    [InlineData(new[] { "gov", "sttus", "--db", "x.db" }, "error: unknown command 'sttus' for 'ballast gov'; did you mean 'status'?", "run 'ballast gov status --help' for its usage")]
    [InlineData(new[] { "journal", "show", "x.db", "--lmit", "3" }, "error: unknown option '--lmit' for 'ballast journal show'; did you mean '--limit'?", "run 'ballast journal show --help' for its usage")]
    public void Misspelling_SuggestsTheClosestNameAndThatCommandsHelp_InOneBlock(string[] args, string error, string help)
    {
        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"{error}\n{help}\n", result.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Unrecognized", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void UnknownOption_FarFromEveryName_PointsToTheCommandsHelpWithoutAGuess()
    {
        var result = CliRunner.Run("spec", "s.yaml", "--zzzzzz");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: unknown option '--zzzzzz' for 'ballast spec'\nrun 'ballast spec --help' for its usage\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--from", "2019-06-01", "error: --from 2019-06-01 is before the first date of the data (", "); use --from 2020-01-01 or later, or leave --from out")]
    [InlineData("--to", "2030-01-01", "error: --to 2030-01-01 is after the last date of the data (", "); use --to 2020-02-29 or earlier, or leave --to out")]
    public void WindowOutsideTheData_IsAnErrorNamingTheDatasSpan(string option, string date, string start, string end)
    {
        var result = CliRunner.Run("backtest", _dir.Write("s.yaml", Spec), "--data", Prices(), option, date, "--json");

        Assert.Equal(2, result.ExitCode);
        var error = result.Error.ReplaceLineEndings("\n");
        Assert.StartsWith(start, error, StringComparison.Ordinal);
        Assert.Contains("prices.csv holds 2020-01-01 .. 2020-02-29", error, StringComparison.Ordinal);
        Assert.EndsWith(end + "\n", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void WindowAtTheDatasEnds_RunsOnExactlyThem()
    {
        var result = CliRunner.Run("backtest", _dir.Write("s.yaml", Spec), "--data", Prices(), "--from", "2020-01-01", "--to", "2020-02-29", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("2020-01-01", doc.RootElement.GetProperty("start").GetString());
        Assert.Equal("2020-02-29", doc.RootElement.GetProperty("end").GetString());
    }

    [Fact]
    public void GovWithoutAt_MoreThanADayAfterTheJournalsLastEvent_AsksForAtOrNow_AndWritesNothing()
    {
        var db = Journal();
        var before = new FileInfo(db).Length;
        var clock = new Ballast.Io.Protocol.ManualClock(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

        var result = Run(clock, "gov", "init", "--as", "treasury", "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^error: without --at this command would be dated now \(2026-12-07T12:00:00Z\), \d+ days after the journal's last event \(2004-12-\d\dT00:00:0\dZ\), and afterwards no command could be dated earlier; pass --at TIME to act in the journal's own time \(e\.g\. --at 2004-12-\d\dT00:00:0\dZ\), or --now to date it now", result.Error);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, new FileInfo(db).Length);

        var now = Run(clock, "gov", "init", "--as", "treasury", "--db", db, "--now");
        Assert.True(now.ExitCode == 0, now.Error);
        Assert.StartsWith("applied: command gov-init-governance-", now.Out, StringComparison.Ordinal);
        Assert.Contains(" at 2026-12-07T12:00:00Z", now.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void GovWithoutAt_WithinADayOfTheJournalsLastEvent_IsDatedByTheClock()
    {
        var db = Journal();
        Assert.Equal(0, CliRunner.Run("gov", "init", "--as", "treasury", "--db", db, "--at", "2005-01-03T00:00:00Z").ExitCode);

        var result = Run(new Ballast.Io.Protocol.ManualClock(new DateTimeOffset(2005, 1, 3, 23, 0, 0, TimeSpan.Zero)), "gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "5", "--db", db);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("applied: command gov-mint-bank-", result.Out, StringComparison.Ordinal);
        Assert.Contains(" at 2005-01-03T23:00:00Z", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void GovAtBeforeTheJournalsTime_RefusalSaysWhereItsTimeIsAndHowToContinue()
    {
        var db = Journal();
        Assert.Equal(0, CliRunner.Run("gov", "init", "--as", "treasury", "--db", db, "--now").ExitCode);

        var result = CliRunner.Run("gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "5", "--db", db, "--at", "2005-01-03T00:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"\nnote: the journal's time is its last event, (\S+); continue with --at \1 or later\n$", result.Error.ReplaceLineEndings("\n"));
        Assert.Equal(2, CliRunner.Run("gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "5", "--db", db, "--at", "2005-01-03T00:00:00Z", "--now").ExitCode);
    }

    [Fact]
    public void JournalShow_ByDefault_IsReadable_AndJsonIsTheRawForm()
    {
        var db = Journal();

        var text = CliRunner.Run("journal", "show", db, "--type", "asset-issued", "--limit", "1");
        var raw = CliRunner.Run("journal", "show", db, "--type", "asset-issued", "--limit", "1", "--json");

        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Matches(@"^ +\d+  2000-01-03 00:00:02  asset-issued +amount 1000000\.000000 USD, symbol USD, to alice  \[r0-fund-0\]\n$", text.Out.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("{", text.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(raw.Out);
        Assert.Equal("asset-issued", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("r0-fund-0", doc.RootElement.GetProperty("command").GetString());
        Assert.Equal("1000000000000", doc.RootElement.GetProperty("payload").GetProperty("amount").GetString());
    }

    [Fact]
    public void JournalShow_Rebalanced_ShowsNavInAssetUnitsAndWrappedOperationsByTheirKind()
    {
        var db = Journal();

        var rebalanced = CliRunner.Run("journal", "show", db, "--type", "rebalanced", "--limit", "1").Out;
        var report = CliRunner.Run("journal", "show", db, "--type", "simple-vault-operation", "--limit", "1").Out;

        Assert.Matches(@"rebalanced +.*nav_after \d+\.\d{6} USD, nav_before \d+\.\d{6} USD, ", rebalanced);
        Assert.Matches(@"simple-vault-operation nav-report-applied +vault TREND, .*reported_assets \d+\.\d{6} USD", report);
    }

    [Fact]
    public void JournalShowHelp_ShowsNoSentinelDefaultForLimit()
    {
        var help = CliRunner.Run("journal", "show", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.DoesNotContain("2147483647", help.Out, StringComparison.Ordinal);
        Assert.Contains("--limit", help.Out, StringComparison.Ordinal);
        Assert.Contains("--json", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void SimSummary_PrintsSharesInWholeShares()
    {
        var result = CliRunner.Run("sim", Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml"), "--db", _dir.File("s.db"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"\n  NAV +\d+\.\d{6} USD, \d+\.\d{12} shares\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void GovStatusJson_GivesProposalActionsAsObjects()
    {
        var db = Journal();
        foreach (var args in new[]
        {
            new[] { "init", "--as", "treasury", "--at", "2005-01-03T00:00:00Z" },
            ["mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", "2005-01-03T00:00:00Z"],
            ["lock", "--as", "alice", "--amount", "1000", "--for", "52w", "--at", "2005-01-03T00:00:00Z"],
            ["propose", Path.Combine(CliRunner.RepoRoot(), "samples", "proposals", "demo-mix-quarterly.yaml"), "--as", "alice", "--data", _fixture.Data, "--at", "2005-01-03T01:00:00Z"],
        })
        {
            var step = CliRunner.Run(["gov", .. args, "--db", db]);
            Assert.True(step.ExitCode == 0, step.Error);
        }

        var status = CliRunner.Run("gov", "status", "1", "--db", db, "--json");

        Assert.True(status.ExitCode == 0, status.Error);
        using var doc = JsonDocument.Parse(status.Out);
        var actions = doc.RootElement.GetProperty("actions");
        var adopt = actions[0];
        Assert.Equal("adopt-policy", adopt.GetProperty("type").GetString());
        Assert.Equal("demo-mix", adopt.GetProperty("vault").GetString());
        Assert.Equal("quarterly", adopt.GetProperty("policy_name").GetString());
        Assert.Equal(64, adopt.GetProperty("policy_hash").GetString()!.Length);
        Assert.Equal("2000-01-03", adopt.GetProperty("evidence").GetProperty("period_from").GetString());
        Assert.Equal("19", adopt.GetProperty("evidence").GetProperty("metrics").GetProperty("rebalances").GetString());
        Assert.StartsWith("adopt policy 'quarterly'", adopt.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("add-gauge", actions[1].GetProperty("type").GetString());
        Assert.Equal("demo-mix", actions[1].GetProperty("gauge").GetString());
    }

    [Fact]
    public void Progress_NotATerminal_WritesNothing()
    {
        var db = Journal();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Program.Run(["verify", db], new CliIo(stdout, stderr, Interactive: false));

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public async Task Progress_OnATerminal_CountsTheVerifiedEventsToTheHead()
    {
        var db = Journal();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var io = new CliIo(stdout, stderr, Interactive: true) { Clock = clock };

        var events = await Ballast.Cli.Commands.Progress.RunAsync(io, 3, async progress =>
        {
            var count = 0;
            await foreach (var _ in Ballast.Cli.Commands.Progress.Counted(AsyncRange(3), progress))
            {
                count++;
                clock.Advance(TimeSpan.FromMilliseconds(600)); // each event takes 0.6 s: the counter shows from the second
            }

            return count;
        }, "verifying", "events");

        Assert.Equal(3, events);
        Assert.Contains("\rverifying: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"\rverifying: 3/3 events{Environment.NewLine}", stderr.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(db));
    }

    private static async IAsyncEnumerable<int> AsyncRange(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    private static CliResult Run(TimeProvider clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.Run(args, new CliIo(stdout, stderr, Interactive: false) { Clock = clock });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
