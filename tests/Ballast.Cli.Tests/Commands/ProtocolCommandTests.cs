using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast sim</c>, <c>verify</c> and <c>journal show</c> on the sample scenario (synthetic data: runs everywhere).</summary>
public sealed class ProtocolCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-sim-");

    private string Scenario => Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    /// <summary>
    /// Requests made on the last row (2001-01-02 for one year of synthetic data; forward pricing: after that row's NAV reports) are still pending at the end:
    /// the summary says so, with the assets in escrow and the shares locked, in text and JSON.
    /// </summary>
    [Fact]
    public void Sim_RequestsOnTheLastRow_SummaryShowsThemPending()
    {
        File.Copy(Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), Path.Combine(_dir.FullName, "demo.yaml"));
        var scenario = Path.Combine(_dir.FullName, "pending.yaml");
        File.WriteAllText(scenario, """
            name: pending
            data: { synth: { strategies: 5, years: 1, seed: 7 } }
            asset: { symbol: USD, decimals: 6 }
            policy: { file: demo.yaml, name: hybrid }
            children: { entry_fee_bps: 10, exit_fee_bps: 10 }
            composed: { id: mix }
            investors:
              - { account: alice, deposit: 1000000, on: first }
              - { account: bob, deposit: 2500, on: 2001-01-02 }
              - { account: alice, redeem: 0.5, on: 2001-01-02 }
            keeper: every-row
            """);

        var text = CliRunner.Run("sim", scenario, "--db", Path.Combine(_dir.FullName, "a.db"));
        var json = CliRunner.Run("sim", scenario, "--db", Path.Combine(_dir.FullName, "b.db"), "--json");

        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("pending         1 deposit requests (2500.000000 USD in escrow), 1 redemption requests (", text.Out, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        var pending = JsonDocument.Parse(json.Out).RootElement.GetProperty("pending");
        Assert.Equal(1, pending.GetProperty("deposits").GetInt32());
        Assert.Equal("2500000000", pending.GetProperty("escrowed").GetString());
        Assert.Equal(1, pending.GetProperty("redemptions").GetInt32());
        Assert.NotEqual("0", pending.GetProperty("shares_locked").GetString());
    }

    /// <summary>
    /// A scenario's data file is named by a path relative to the scenario (<c>../data.csv</c>); the summary and the
    /// printed <c>verify</c> line name it resolved (no <c>scenarios/..</c> left in it), so the line runs as shown.
    /// </summary>
    [Fact]
    public void Sim_DataFileBesideTheScenario_SummaryAndVerifyLineNameItResolved()
    {
        var scenarios = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scenarios"));
        var data = Path.Combine(_dir.FullName, "data.csv");
        Assert.Equal(0, CliRunner.Run("data", "synth", "--strategies", "5", "--years", "2", "--seed", "42", "--out", data).ExitCode);
        File.Copy(Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), Path.Combine(_dir.FullName, "demo.yaml"));
        var scenario = Path.Combine(scenarios.FullName, "s.yaml");
        File.WriteAllText(scenario, """
            name: paths
            data: { file: ../data.csv }
            asset: { symbol: USD, decimals: 6 }
            policy: { file: ../demo.yaml, name: hybrid }
            children: { entry_fee_bps: 10, exit_fee_bps: 10 }
            composed: { id: mix }
            investors:
              - { account: alice, deposit: 1000000, on: first }
            keeper: every-row
            governance:
              steps:
                - { on: 2001-06-01, mint: { to: alice, bank: 1000 } }
                - { on: 2001-06-01, lock: { account: alice, bank: 1000, weeks: 52 } }
                - { on: 2001-06-05, propose: { by: alice, policy: quarterly, evidence: true, description: quarterly } }
            """);
        var db = Path.Combine(_dir.FullName, "paths.db");
        var sim = CliRunner.Run("sim", scenario, "--db", db);
        Assert.True(sim.ExitCode == 0, sim.Error);
        var header = System.Text.RegularExpressions.Regex.Match(sim.Out, @"^paths: \d+ rows of (.+), policy 'hybrid'");
        Assert.True(header.Success, sim.Out);
        var hint = System.Text.RegularExpressions.Regex.Match(sim.Out, @"verify: ballast verify (.+) --data (.+)\n");
        Assert.True(hint.Success, sim.Out);
        foreach (var shown in new[] { header.Groups[1].Value, hint.Groups[2].Value.TrimEnd('\r') })
        {
            Assert.DoesNotContain("scenarios", shown, StringComparison.Ordinal);
            Assert.Equal(data, Path.GetFullPath(shown));
        }

        Assert.Equal(0, CliRunner.Run("verify", db, "--data", hint.Groups[2].Value.TrimEnd('\r')).ExitCode);
    }

    [Fact]
    public void Sim_ThenVerify_ThenShow_WorkEndToEnd()
    {
        var db = Path.Combine(_dir.FullName, "sim.db");
        var sim = CliRunner.Run("sim", Scenario, "--db", db, "--json");
        Assert.Equal(0, sim.ExitCode);
        using (var doc = JsonDocument.Parse(sim.Out))
        {
            Assert.Equal(6, doc.RootElement.GetProperty("vaults").GetInt32());
            Assert.True(doc.RootElement.GetProperty("rebalances").GetInt32() > 0);
            Assert.Equal(0, doc.RootElement.GetProperty("rejections").GetArrayLength());
        }

        var verify = CliRunner.Run("verify", db);
        Assert.Equal(0, verify.ExitCode);
        Assert.Matches(@"verified: \d+ events checked, 6 vaults verified, \d+ commands re-decided \(\d+ rebalances re-derived from their policies\)", verify.Out);

        var show = CliRunner.Run("journal", "show", db, "--type", "composed-deposited", "--vault", "demo-mix");
        Assert.Equal(0, show.ExitCode);
        Assert.Equal(2, show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(" composed-deposited ", line, StringComparison.Ordinal));

        // --vault is a vault id: one that cannot be is bad input (exit 2), not a filter that silently matches nothing.
        var badVault = CliRunner.Run("journal", "show", db, "--vault", " demo-mix");
        Assert.Equal(2, badVault.ExitCode);
        Assert.Contains("--vault: ' demo-mix' is not a valid vault id", badVault.Error, StringComparison.Ordinal);

        var head = System.Text.RegularExpressions.Regex.Match(verify.Out, @"head: (\d+:[0-9a-f]{64})").Groups[1].Value;
        Assert.Equal(0, CliRunner.Run("verify", db, "--expect-head", head).ExitCode);

        // A journal cut short still chains; only the head you trust tells.
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Cut at a command boundary after event 100 (a cut inside a command is caught without the head).
            command.CommandText = "CREATE TEMP TABLE cut AS SELECT min(first_sequence) AS at FROM journal_commands WHERE first_sequence > 100; "
                + "DELETE FROM journal_commands WHERE first_sequence >= (SELECT at FROM cut); DELETE FROM journal_events WHERE sequence >= (SELECT at FROM cut)";
            command.ExecuteNonQuery();
        }

        var cut = CliRunner.Run("verify", db, "--expect-head", head);
        Assert.Equal(2, cut.ExitCode);
        Assert.Contains("not at the expected head", cut.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GovernanceSeason_SwitchesThePolicyOnEvidence_AndVerifiesWithTheData()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the governance season runs on the EDHEC data (CI always has it)");
        var db = Path.Combine(_dir.FullName, "season.db");
        var data = Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv");

        var sim = CliRunner.Run("sim", Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "governance-season.yaml"), "--db", db, "--json");

        Assert.Equal(0, sim.ExitCode);
        using (var doc = JsonDocument.Parse(sim.Out))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("rejections").GetArrayLength());
            Assert.Equal(1, doc.RootElement.GetProperty("governance").GetProperty("executed").GetInt32());
        }

        var evidence = CliRunner.Run("journal", "show", db, "--type", "evidence-checked", "--json");
        Assert.Contains("\"result\":\"verified\"", evidence.Out, StringComparison.Ordinal);
        var attached = CliRunner.Run("journal", "show", db, "--type", "policy-attached").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, attached.Length);

        // After the switch, rebalances are fired by the band, not the calendar.
        var rebalances = CliRunner.Run("journal", "show", db, "--type", "rebalanced", "--json").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var after = rebalances.Where(l => string.CompareOrdinal(System.Text.Json.Nodes.JsonNode.Parse(l)!["time"]!.GetValue<string>()[..10], "2005-04-30") > 0).ToList();
        Assert.All(after, l => Assert.Contains("\"trigger\":\"drift\"", l, StringComparison.Ordinal));
        Assert.Contains(rebalances, l => l.Contains("\"trigger\":\"calendar\"", StringComparison.Ordinal));

        var unverified = CliRunner.Run("verify", db);
        Assert.Equal(2, unverified.ExitCode);
        Assert.Contains("verification INCOMPLETE", unverified.Error, StringComparison.Ordinal);
        Assert.Contains("pass it with --data FILE", unverified.Error, StringComparison.Ordinal);
        var verified = CliRunner.Run("verify", db, "--data", data);
        Assert.Equal(0, verified.ExitCode);
    }

    [Fact]
    public void Sim_IsDeterministic_SameJournalBytesTwice()
    {
        var first = Path.Combine(_dir.FullName, "a.db");
        var second = Path.Combine(_dir.FullName, "b.db");
        Assert.Equal(0, CliRunner.Run("sim", Scenario, "--db", first).ExitCode);
        Assert.Equal(0, CliRunner.Run("sim", Scenario, "--db", second).ExitCode);

        Assert.Equal(Hashes(first), Hashes(second));
    }

    [Fact]
    public void Verify_TamperedJournal_ExitsTwoNamingTheEvent()
    {
        var db = Path.Combine(_dir.FullName, "sim.db");
        Assert.Equal(0, CliRunner.Run("sim", Scenario, "--db", db).ExitCode);
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal_events SET payload = replace(payload, '\"nav_after\":\"', '\"nav_after\":\"9') WHERE sequence = (SELECT min(sequence) FROM journal_events WHERE type = 'rebalanced')";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var verify = CliRunner.Run("verify", db);

        Assert.Equal(2, verify.ExitCode);
        Assert.Matches(@"verification FAILED at event \d+: HashMismatch", verify.Error);
    }

    [Theory]
    [InlineData("on: 2002-06-03", "on: 2040-01-01", "investors[1].on", "outside the data")]
    [InlineData("id: demo-mix", "id: demo-mix\n  decimals_offset: 30", "composed.decimals_offset", "from 0 to 18")]
    [InlineData("exit_fee_bps: 10", "exit_fee_bps: 9000", "children.exit_fee_bps", "from 0 to 5000")]
    [InlineData("deposit: 250000", "deposit: 1e40", "investors[1].deposit", "more than this simulation handles")]
    [InlineData("min_trade: 100", "min_trade: 1e300", "composed.rails.min_trade", "too large")]
    [InlineData("rails: { max_step: 0.10,", "rails: { cooldown_days: 1e300, max_step: 0.10,", "composed.rails.cooldown_days", "expected at most")]
    public void Sim_OutOfRangeScenarioValues_ExitTwoNamingTheFieldAndWriteNothing(string find, string replace, string field, string message)
    {
        var scenario = Path.Combine(_dir.FullName, "bad.yaml");
        var text = File.ReadAllText(Scenario).Replace("../demo.yaml", Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), StringComparison.Ordinal);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(scenario, text.Replace(find, replace, StringComparison.Ordinal));
        var db = Path.Combine(_dir.FullName, "bad.db");

        var result = CliRunner.Run("sim", scenario, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"({field})", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void Sim_BadScenario_ExitsTwoWithTheFieldAndWritesNothing()
    {
        var scenario = Path.Combine(_dir.FullName, "bad.yaml");
        File.WriteAllText(scenario, File.ReadAllText(Scenario).Replace("entry_fee_bps: 10", "entry_fe_bps: 10", StringComparison.Ordinal).Replace("../demo.yaml", Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), StringComparison.Ordinal));
        var db = Path.Combine(_dir.FullName, "bad.db");

        var result = CliRunner.Run("sim", scenario, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.yaml:", result.Error, StringComparison.Ordinal);
        Assert.Contains("unknown key 'entry_fe_bps'; did you mean 'entry_fee_bps'?", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void Verify_MissingFileOrNotAJournal_ExitsTwo()
    {
        var missing = Path.Combine(_dir.FullName, "nope.db");
        foreach (var location in new[] { missing, "sqlite:" + missing })
        {
            var result = CliRunner.Run("verify", location);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("journal file not found", result.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(missing));
        }

        var text = Path.Combine(_dir.FullName, "text.db");
        File.WriteAllText(text, "not a database at all, just some text that is long enough to be read as a header..........");
        var notJournal = CliRunner.Run("verify", text);
        Assert.Equal(2, notJournal.ExitCode);
        Assert.Contains("not a readable journal", notJournal.Error, StringComparison.Ordinal);
    }

    private static List<string> Hashes(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash FROM journal_events ORDER BY sequence";
        using var reader = command.ExecuteReader();
        var hashes = new List<string>();
        while (reader.Read())
        {
            hashes.Add(reader.GetValue(0)?.ToString() ?? string.Empty);
        }

        return hashes;
    }
}
