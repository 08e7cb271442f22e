using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ballast.Cluster.Tests;

/// <summary>
/// A fresh PostgreSQL database on the server named by BALLAST_TEST_POSTGRES (.ci/run starts one with .ci/postgres.sh),
/// dropped on dispose, so every test starts with no Orleans tables and no journals. Without the variable the tests
/// that need one are reported as skipped, saying why.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "BALLAST_TEST_POSTGRES";

    private readonly string _serverConnection;

    private TestDatabase(string serverConnection, string name)
    {
        _serverConnection = serverConnection;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnection) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The Npgsql connection string of the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a database named after a new GUID; skips the calling test when no server is configured.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrEmpty(server),
            $"{Variable} is not set: the cluster's PostgreSQL tests need a server (run `source .ci/postgres.sh` first; .ci/run does)");
        var database = new TestDatabase(server!, "cluster_test_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteOnServerAsync($"CREATE DATABASE {database.Name}");
        return database;
    }

    /// <summary>Opens a data source on the database.</summary>
    public NpgsqlDataSource OpenDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>Runs <paramref name="sql"/> on the database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var source = OpenDataSource();
        await using var command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>A TCP port on loopback that nothing listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
