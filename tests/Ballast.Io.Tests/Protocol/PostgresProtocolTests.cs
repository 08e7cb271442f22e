using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Io.Tests.Storage;
using Ballast.Protocol;
using Npgsql;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// The protocol end to end on PostgreSQL (the production store): a simulation journals there, a fresh sequencer
/// replays it to the same state, and the journal verifies. Skipped (with the reason) without BALLAST_TEST_POSTGRES.
/// </summary>
public sealed class PostgresProtocolTests : IDisposable
{
    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable(PostgresJournalStoreTests.Variable) is { Length: > 0 } value ? value : null;

    private readonly string _schema = "protocol_test_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        if (ConnectionString is null)
        {
            return;
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Sim_OnPostgres_ReplaysAndVerifies()
    {
        Assert.SkipWhen(ConnectionString is null, $"{PostgresJournalStoreTests.Variable} is not set: the PostgreSQL protocol test needs a server (run `source .ci/postgres.sh` first; .ci/run does)");
        var scenario = Scenario.Load(
            $$"""
            name: pg
            data: { synth: { strategies: 5, years: 1, seed: 9 } }
            asset: { symbol: USD, decimals: 6 }
            policy: { file: '{{Path.Combine(Paths.RepoRoot, "samples", "demo.yaml")}}', name: monthly }
            children: { entry_fee_bps: 10, exit_fee_bps: 10 }
            investors:
              - { account: alice, deposit: 100000, on: first }
            """,
            Path.Combine(Paths.RepoRoot, "pg.yaml"));
        SimSummary summary;
        using (var store = new PostgresJournalStore(ConnectionString!, _schema))
        {
            summary = BlockingJournal.RunSim(scenario, store);
        }

        Assert.True(summary.Rebalances > 0);
        using var reopened = JournalStores.Open($"postgres:{ConnectionString};Search Path={_schema}");
        var sequencer = BlockingJournal.Sequencer(reopened, new ProtocolEngine(SpecPolicyCompiler.Instance), new ManualClock(DateTimeOffset.UnixEpoch));
        Assert.Equal(summary.Nav, ProtocolEngine.Nav(sequencer.State, sequencer.State.ComposedVaults[new VaultId("composed")]));
        var report = JournalReplay.Verify(reopened.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance));
        Assert.True(report.IsValid, report.Discrepancy?.ToString());
        Assert.Equal(summary.Events, report.EventsChecked);
    }
}
