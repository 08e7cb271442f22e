using System.Net.Sockets;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ballast.Io.Tests.Storage;

/// <summary>
/// SQLite and Npgsql errors leave the stores as the journal's own exceptions, with <see cref="JournalStoreException.IsTransient"/>
/// saying whether retrying can help: by code (every code the stores tell apart) and for real (a busy lock, a file that
/// is not a journal, a server that refuses the connection).
/// </summary>
public sealed class JournalStoreExceptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ballast-journal-errors-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<int, string, bool> SqliteCodes => new()
    {
        { 5, nameof(JournalConflictException), true },   // SQLITE_BUSY
        { 6, nameof(JournalConflictException), true },   // SQLITE_LOCKED
        { 19, nameof(JournalConflictException), true },  // SQLITE_CONSTRAINT
        { 11, nameof(JournalCorruptedException), false }, // SQLITE_CORRUPT
        { 26, nameof(JournalCorruptedException), false }, // SQLITE_NOTADB
        { 13, nameof(JournalStoreException), false },    // SQLITE_FULL
        { 8, nameof(JournalStoreException), false },     // SQLITE_READONLY
        { 14, nameof(JournalStoreException), false },    // SQLITE_CANTOPEN
        { 1, nameof(JournalStoreException), false },     // SQLITE_ERROR
    };

    [Theory]
    [MemberData(nameof(SqliteCodes))]
    public void Sqlite_ErrorCode_TranslatesToJournalExceptionWithTransience(int code, string type, bool transient)
    {
        var provider = new SqliteException("provider message", code);

        var translated = SqliteJournalStore.Translate(provider, "/tmp/j.db");

        Assert.Equal(type, translated.GetType().Name);
        Assert.Equal(transient, translated.IsTransient);
        Assert.Same(provider, translated.InnerException);
        Assert.Contains("provider message", translated.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, bool> PostgresStates => new()
    {
        { "40001", nameof(JournalConflictException), true },  // serialization_failure
        { "40P01", nameof(JournalConflictException), true },  // deadlock_detected
        { "55P03", nameof(JournalConflictException), true },  // lock_not_available
        { "23505", nameof(JournalConflictException), true },  // unique_violation
        { "XX001", nameof(JournalCorruptedException), false }, // data_corrupted
        { "XX002", nameof(JournalCorruptedException), false }, // index_corrupted
        { "42501", nameof(JournalStoreException), false },    // insufficient_privilege
        { "53300", nameof(JournalStoreException), true },     // too_many_connections: Npgsql says transient
    };

    [Theory]
    [MemberData(nameof(PostgresStates))]
    public void Postgres_SqlState_TranslatesToJournalExceptionWithTransience(string sqlState, string type, bool transient)
    {
        var provider = new PostgresException("provider message", "ERROR", "ERROR", sqlState);

        var translated = PostgresJournalStore.Translate(provider, "s");

        Assert.Equal(type, translated.GetType().Name);
        Assert.Equal(transient, translated.IsTransient);
        Assert.Same(provider, translated.InnerException);
    }

    [Fact]
    public void Postgres_ConnectionLost_IsTransient()
    {
        var translated = PostgresJournalStore.Translate(new NpgsqlException("connection lost", new IOException("reset")), "s");

        Assert.Equal(typeof(JournalStoreException), translated.GetType());
        Assert.True(translated.IsTransient);
    }

    /// <summary>Another process holds SQLite's write lock past the busy timeout: the append is a transient conflict and writes nothing.</summary>
    [Fact]
    public void Sqlite_WriteLockHeldByAnotherConnection_IsATransientConflict()
    {
        var path = Path.Combine(_directory, "busy.db");
        using var store = new SqliteJournalStore(path);
        store.SetBusyTimeout(TimeSpan.FromMilliseconds(100));
        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var transaction = holder.BeginTransaction(deferred: false);

        var events = new JournalBuilder(JournalHead.Empty).Add("c1", (new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "x", "{}"));
        var error = Assert.ThrowsAny<JournalConflictException>(() => store.Append("c1", events));
        transaction.Rollback();

        Assert.True(error.IsTransient);
        Assert.Equal(5, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode);
        Assert.Equal(JournalHead.Empty, store.Head());
        Assert.Equal(AppendStatus.Appended, store.Append("c1", events).Status);
    }

    /// <summary>A file that is not a SQLite database: opening it is corruption, not transient, and no provider exception.</summary>
    [Fact]
    public void Sqlite_FileThatIsNotADatabase_OpensAsCorruptedNotTransient()
    {
        var path = Path.Combine(_directory, "not-a-journal.db");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<JournalCorruptedException>(() => new SqliteJournalStore(path));

        Assert.False(error.IsTransient);
        Assert.Equal(0, error.Sequence);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    /// <summary>No server listening: opening a PostgreSQL journal fails as a transient store failure (runs without a server).</summary>
    [Fact]
    public void Postgres_ConnectionRefused_IsATransientStoreFailure()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port nobody listens on now

        var error = Assert.ThrowsAny<JournalStoreException>(() => new PostgresJournalStore($"Host=127.0.0.1;Port={port};Username=u;Database=d;Timeout=3"));

        Assert.True(error.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }
}
