using System.Data;
using System.Data.Common;
using Ballast.Protocol.Journal;
using Npgsql;

namespace Ballast.Io.Storage;

/// <summary>
/// The journal in a PostgreSQL schema. Each write transaction starts with <c>LOCK TABLE journal_commands IN
/// EXCLUSIVE MODE</c>, which admits one writer at a time (readers are not blocked) and is released at commit or
/// rollback, so two writers, in this process or another, cannot interleave: the second reads the head only after
/// the first has committed. Connections come from Npgsql's pool, one per call, so a dropped connection costs one
/// call, not the store.
/// </summary>
public sealed class PostgresJournalStore : DbJournalStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>
    /// Opens the journal in <paramref name="schema"/> (created with its tables if absent) of the database that
    /// <paramref name="connectionString"/> names.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=u;Database=d</c>.</param>
    /// <param name="schema">A plain identifier: letters, digits and underscores, not starting with a digit.</param>
    public PostgresJournalStore(string connectionString, string schema = DefaultSchema)
        : base(Quote(schema) + ".")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Schema = schema;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            using var connection = _dataSource.OpenConnection();
            using (var transaction = connection.BeginTransaction())
            {
                // Two processes creating the same schema at once would race on the catalog; one at a time.
                Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext(@schema))", ("schema", "ballast.journal." + schema));
                EnsureSchema(connection, transaction, CreateTables(Prefix));
                transaction.Commit();
            }

            ReconcileCommandIndex(connection);
        }
        catch (PostgresException e) when (e.SqlState is SqlStates.InvalidCatalogName or SqlStates.InvalidPassword or SqlStates.InvalidAuthorization)
        {
            // The server answered and refused what the connection string names: the user's input, not our fault, and
            // not a busy journal worth retrying.
            _dataSource.Dispose();
            throw new BallastInputException($"the PostgreSQL journal cannot be opened: the server refused the connection string ({e.SqlState}: {e.MessageText}); check its Database, Username and Password", e);
        }
        catch (NpgsqlException e)
        {
            _dataSource.Dispose();
            throw Translate(e, schema);
        }
        catch
        {
            _dataSource.Dispose();
            throw;
        }
    }

    /// <summary>The PostgreSQL error codes (SQLSTATE) this store tells apart.</summary>
    internal static class SqlStates
    {
        public const string SerializationFailure = "40001";
        public const string DeadlockDetected = "40P01";
        public const string LockNotAvailable = "55P03";
        public const string UniqueViolation = "23505";
        public const string DataCorrupted = "XX001";
        public const string IndexCorrupted = "XX002";
        public const string InvalidCatalogName = "3D000";
        public const string InvalidPassword = "28P01";
        public const string InvalidAuthorization = "28000";
    }

    /// <summary>The schema used when none is named.</summary>
    public const string DefaultSchema = "ballast_journal";

    /// <summary>The schema holding the tables.</summary>
    public string Schema { get; }

    private protected override async ValueTask<DbConnection> AcquireAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override ValueTask ReleaseAsync(DbConnection connection) => connection.DisposeAsync();

    private protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, transaction, $"LOCK TABLE {Prefix}journal_commands IN EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override DbTransaction BeginWrite(DbConnection connection)
    {
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        try
        {
            Execute(connection, transaction, $"LOCK TABLE {Prefix}journal_commands IN EXCLUSIVE MODE");
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    private protected override void DisposeCore() => _dataSource.Dispose();

    private protected override JournalStoreException Translate(DbException exception) =>
        exception is NpgsqlException npgsql ? Translate(npgsql, Schema) : new JournalStoreException($"the PostgreSQL journal (schema {Schema}) failed: {exception.Message}", exception.IsTransient, exception);

    /// <summary>
    /// Npgsql's error as the journal's: a serialization failure, a deadlock, a lock not available in time or a
    /// duplicate key (another writer's row) is a transient conflict; data or index corruption reported by the server
    /// is corruption; anything else keeps Npgsql's own judgement of whether it is transient (a connection refused or
    /// lost, a timeout, the server shutting down: transient; a permission, a syntax: not).
    /// </summary>
    internal static JournalStoreException Translate(NpgsqlException exception, string schema) => exception switch
    {
        PostgresException { SqlState: SqlStates.SerializationFailure or SqlStates.DeadlockDetected or SqlStates.LockNotAvailable or SqlStates.UniqueViolation } p =>
            new JournalConflictException($"the PostgreSQL journal (schema {schema}) refused the write because of another writer ({p.SqlState}: {p.MessageText}); nothing was written, try again", p),
        PostgresException { SqlState: SqlStates.DataCorrupted or SqlStates.IndexCorrupted } p =>
            new JournalCorruptedException($"schema {schema}: {p.SqlState}: {p.MessageText}", p),
        _ => new JournalStoreException($"the PostgreSQL journal (schema {schema}) failed: {exception.Message}", exception.IsTransient, exception),
    };

    // Time stays text, as hashed: timestamptz keeps microseconds and the hash covers 100 ns ticks.
    private static string CreateTables(string p) => $"""
        CREATE SCHEMA IF NOT EXISTS {p.TrimEnd('.')};
        CREATE TABLE IF NOT EXISTS {p}journal_schema (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_events (
            sequence bigint PRIMARY KEY CHECK (sequence >= 1),
            time text NOT NULL,
            type text NOT NULL,
            command_id text NOT NULL,
            payload text NOT NULL,
            previous_hash text NOT NULL,
            hash text NOT NULL);
        CREATE INDEX IF NOT EXISTS journal_events_command_id ON {p}journal_events (command_id);
        CREATE TABLE IF NOT EXISTS {p}journal_commands (
            command_id text PRIMARY KEY,
            first_sequence bigint NOT NULL UNIQUE REFERENCES {p}journal_events (sequence),
            last_sequence bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_snapshots (sequence bigint PRIMARY KEY, state text NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_blobs (hash text PRIMARY KEY, text text NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_api_keys (
            sha256 text PRIMARY KEY,
            account text NOT NULL,
            roles text NOT NULL,
            reporter_of text NOT NULL,
            created text NOT NULL,
            created_by text NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_api_key_revocations (
            sha256 text PRIMARY KEY,
            revoked text NOT NULL,
            revoked_by text NOT NULL);
        CREATE TABLE IF NOT EXISTS {p}journal_refusals (
            command_id text PRIMARY KEY,
            command text NOT NULL,
            code text NOT NULL,
            message text NOT NULL,
            at_sequence bigint NOT NULL);
        """;

    private static string Quote(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var valid = schema.Length is > 0 and <= 63 && !char.IsAsciiDigit(schema[0])
            && schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return valid
            ? "\"" + schema + "\""
            : throw new ArgumentException($"a PostgreSQL schema name here is 1 to 63 letters, digits or underscores, not starting with a digit; got '{schema}'", nameof(schema));
    }
}
