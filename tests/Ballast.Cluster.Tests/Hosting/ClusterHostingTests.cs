using Ballast.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Cluster.Tests.Hosting;

/// <summary>
/// A real silo and a real client meeting through the membership table in PostgreSQL, on a database that starts empty:
/// the silo applies Orleans' schema itself, applying it again changes nothing, and the client finds the silo's gateway
/// in the table, not by being told its address.
/// </summary>
public sealed class ClusterHostingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silo_OnAnEmptyDatabase_AppliesTheSchemaAndAClientFindsItThroughMembership()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = new ClusterSettings
        {
            ClusterName = "hosting-test",
            ConnectionString = database.ConnectionString,
            SiloPort = TestDatabase.FreePort(),
            GatewayPort = TestDatabase.FreePort(),
        };

        using var silo = Host.CreateDefaultBuilder()
            .UseOrleans(builder => builder.UseBallastCluster(settings))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        await silo.StartAsync(Cancel);
        try
        {
            // The silo applied the schema as it started; two more applications at once wait for each other and change nothing.
            await using (var source = database.OpenDataSource())
            {
                await Task.WhenAll(OrleansSchema.ApplyAsync(source, Cancel), OrleansSchema.ApplyAsync(source, Cancel));
            }

            // Ten membership queries and seven reminder queries; the reminder table is there (empty).
            Assert.Equal(17L, await database.ScalarAsync("SELECT count(*) FROM OrleansQuery"));
            Assert.Equal(0L, await database.ScalarAsync("SELECT count(*) FROM OrleansRemindersTable"));
            Assert.Equal(1L, await database.ScalarAsync(
                $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'hosting-test' AND Status = 3 AND Port = {settings.SiloPort} AND ProxyPort = {settings.GatewayPort}"));

            using var client = Host.CreateDefaultBuilder()
                .UseOrleansClient(builder => builder.UseBallastCluster("hosting-test", database.ConnectionString))
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .Build();
            await client.StartAsync(Cancel);
            try
            {
                var grains = client.Services.GetRequiredService<IClusterClient>();
                Assert.Equal("7:through membership", await grains.GetGrain<IEchoGrain>(7).Echo("through membership"));
            }
            finally
            {
                await client.StopAsync(Cancel);
            }
        }
        finally
        {
            await silo.StopAsync(Cancel);
        }

        // A silo that stopped cleanly marked itself dead (6) in the table.
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'hosting-test' AND Status = 6"));
    }

    [Fact]
    public void ClusterName_OutsideLettersDigitsAndDashes_IsRefused()
    {
        var refused = Assert.Throws<ArgumentException>(() => ClusterHosting.ValidateName("two words"));
        Assert.Contains("two words", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ClusterHosting.ValidateName(""));
        Assert.Throws<ArgumentException>(() => ClusterHosting.ValidateName(new string('a', 151)));
        ClusterHosting.ValidateName("ballast-demo_1.eu");
    }

    [Fact]
    public void Scripts_AreEmbedded_AndNameTheQueriesOrleansLooksUp()
    {
        var clustering = OrleansSchema.ScriptText("orleans-clustering.sql");
        foreach (var key in new[]
        {
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
            "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        })
        {
            Assert.Contains($"'{key}'", clustering, StringComparison.Ordinal);
        }

        var reminders = OrleansSchema.ScriptText("orleans-reminders.sql");
        foreach (var key in new[]
        {
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        })
        {
            Assert.Contains($"'{key}'", reminders, StringComparison.Ordinal);
        }

        Assert.Contains("CREATE TABLE IF NOT EXISTS OrleansQuery", OrleansSchema.ScriptText("orleans-main.sql"), StringComparison.Ordinal);
    }
}
