using System.Globalization;
using System.Text.Json;
using Ballast.Data;
using Ballast.Io.Protocol;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>A journal written once by <c>ballast sim samples/scenarios/sim-demo.yaml</c> and the synthetic data as CSV; tests copy it.</summary>
public sealed class GovJournalFixture : IDisposable
{
    public GovJournalFixture()
    {
        var scenario = Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml");
        Journal = Path.Combine(Dir.FullName, "sim.db");
        var sim = CliRunner.Run("sim", scenario, "--db", Journal);
        Assert.True(sim.ExitCode == 0, sim.Error);
        Data = Path.Combine(Dir.FullName, "synth.csv");
        var synth = CliRunner.Run("data", "synth", "--strategies", "5", "--years", "5", "--seed", "42", "--out", Data);
        Assert.True(synth.ExitCode == 0, synth.Error);
    }

    public DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("ballast-gov-fixture-");

    public string Journal { get; }

    public string Data { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Dir.Delete(true);
    }
}

/// <summary><c>ballast gov</c> on a journal made by <c>ballast sim</c> (its clock ends in 2004; governance starts in 2005).</summary>
public sealed class GovCommandTests : IClassFixture<GovJournalFixture>, IDisposable
{
    private const string T0 = "2005-01-03T00:00:00Z";
    private readonly GovJournalFixture _fixture;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-gov-");
    private readonly string _db;

    public GovCommandTests(GovJournalFixture fixture)
    {
        _fixture = fixture;
        _db = Path.Combine(_dir.FullName, "gov.db");
        File.Copy(fixture.Journal, _db);
        File.Copy(Path.Combine(CliRunner.RepoRoot(), "samples", "demo.yaml"), Path.Combine(_dir.FullName, "demo.yaml"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private CliResult Gov(params string[] args) => CliRunner.Run(["gov", .. args, "--db", _db]);

    private CliResult Must(params string[] args)
    {
        var result = Gov(args);
        Assert.True(result.ExitCode == 0, $"gov {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Out}\n{result.Error}");
        return result;
    }

    private long Events()
    {
        using var connection = new SqliteConnection($"Data Source={_db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal_events";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Open()
    {
        Must("init", "--as", "treasury", "--at", T0, "--voting-delay", "1d", "--voting-period", "7d", "--quorum", "0.1", "--timelock", "2d", "--grace", "14d", "--guardian", "guardian");
        Must("mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", T0);
        Must("mint", "--as", "treasury", "--to", "bob", "--amount", "500", "--at", T0);
        Must("lock", "--as", "alice", "--amount", "1000", "--for", "52w", "--at", T0);
        Must("lock", "--as", "bob", "--amount", "500", "--until", "2006-06-01", "--at", T0);
    }

    private string Proposal(string evidence) => Write("proposal.yaml", $"""
        description: switch demo-mix from hybrid to quarterly
        actions:
          - adopt_policy:
              vault: demo-mix
              spec: demo.yaml
              policy: quarterly
        {evidence}
          - add_gauge: demo-mix
        """);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void WholeFlow_ProposeWithEvidence_VoteQueueExecute_VerifyPasses()
    {
        Open();
        var file = Proposal("      evidence: { from: 2000-01-03, to: 2004-12-31 }");
        var propose = Must("propose", file, "--as", "alice", "--data", _fixture.Data, "--at", "2005-01-03T01:00:00Z");
        Assert.Contains("proposal 1 created by alice: content hash ", propose.Out, StringComparison.Ordinal);
        Assert.Contains("snapshot 2005-01-04T01:00:00Z, voting until 2005-01-11T01:00:00Z", propose.Out, StringComparison.Ordinal);
        Assert.Contains("evidence of proposal 1 action 1: verified", propose.Out, StringComparison.Ordinal);

        Assert.Matches(@"\n\s+1\s+Pending\s", Must("status", "--at", "2005-01-04T01:00:00Z").Out);
        Assert.Matches(@"\n\s+1\s+Active\s", Must("status", "--at", "2005-01-04T01:00:01Z").Out);
        var early = Gov("vote", "1", "for", "--as", "alice", "--at", "2005-01-04T00:00:00Z");
        Assert.Equal(2, early.ExitCode);
        Assert.StartsWith("error: voting-closed: ", early.Error, StringComparison.Ordinal);

        Must("vote", "1", "for", "--as", "alice", "--at", "2005-01-05T00:00:00Z");
        Must("vote", "1", "against", "--as", "bob", "--at", "2005-01-05T00:00:00Z");
        var retry = Must("vote", "1", "for", "--as", "alice", "--at", "2005-01-05T00:00:00Z");   // the same command again: idempotent
        Assert.Contains("already applied", retry.Out, StringComparison.Ordinal);

        var before = Events();
        var twice = Gov("vote", "1", "abstain", "--as", "alice", "--at", "2005-01-06T00:00:00Z");
        Assert.Equal(2, twice.ExitCode);
        Assert.StartsWith("error: already-voted: ", twice.Error, StringComparison.Ordinal);
        Assert.Equal(before, Events());

        Assert.Matches(@"\n\s+1\s+Active\s", Must("status", "--at", "2005-01-11T01:00:00Z").Out);
        using (var doc = JsonDocument.Parse(Must("status", "--at", "2005-01-11T01:00:01Z", "--json").Out))
        {
            var p = doc.RootElement.GetProperty("proposals")[0];
            Assert.Equal("Succeeded", p.GetProperty("state").GetString());
            Assert.True(p.GetProperty("reached").GetBoolean());
        }

        Must("queue", "1", "--at", "2005-01-12T00:00:00Z");
        before = Events();
        var tooEarly = Gov("execute", "1", "--at", "2005-01-13T23:59:59Z");
        Assert.Equal(2, tooEarly.ExitCode);
        Assert.StartsWith("error: timelock-pending: ", tooEarly.Error, StringComparison.Ordinal);
        Assert.Equal(before, Events());

        var execute = Must("execute", "1", "--at", "2005-01-14T00:00:00Z");
        Assert.Contains("proposal 1 executed", execute.Out, StringComparison.Ordinal);
        Assert.Contains("vault demo-mix now follows policy ", execute.Out, StringComparison.Ordinal);
        Assert.Contains("gauge demo-mix added", execute.Out, StringComparison.Ordinal);

        var detail = Must("status", "1", "--at", "2005-01-15T00:00:00Z");
        Assert.StartsWith("proposal 1: Executed at 2005-01-15T00:00:00Z", detail.Out, StringComparison.Ordinal);
        Assert.Contains("evidence: verified", detail.Out, StringComparison.Ordinal);
        Assert.Matches(@"alice\s+For\s", detail.Out);
        Assert.Matches(@"bob\s+Against\s", detail.Out);

        var verify = CliRunner.Run("verify", _db, "--data", _fixture.Data);
        Assert.True(verify.ExitCode == 0, verify.Error);
        var unknown = CliRunner.Run("verify", _db);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--data", unknown.Error, StringComparison.Ordinal);

        // Gauges: alice allocates her veBANK to demo-mix; it counts from the next week.
        Must("gauge-vote", "demo-mix", "--bps", "10000", "--as", "alice", "--at", "2005-01-15T00:00:00Z");
        using (var doc = JsonDocument.Parse(Must("gauges", "--at", "2005-01-16T00:00:00Z", "--json").Out))
        {
            var g = doc.RootElement.GetProperty("gauges")[0];
            Assert.Equal("demo-mix", g.GetProperty("gauge").GetString());
            Assert.Equal("0", g.GetProperty("weight_now").GetString());
            Assert.NotEqual("0", g.GetProperty("weight_next").GetString());
            Assert.Equal(10_000, g.GetProperty("allocations")[0].GetProperty("bps").GetInt32());
        }

        // A week's emission goes to the gauge by weight and is minted to the gauge's account.
        var distribute = Must("distribute", "--week", "2005-01-20", "--amount", "1000", "--as", "treasury", "--at", "2005-01-27T00:00:01Z");
        Assert.Contains("week of 2005-01-20T00:00:00Z: 1000 BANK split demo-mix 1000", distribute.Out, StringComparison.Ordinal);
        var again = Gov("distribute", "--week", "2005-01-20", "--amount", "1000", "--as", "treasury", "--at", "2005-01-28T00:00:00Z");
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith("error: already-distributed: ", again.Error, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(Must("gauges", "--at", "2005-02-03T00:00:00Z", "--json").Out))
        {
            var g = doc.RootElement.GetProperty("gauges")[0];
            Assert.Equal("1000000000000000000000", g.GetProperty("emitted").GetString());
            Assert.Equal("1000000000000000000000", g.GetProperty("released").GetString());
            Assert.Equal("1000000000000000000000", doc.RootElement.GetProperty("distributed")[0].GetProperty("amount").GetString());
        }

        Assert.Contains("emissions distributed: 1 weeks, 1000 BANK", Must("gauges", "--at", "2005-02-03T00:00:00Z").Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("verify", _db, "--data", _fixture.Data).ExitCode);
    }

    [Fact]
    public void WholeFlow_WithoutEvidence_VerifiesWithoutData()
    {
        Open();
        Must("propose", Proposal(string.Empty), "--as", "alice", "--at", "2005-01-03T01:00:00Z");
        Must("vote", "1", "for", "--as", "bob", "--at", "2005-01-05T00:00:00Z");
        Must("queue", "1", "--at", "2005-01-12T00:00:00Z");
        Must("execute", "1", "--at", "2005-01-14T00:00:00Z");
        Assert.Contains("proposal 1: Executed", Must("status", "1", "--at", "2005-01-14T00:00:00Z").Out, StringComparison.Ordinal);
        var verify = CliRunner.Run("verify", _db);
        Assert.True(verify.ExitCode == 0, verify.Error);
    }

    [Fact]
    public void TamperedClaim_OneMetricChanged_StatusSaysMismatch()
    {
        Open();
        var spec = File.ReadAllText(Path.Combine(_dir.FullName, "demo.yaml"));
        var hash = SpecPolicyCompiler.Instance.Compile("quarterly", spec).Hash;
        var honest = DataEvidenceVerifier.Claim(spec, hash, _fixture.Data, ValueKind.Prices, FillMode.None, new DateOnly(2000, 1, 3), new DateOnly(2004, 12, 31));
        var metrics = honest.Metrics.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var real = metrics["cagr"];
        metrics["cagr"] = "0.25";
        var claim = string.Join(", ", metrics.Select(m => $"{m.Key}: \"{m.Value}\""));
        var file = Proposal($"      evidence: {{ from: 2000-01-03, to: 2004-12-31, claim: {{ metrics: {{ {claim} }} }} }}");

        var propose = Must("propose", file, "--as", "alice", "--data", _fixture.Data, "--at", "2005-01-03T01:00:00Z");
        Assert.Contains("evidence of proposal 1 action 1: mismatch", propose.Out, StringComparison.Ordinal);

        var status = Must("status", "1", "--at", "2005-01-05T00:00:00Z");
        Assert.Contains($"evidence: mismatch: metric:cagr claimed 0.25, re-run gives {real}", status.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(Must("status", "1", "--at", "2005-01-05T00:00:00Z", "--json").Out);
        var evidence = doc.RootElement.GetProperty("evidence")[0];
        Assert.Equal("mismatch", evidence.GetProperty("result").GetString());
        Assert.Equal(1, evidence.GetProperty("mismatches").GetArrayLength());
        Assert.Equal("metric:cagr", evidence.GetProperty("mismatches")[0].GetProperty("field").GetString());
    }

    [Fact]
    public void UnknownProposalId_ExitsTwoAndWritesNothing()
    {
        Open();
        var before = Events();

        var status = Gov("status", "7", "--at", T0);
        Assert.Equal(2, status.ExitCode);
        Assert.Contains("unknown proposal id 7", status.Error, StringComparison.Ordinal);
        var vote = Gov("vote", "7", "for", "--as", "alice", "--at", T0);
        Assert.Equal(2, vote.ExitCode);
        Assert.StartsWith("error: unknown-proposal: ", vote.Error, StringComparison.Ordinal);
        Assert.Equal(2, Gov("execute", "7", "--at", T0).ExitCode);

        Assert.Equal(before, Events());
    }

    [Fact]
    public void BadInput_ExitsTwoWithAClearErrorAndWritesNothing()
    {
        var before = Events();
        Assert.Contains("cannot read duration 'soon'", Gov("init", "--as", "treasury", "--voting-delay", "soon", "--at", T0).Error, StringComparison.Ordinal);
        Assert.Equal(before, Events());
        Open();
        before = Events();

        var cases = new (string[] Args, string Message)[]
        {
            (["init", "--as", "treasury", "--at", T0], "error: governance-exists: "),
            (["mint", "--as", "treasury", "--to", "alice", "--amount", "1.2.3", "--at", T0], "cannot read BANK amount '1.2.3'"),
            (["mint", "--as", "alice", "--to", "alice", "--amount", "1", "--at", T0], "error: not-minter: "),
            (["lock", "--as", "alice", "--amount", "1", "--for", "2x", "--at", T0], "cannot read duration '2x'"),
            (["increase", "--as", "carol", "--amount", "1", "--at", T0], "error: no-lock: "),
            (["withdraw", "--as", "alice", "--at", T0], "error: lock-not-expired: "),
            (["vote", "1", "maybe", "--as", "alice", "--at", T0], "maybe"),
            (["status", "--at", "yesterday"], "--at: cannot read time 'yesterday'"),
            (["propose", Path.Combine(_dir.FullName, "missing.yaml"), "--as", "alice", "--at", T0], "proposal file not found"),
            (["propose", Write("bad.yaml", "description: x\nactions:\n  - adopt_policy: { vault: demo-mix, spec: demo.yaml, policy: quarterly\n"), "--as", "alice", "--at", T0], "bad.yaml:"),
            (["propose", Write("unknown.yaml", "description: x\nactions:\n  - add_gauges: demo-mix\n"), "--as", "alice", "--at", T0], "unknown.yaml:3:5 (actions[0]): unknown action 'add_gauges'"),
            (["propose", Write("nodata.yaml", "actions:\n  - adopt_policy: { vault: demo-mix, spec: demo.yaml, policy: quarterly, evidence: { from: 2000-01-03, to: 2004-12-31 } }\n"), "--as", "alice", "--at", T0], "give the data with --data CSV"),
            (["propose", Write("vault.yaml", "actions:\n  - adopt_policy: { vault: nope, spec: demo.yaml, policy: quarterly }\n"), "--as", "alice", "--at", T0], "error: invalid-action: action 1: 'nope' is not a composed vault"),
            (["propose", Write("gauge.yaml", "actions:\n  - add_gauge: 'demo mix'\n"), "--as", "alice", "--at", T0], "gauge.yaml:2:16 (actions[0].add_gauge): 'demo mix' is not a valid gauge id"),
            (["propose", Write("nogauge.yaml", "actions:\n  - remove_gauge: demo-mix\n"), "--as", "alice", "--at", T0], "error: invalid-action: action 1: there is no active gauge 'demo-mix'"),
            (["gauge-vote", "demo mix", "--bps", "100", "--as", "alice", "--at", T0], "GAUGE: 'demo mix' is not a valid gauge id (a gauge is named by its composed vault's id"),
            (["claim", "Long/Short", "--as", "alice", "--at", T0], "GAUGE: 'Long/Short' is not a valid gauge id"),
            (["gauge-vote", "nope", "--bps", "100", "--as", "alice", "--at", T0], "error: unknown-gauge: there is no active gauge 'nope'"),
        };
        foreach (var (args, message) in cases)
        {
            var result = Gov(args);
            Assert.True(result.ExitCode == 2, $"gov {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Out}\n{result.Error}");
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
        }

        Assert.Equal(before, Events());

        var fresh = Path.Combine(_dir.FullName, "fresh.db");
        var zero = CliRunner.Run("gov", "init", "--as", "treasury", "--voting-period", "0s", "--db", fresh, "--at", T0);
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("error: invalid-parameters: voting period 0", zero.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(fresh));
        Assert.Equal(0, CliRunner.Run("gov", "init", "--as", "treasury", "--db", fresh, "--at", T0).ExitCode);
        Assert.Contains("none", CliRunner.Run("gov", "status", "--db", fresh, "--at", T0).Out, StringComparison.Ordinal);

        var missing = CliRunner.Run("gov", "status", "--db", Path.Combine(_dir.FullName, "nope.db"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("journal file not found", missing.Error, StringComparison.Ordinal);
    }
}
