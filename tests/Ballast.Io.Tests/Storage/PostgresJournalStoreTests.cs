using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Npgsql;

namespace Ballast.Io.Tests.Storage;

/// <summary>
/// The store contract on PostgreSQL, on the server named by BALLAST_TEST_POSTGRES (.ci/run starts one with
/// .ci/postgres.sh). Every test gets its own schema, dropped afterwards, so tests and classes never share tables.
/// Without the variable every test here is reported as skipped.
/// </summary>
public sealed class PostgresJournalStoreTests : JournalStoreContractTests
{
    public const string Variable = "BALLAST_TEST_POSTGRES";

    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    private readonly string _schema = "journal_test_" + Guid.NewGuid().ToString("N");
    private bool _used;

    protected override void RequireAvailable() =>
        Assert.SkipWhen(ConnectionString is null,
            $"{Variable} is not set: PostgreSQL journal tests need a server (run `source .ci/postgres.sh` first; .ci/run does)");

    protected override IJournalStore OpenCore()
    {
        _used = true;
        return new PostgresJournalStore(ConnectionString!, _schema);
    }

    protected override int ExecuteSql(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Connect();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    protected override object? QueryScalar(string sql)
    {
        using var connection = Connect();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    protected override void Cleanup()
    {
        if (_used)
        {
            using var connection = Connect();
            using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The server ends the writer's session in the middle of an append (after its first insert, via
    /// pg_terminate_backend from another connection): the append fails and the server has rolled back all of it.
    /// </summary>
    [Fact]
    public void Append_BackendKilledMidTransaction_LeavesNoPartialCommand()
    {
        var store = (PostgresJournalStore)Open();
        Fill(store, 2);
        var head = store.Head();
        var inserts = 0;
        object? killed = null;
        store.AfterEventInsert = _ =>
        {
            if (++inserts == 1)
            {
                killed = QueryScalar($"""
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE pid <> pg_backend_pid() AND state = 'idle in transaction'
                      AND query LIKE '%"{_schema}".journal_events%'
                    """);
            }
        };

        var error = Assert.ThrowsAny<JournalStoreException>(() => store.Append("killed", Command(new JournalBuilder(head), "killed", 3)));
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException); // translated at the store boundary
        store.AfterEventInsert = null;

        Assert.Equal(1L, killed); // the writer's own backend, and only it, was terminated
        Assert.Equal(head, store.Head());
        Assert.Null(store.FindCommand("killed"));
        Assert.Equal(head.Sequence, (long)QueryScalar("SELECT count(*) FROM journal_events")!);
    }

    /// <summary>
    /// Another session holds the journal's tables locked past the writer's lock timeout: the server's
    /// lock_not_available reaches the caller as a transient conflict, and nothing was written.
    /// </summary>
    [Fact]
    public void Append_LockHeldByAnotherSession_IsATransientConflict()
    {
        Open().Dispose();
        using var store = new PostgresJournalStore(ConnectionString + ";Options=-c lock_timeout=200", _schema);
        var head = store.Head();
        using var holder = Connect();
        using var transaction = holder.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand($"LOCK TABLE \"{_schema}\".journal_commands IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            lockCommand.ExecuteNonQuery();
        }

        var error = Assert.ThrowsAny<JournalConflictException>(() => store.Append("blocked", Command(new JournalBuilder(head), "blocked")));
        transaction.Rollback();

        Assert.True(error.IsTransient);
        Assert.Equal(PostgresJournalStore.SqlStates.LockNotAvailable, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Equal(head, store.Head());
        Assert.Equal(AppendStatus.Appended, store.Append("blocked", Command(new JournalBuilder(head), "blocked")).Status);
    }

    /// <summary>
    /// A connection string naming a database that does not exist, or a user the server refuses, is bad input (the
    /// CLI's exit 2, said plainly), not an internal error and not a busy journal.
    /// </summary>
    [Theory]
    [InlineData("Database", "ballast_no_such_database", PostgresJournalStore.SqlStates.InvalidCatalogName)]
    [InlineData("Username", "ballast_no_such_user", PostgresJournalStore.SqlStates.InvalidAuthorization)]
    public void Open_ServerRefusesTheConnectionString_IsBadInput(string key, string value, string sqlState)
    {
        RequireAvailable();
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { [key] = value };

        var error = Assert.Throws<BallastInputException>(() => new PostgresJournalStore(builder.ConnectionString, _schema));

        Assert.Contains(value, error.Message, StringComparison.Ordinal);
        Assert.Equal(sqlState, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Fact]
    public void JournalStoresOpen_PostgresSchemeWithSearchPath_OpensThatSchema()
    {
        RequireAvailable();
        _used = true;
        using (var store = JournalStores.Open($"postgres:{ConnectionString};Search Path={_schema}"))
        {
            Assert.Equal(_schema, Assert.IsType<PostgresJournalStore>(store).Schema);
            Fill(store, 1);
        }

        Assert.Equal(1L, (long)QueryScalar("SELECT count(*) FROM journal_events")!);
    }

    private NpgsqlConnection Connect()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = _schema, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }
}
