using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;

namespace Ballast.Io.Tests.Storage;

/// <summary>The store contract on SQLite (a file in a fresh temporary directory per test), plus SQLite's own settings.</summary>
public sealed class SqliteJournalStoreTests : JournalStoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ballast-journal-").FullName;

    private string DbPath => Path.Combine(_directory, "journal.db");

    protected override IJournalStore OpenCore() => new SqliteJournalStore(DbPath);

    protected override int ExecuteSql(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Connect(DbPath);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    protected override object? QueryScalar(string sql)
    {
        using var connection = Connect(DbPath);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    protected override void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Open_NewFile_UsesWalAndFullSync()
    {
        using var store = new SqliteJournalStore(DbPath);
        using var connection = Connect(DbPath);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        Assert.Equal("1", QueryScalar("SELECT value FROM journal_schema WHERE key = 'schema_version'"));
    }

    [Fact]
    public void Open_OtherSchemaVersion_ThrowsSchemaExceptionAndChangesNothing()
    {
        new SqliteJournalStore(DbPath).Dispose();
        ExecuteSql("UPDATE journal_schema SET value = '2' WHERE key = 'schema_version'");

        var error = Assert.Throws<JournalSchemaException>(() => new SqliteJournalStore(DbPath));

        Assert.Contains("'2'", error.Message, StringComparison.Ordinal);
        Assert.Equal("2", QueryScalar("SELECT value FROM journal_schema"));
    }

    /// <summary>
    /// A crash image: the database and WAL files copied while an append's transaction is open (after its first
    /// insert), as a power cut at that instant would leave them. Opened afterwards, the copy holds the journal as it
    /// was before the append, and SQLite's recovery leaves no part of the command.
    /// </summary>
    [Fact]
    public void Append_CrashImageTakenMidTransaction_OpensWithoutThePartialCommand()
    {
        var store = (SqliteJournalStore)Open();
        Fill(store, 3);
        var head = store.Head();
        var crashDirectory = Path.Combine(_directory, "crash");
        Directory.CreateDirectory(crashDirectory);
        var calls = 0;
        store.AfterEventInsert = _ =>
        {
            if (++calls == 2)
            {
                foreach (var file in Directory.GetFiles(_directory, "journal.db*"))
                {
                    File.Copy(file, Path.Combine(crashDirectory, Path.GetFileName(file)));
                }

                throw new IOException("power cut");
            }
        };

        Assert.Throws<IOException>(() => store.Append("big", Command(new JournalBuilder(head), "big", 3)));

        using var recovered = new SqliteJournalStore(Path.Combine(crashDirectory, "journal.db"));
        Assert.Equal(head, recovered.Head());
        Assert.Null(recovered.FindCommand("big"));
        Assert.True(JournalVerifier.VerifyChain(recovered.Read()).IsValid);
    }

    [Fact]
    public void JournalStoresOpen_SqliteSchemeAndPlainPath_OpenTheSameFile()
    {
        using (var viaScheme = JournalStores.Open("sqlite:" + DbPath))
        {
            Fill(viaScheme, 2);
        }

        using var viaPath = JournalStores.Open(DbPath);
        Assert.IsType<SqliteJournalStore>(viaPath);
        Assert.Equal(3, viaPath.Head().Sequence);
    }

    private static SqliteConnection Connect(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
