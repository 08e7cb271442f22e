using System.Data.Common;
using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;

namespace Ballast.Io.Storage;

/// <summary>
/// The journal in one SQLite file: the embedded default. WAL mode with <c>synchronous=FULL</c> by default, so a
/// commit is on disk when <c>Append</c> returns (an acknowledged command survives a power loss);
/// <see cref="SqliteSynchronous.Normal"/> can be asked for, which keeps commits across a process crash but not
/// necessarily the last ones across a power loss. Writes run in <c>BEGIN IMMEDIATE</c> transactions, which take SQLite's single
/// write lock up front, so writers in other processes wait (up to 30 s) instead of interleaving; readers never wait.
/// One instance keeps one connection open and serialises its own calls.
/// </summary>
public sealed class SqliteJournalStore : DbJournalStore
{
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS journal_schema (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_events (
            sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
            time TEXT NOT NULL,
            type TEXT NOT NULL,
            command_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS journal_events_command_id ON journal_events (command_id);
        CREATE TABLE IF NOT EXISTS journal_commands (
            command_id TEXT PRIMARY KEY,
            first_sequence INTEGER NOT NULL UNIQUE REFERENCES journal_events (sequence),
            last_sequence INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_snapshots (sequence INTEGER PRIMARY KEY, state TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_blobs (hash TEXT PRIMARY KEY, text TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_api_keys (
            sha256 TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            roles TEXT NOT NULL,
            reporter_of TEXT NOT NULL,
            created TEXT NOT NULL,
            created_by TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_api_key_revocations (
            sha256 TEXT PRIMARY KEY,
            revoked TEXT NOT NULL,
            revoked_by TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_refusals (
            command_id TEXT PRIMARY KEY,
            command TEXT NOT NULL,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            at_sequence INTEGER NOT NULL);
        """;

    private readonly SqliteConnection _connection;

    /// <summary>Opens (creating if absent) the journal in the SQLite file at <paramref name="path"/>.</summary>
    /// <exception cref="JournalSchemaException">The file holds another schema version.</exception>
    /// <exception cref="JournalCorruptedException">The file is not a SQLite database, or is damaged.</exception>
    /// <exception cref="JournalStoreException">The file cannot be opened or written.</exception>
    public SqliteJournalStore(string path)
        : this(path, SqliteSynchronous.Full)
    {
    }

    /// <summary>Opens (creating if absent) the journal in the SQLite file at <paramref name="path"/>, its commits synced as <paramref name="synchronous"/> says.</summary>
    /// <exception cref="JournalSchemaException">The file holds another schema version.</exception>
    /// <exception cref="JournalCorruptedException">The file is not a SQLite database, or is damaged.</exception>
    /// <exception cref="JournalStoreException">The file cannot be opened or written.</exception>
    public SqliteJournalStore(string path, SqliteSynchronous synchronous)
        : base(tablePrefix: "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            Execute(_connection, null, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {(synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL")}; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;");
            using var transaction = _connection.BeginTransaction(deferred: false);
            EnsureSchema(_connection, transaction, CreateTables);
            transaction.Commit();
            ReconcileCommandIndex(_connection);
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw Translate(e, Path);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>SQLite's primary result codes this store tells apart (https://sqlite.org/rescode.html).</summary>
    internal static class ResultCodes
    {
        public const int Permission = 3;
        public const int Busy = 5;
        public const int Locked = 6;
        public const int ReadOnly = 8;
        public const int IoError = 10;
        public const int Corrupt = 11;
        public const int Full = 13;
        public const int CannotOpen = 14;
        public const int Constraint = 19;
        public const int NotADatabase = 26;
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    private protected override ValueTask<DbConnection> AcquireAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DbConnection>(_connection);

    private protected override ValueTask ReleaseAsync(DbConnection connection) => ValueTask.CompletedTask;

    private protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    // Microsoft.Data.Sqlite has no asynchronous I/O: BEGIN IMMEDIATE waits for the lock (up to the busy timeout) here.
    private protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(BeginWrite(connection));
    }

    private protected override void DisposeCore() => _connection.Dispose();

    /// <summary>Sets how long a write waits for another writer's lock before failing as a conflict (30 s by default).</summary>
    internal void SetBusyTimeout(TimeSpan timeout) =>
        Execute(_connection, null, $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds}");

    private protected override JournalStoreException Translate(DbException exception) =>
        exception is SqliteException sqlite ? Translate(sqlite, Path) : new JournalStoreException($"the journal {Path} failed: {exception.Message}", exception.IsTransient, exception);

    /// <summary>
    /// SQLite's error as the journal's: busy or locked (another writer holds the lock past the busy timeout) and a
    /// constraint on the events (another writer's row) are transient conflicts; a damaged file or one that is not a
    /// database is corruption; anything else (disk full, read-only, permission, I/O) is a failure that retrying the
    /// same call does not cure.
    /// </summary>
    internal static JournalStoreException Translate(SqliteException exception, string path) => exception.SqliteErrorCode switch
    {
        ResultCodes.Busy or ResultCodes.Locked => new JournalConflictException(
            $"the journal {path} is locked by another writer (SQLite: {exception.Message}); nothing was written, try again", exception),
        ResultCodes.Constraint => new JournalConflictException(
            $"the journal {path} refused a row another writer holds (SQLite: {exception.Message}); nothing was written, try again", exception),
        ResultCodes.Corrupt or ResultCodes.NotADatabase => new JournalCorruptedException($"{path}: {exception.Message}", exception),
        _ => new JournalStoreException($"the journal {path} failed (SQLite: {exception.Message})", isTransient: false, exception),
    };
}
