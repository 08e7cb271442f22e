using Ballast.Cluster.Hosting;
using Ballast.Cluster.Sweeps;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>
/// The client of <c>ballast backtest --cluster</c> on a real cluster: two silos meeting through the membership table
/// in PostgreSQL (each on its own ports, as two <c>ballast serve --cluster</c> processes would be), the client finding
/// them through the table; and the plain error when the table lists no silo.
/// </summary>
public sealed class PostgresClusterSweepTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static IHost Silo(string cluster, string connection) => Host.CreateDefaultBuilder()
        .UseOrleans(builder => builder.UseBallastCluster(new ClusterSettings
        {
            ClusterName = cluster,
            ConnectionString = connection,
            SiloPort = TestDatabase.FreePort(),
            GatewayPort = TestDatabase.FreePort(),
        }).AddSweepWorkers())
        .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
        .Build();

    [Fact]
    public async Task TwoSilosThroughMembership_WriteTheLocalRunsBytes()
    {
        await using var database = await TestDatabase.CreateAsync();
        var scenario = new SweepScenario();
        var json = scenario.Json();
        var files = scenario.Out();
        using var first = Silo("sweep-test", database.ConnectionString);
        await first.StartAsync(Cancel);
        using var second = Silo("sweep-test", database.ConnectionString);
        await second.StartAsync(Cancel);
        try
        {
            await using var client = await ClusterSweepClient.ConnectAsync("sweep-test", "postgres:" + database.ConnectionString, Cancel);
            Assert.Equal(2, client.Silos);
            var runner = client.Runner(scenario.Spec, scenario.Input, new ClusterSweepOptions { BatchSize = 32 });
            Assert.Equal(json, scenario.Json(runner));
            Assert.Equal(2, runner.Statistics.BatchesBySilo.Count);
            SweepScenario.AssertSame(files, scenario.Out(runner));
        }
        finally
        {
            await second.StopAsync(Cancel);
            await first.StopAsync(Cancel);
        }
    }

    [Fact]
    public async Task NoSiloInTheTable_IsBadInputNamingTheCluster()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var source = database.OpenDataSource())
        {
            await OrleansSchema.ApplyAsync(source, Cancel);
        }

        var refused = await Assert.ThrowsAsync<BallastInputException>(() => ClusterSweepClient.ConnectAsync("empty-cluster", "postgres:" + database.ConnectionString, Cancel));
        Assert.Contains("cluster 'empty-cluster' cannot be reached", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ballast serve --cluster empty-cluster", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sqlite:journal.db")]
    [InlineData("postgres:")]
    public async Task ClusterWithoutAPostgresDb_IsRefusedBeforeConnecting(string? db)
    {
        var refused = await Assert.ThrowsAsync<BallastInputException>(() => ClusterSweepClient.ConnectAsync("c1", db, Cancel));
        Assert.Contains("--cluster c1 needs --db postgres:CONNECTION", refused.Message, StringComparison.Ordinal);
    }
}
