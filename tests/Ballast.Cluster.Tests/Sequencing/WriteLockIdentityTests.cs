using Ballast.Cluster.Sequencing;
using Ballast.Service.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ballast.Cluster.Tests.Sequencing;

/// <summary>
/// The journal's write lock is keyed by the journal itself, not by how a silo's connection string spells it: a silo
/// whose <c>--db</c> leaves the database out (PostgreSQL then connects to the database named after the user) and one
/// that names it write the same journal, so they must compete for one lock. Keyed by the connection string's
/// <c>Database</c>, the two took two different locks and both became writers, with only the head check between them.
/// </summary>
public sealed class WriteLockIdentityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoSpellingsOfOneDatabase_TakeOneLock_TheSecondSequencerIsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();
        // A login role named as the database: a connection string without Database= reaches that database.
        await database.ScalarAsync($"CREATE ROLE {database.Name} LOGIN SUPERUSER");
        try
        {
            var named = new SequencingOptions { ConnectionString = database.ConnectionString, Keeper = false, LockWait = TimeSpan.FromSeconds(1) };
            var implicitDatabase = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = database.Name, Database = null };
            var unnamed = named with { ConnectionString = implicitDatabase.ConnectionString };
            Assert.Equal("", unnamed.DatabaseName);

            var metrics = new ServiceMetrics(null);
            await using var first = await JournalSequencer.OpenAsync("main", named, TimeProvider.System, NullLoggerFactory.Instance, metrics, Cancel);
            Assert.NotNull(first);
            await using var second = await JournalSequencer.OpenAsync("main", unnamed, TimeProvider.System, NullLoggerFactory.Instance, metrics, Cancel);
            Assert.Null(second);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await database.ScalarAsync($"DROP OWNED BY {database.Name}; DROP ROLE IF EXISTS {database.Name}");
        }
    }
}
