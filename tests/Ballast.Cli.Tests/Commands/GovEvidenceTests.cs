using System.Text.Json;
using Ballast.Data;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// Evidence through the CLI: a claim journaled <c>data-unknown</c> is re-run by <c>verify --data</c> and fails it when
/// false; a proposal whose evidence is not verified cannot be executed while <c>evidence_required</c> (the default).
/// </summary>
public sealed class GovEvidenceTests : IClassFixture<GovJournalFixture>, IDisposable
{
    private const string T0 = "2005-01-03T00:00:00Z";
    private readonly GovJournalFixture _fixture;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-gov-evidence-");
    private readonly string _db;

    public GovEvidenceTests(GovJournalFixture fixture)
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

    [Fact]
    public void Verify_WithTheDataOfAFalseClaimJournaledDataUnknown_FailsNamingTheProposalAndEachDifferingField()
    {
        Open();
        var (file, real) = ClaimWithoutData(("cagr", "0.25"), ("sharpe", "3.5"));
        Assert.Contains("evidence of proposal 1 action 1: data-unknown", Must("propose", file, "--as", "alice", "--at", "2005-01-03T01:00:00Z").Out, StringComparison.Ordinal);

        var verify = CliRunner.Run("verify", _db, "--data", _fixture.Data);

        Assert.NotEqual(0, verify.ExitCode);
        Assert.DoesNotContain("verified:", verify.Out, StringComparison.Ordinal);
        Assert.Contains("proposal 1 action 1", verify.Error, StringComparison.Ordinal);
        Assert.Contains($"metric:cagr claimed 0.25, re-run gives {real["cagr"]}", verify.Error, StringComparison.Ordinal);
        Assert.Contains($"metric:sharpe claimed 3.5, re-run gives {real["sharpe"]}", verify.Error, StringComparison.Ordinal);

        // Without the data nothing can be re-run: the journal is consistent, and verify says what it checked.
        Assert.Equal(0, CliRunner.Run("verify", _db).ExitCode);
    }

    [Fact]
    public void Verify_WithTheDataOfATrueClaimJournaledDataUnknown_PassesAndSaysItWasReRun()
    {
        Open();
        var (file, _) = ClaimWithoutData();
        Must("propose", file, "--as", "alice", "--at", "2005-01-03T01:00:00Z");

        var verify = CliRunner.Run("verify", _db, "--data", _fixture.Data);

        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("evidence of proposal 1 action 1, journaled data-unknown, re-run on the data given: verified", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_OfUnverifiedEvidence_IsRefusedByDefault_AndStatusSaysWhy()
    {
        Open();
        var (file, _) = ClaimWithoutData();
        Must("propose", file, "--as", "alice", "--at", "2005-01-03T01:00:00Z");
        Must("vote", "1", "for", "--as", "alice", "--at", "2005-01-05T00:00:00Z");
        Must("queue", "1", "--at", "2005-01-12T00:00:00Z");
        var events = Events();

        var execute = Gov("execute", "1", "--at", "2005-01-14T00:00:00Z");

        Assert.Equal(2, execute.ExitCode);
        Assert.Contains("evidence-not-verified", execute.Error, StringComparison.Ordinal);
        Assert.Contains("action 1 data-unknown", execute.Error, StringComparison.Ordinal);
        Assert.Equal(events, Events());
        var status = Must("status", "1", "--at", "2005-01-14T00:00:00Z");
        Assert.Contains("proposal 1: Queued", status.Out, StringComparison.Ordinal);
        Assert.Contains("cannot execute evidence-not-verified: governance requires verified evidence to execute (evidence_required)", status.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(Must("status", "1", "--at", "2005-01-14T00:00:00Z", "--json").Out);
        Assert.Equal("evidence-not-verified", doc.RootElement.GetProperty("cannot_execute").GetProperty("code").GetString());
    }

    [Fact]
    public void Execute_OfUnverifiedEvidence_IsAllowedWhenTheParametersDoNotRequireEvidence()
    {
        Open("--evidence-required", "false");
        var (file, _) = ClaimWithoutData();
        Must("propose", file, "--as", "alice", "--at", "2005-01-03T01:00:00Z");
        Must("vote", "1", "for", "--as", "alice", "--at", "2005-01-05T00:00:00Z");
        Must("queue", "1", "--at", "2005-01-12T00:00:00Z");
        Assert.DoesNotContain("cannot execute", Must("status", "1", "--at", "2005-01-14T00:00:00Z").Out, StringComparison.Ordinal);

        Must("execute", "1", "--at", "2005-01-14T00:00:00Z");

        Assert.Contains("proposal 1: Executed", Must("status", "1", "--at", "2005-01-14T00:00:00Z").Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("verify", _db).ExitCode);
    }

    [Fact]
    public void ChangeParameters_EvidenceRequired_IsReadFromTheProposalFile_AndABadValueNamesTheField()
    {
        Open();
        var file = Write("params.yaml", "description: relax\nactions:\n  - change_parameters: { evidence_required: false }\n");
        Must("propose", file, "--as", "alice", "--at", "2005-01-03T01:00:00Z");
        Assert.Contains("evidence required no", Must("status", "1", "--at", "2005-01-03T01:00:00Z").Out, StringComparison.Ordinal);

        var bad = Gov("propose", Write("bad.yaml", "description: x\nactions:\n  - change_parameters: { evidence_required: maybe }\n"), "--as", "alice", "--at", "2005-01-03T02:00:00Z");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("evidence_required", bad.Error, StringComparison.Ordinal);
    }

    private void Open(params string[] extra)
    {
        Must(["init", "--as", "treasury", "--at", T0, "--voting-delay", "1d", "--voting-period", "7d", "--quorum", "0.1", "--timelock", "2d", "--grace", "14d", "--guardian", "guardian", .. extra]);
        Must("mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", T0);
        Must("lock", "--as", "alice", "--amount", "1000", "--for", "52w", "--at", T0);
    }

    /// <summary>A proposal adopting 'quarterly' with a claim written out (metrics, some changed) on the fixture's data by digest, so no --data is needed to propose.</summary>
    private (string File, IReadOnlyDictionary<string, string> Real) ClaimWithoutData(params (string Metric, string Value)[] changes)
    {
        var spec = File.ReadAllText(Path.Combine(_dir.FullName, "demo.yaml"));
        var hash = SpecPolicyCompiler.Instance.Compile("quarterly", spec).Hash;
        var honest = DataEvidenceVerifier.Claim(spec, hash, _fixture.Data, ValueKind.Prices, FillMode.None, new DateOnly(2000, 1, 3), new DateOnly(2004, 12, 31));
        var metrics = honest.Metrics.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        foreach (var (metric, value) in changes)
        {
            metrics[metric] = value;
        }

        var claim = string.Join(", ", metrics.Select(m => $"{m.Key}: \"{m.Value}\""));
        var digest = EvidenceClaim.DigestOf(File.ReadAllBytes(_fixture.Data));
        var file = Write("proposal.yaml", $$"""
            description: switch demo-mix to quarterly
            actions:
              - adopt_policy:
                  vault: demo-mix
                  spec: demo.yaml
                  policy: quarterly
                  evidence: { from: 2000-01-03, to: 2004-12-31, claim: { data_digest: {{digest}}, metrics: { {{claim}} } } }
            """);
        return (file, honest.Metrics);
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
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
