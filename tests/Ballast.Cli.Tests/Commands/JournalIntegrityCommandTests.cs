using System.Globalization;
using System.Text.Json;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>verify</c> and the writing commands on journals tampered with in SQL: holes, index rows.</summary>
public sealed class JournalIntegrityCommandTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-integrity-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    /// <summary>A protocol journal of <c>1 + 2 × issues</c> commands (an asset, then issues), written in batches.</summary>
    private async Task<string> JournalAsync(int issues)
    {
        var path = Path.Combine(_dir.FullName, "journal.db");
        using var store = new SqliteJournalStore(path);
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), new ManualClock(T0));
        var issuer = new AccountId("issuer");
        await sequencer.SubmitAsync(new CreateAsset("asset", issuer, new AssetSymbol("USD"), 6));
        for (var from = 0; from < issues; from += 500)
        {
            var outcomes = await sequencer.SubmitBatchAsync([.. Enumerable.Range(from, Math.Min(500, issues - from)).Select(i => (ProtocolCommand)new IssueAsset($"issue-{i}", issuer, new AssetSymbol("USD"), new AccountId($"holder-{i % 7}"), 1_000_000))]);
            Assert.All(outcomes, o => Assert.Equal(CommandStatus.Applied, o.Status));
        }

        return path;
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Verify_SoundJournal_PrintsWhatItCovered()
    {
        var db = await JournalAsync(100); // 2 + 100 × 2 events, 101 commands

        var text = CliRunner.Run("verify", db);
        var json = CliRunner.Run("verify", db, "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("covered: events 1..202, contiguous (202 events, 101 commands, each command id once)", text.Out, StringComparison.Ordinal);
        Assert.Matches(@"head: 202:[0-9a-f]{64}", text.Out);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("verified").GetBoolean());
        Assert.Equal(1, root.GetProperty("first_sequence").GetInt64());
        Assert.Equal(202, root.GetProperty("last_sequence").GetInt64());
        Assert.Equal(202, root.GetProperty("events").GetInt64());
        Assert.Equal(101, root.GetProperty("commands").GetInt64());
        Assert.Contains(root.GetProperty("head_hash").GetString()!, text.Out, StringComparison.Ordinal);
    }

    /// <summary>Thousands of events deleted from the middle (more than a 4,096-event read page): verify fails naming the first missing one.</summary>
    [Fact]
    public async Task Verify_HoleLargerThanAReadPage_FailsNamingTheFirstMissingEvent()
    {
        var db = await JournalAsync(4000); // 8,002 events
        Sql(db, "DELETE FROM journal_commands WHERE first_sequence BETWEEN 1001 AND 6000; DELETE FROM journal_events WHERE sequence BETWEEN 1001 AND 6000");

        var verify = CliRunner.Run("verify", db);

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("verification FAILED at event 1001", verify.Error, StringComparison.Ordinal);
        Assert.Contains("missing", verify.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("verified", verify.Out, StringComparison.Ordinal);
    }

    /// <summary>With --json a failed verification still prints one JSON object: not verified, why, and at which event.</summary>
    [Fact]
    public async Task VerifyJson_Failures_PrintWhereAndWhyAsJson()
    {
        var db = await JournalAsync(10); // 22 events
        var sound = CliRunner.Run("verify", db, "--json");
        var head = JsonDocument.Parse(sound.Out).RootElement.GetProperty("head_hash").GetString()!;

        var wrongHead = CliRunner.Run("verify", db, "--json", "--expect-head", "21:" + head);
        Sql(db, "DELETE FROM journal_commands WHERE first_sequence BETWEEN 5 AND 6; DELETE FROM journal_events WHERE sequence BETWEEN 5 AND 6");
        var hole = CliRunner.Run("verify", db, "--json");

        Assert.Equal(2, wrongHead.ExitCode);
        using (var doc = JsonDocument.Parse(wrongHead.Out))
        {
            Assert.False(doc.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
            Assert.Contains("not at the expected head", doc.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(2, hole.ExitCode);
        Assert.Contains("verification FAILED at event 5", hole.Error, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(hole.Out))
        {
            Assert.False(doc.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal(5, doc.RootElement.GetProperty("sequence").GetInt64());
            Assert.Equal(4, doc.RootElement.GetProperty("events_checked").GetInt64());
            Assert.Contains("missing", doc.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>A stray event written far past the head: verify fails at the first missing event, not silently at the old head.</summary>
    [Fact]
    public async Task Verify_StrayEventPastAGap_FailsNamingTheFirstMissingEvent()
    {
        var db = await JournalAsync(10); // 22 events
        Sql(db, "INSERT INTO journal_events (sequence, time, type, command_id, payload, previous_hash, hash) SELECT 10000, time, type, 'stray', payload, previous_hash, hash FROM journal_events WHERE sequence = 22");

        var verify = CliRunner.Run("verify", db);

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("verification FAILED at event 23", verify.Error, StringComparison.Ordinal);
    }

    /// <summary>gov mint with the same --id after its index row was deleted: "already applied", BANK not minted twice.</summary>
    [Fact]
    public void GovRetry_AfterItsIndexRowWasDeleted_IsNotAppliedTwice()
    {
        var db = Path.Combine(_dir.FullName, "gov.db");
        const string at = "2025-01-01T00:00:00Z";
        Assert.Equal(0, CliRunner.Run("gov", "init", "--as", "treasury", "--at", at, "--db", db).ExitCode);
        var mint = new[] { "gov", "mint", "--as", "treasury", "--to", "alice", "--amount", "1000", "--at", at, "--id", "mint-alice", "--db", db };
        Assert.Equal(0, CliRunner.Run(mint).ExitCode);
        var events = Scalar(db, "SELECT count(*) FROM journal_events");
        Sql(db, "DELETE FROM journal_commands WHERE command_id = 'mint-alice'");

        var retry = CliRunner.Run(mint);

        Assert.Equal(0, retry.ExitCode);
        Assert.Contains("already applied", retry.Out, StringComparison.Ordinal);
        Assert.Equal(events, Scalar(db, "SELECT count(*) FROM journal_events"));
        var verify = CliRunner.Run("verify", db);
        Assert.Equal(0, verify.ExitCode);
    }
}
