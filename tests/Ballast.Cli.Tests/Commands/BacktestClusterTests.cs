using Ballast.Cluster.Hosting;
using Ballast.Cluster.Sweeps;
using Ballast.Io;
using Ballast.Synthesis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// <c>ballast backtest --cluster NAME --db postgres:CONNECTION</c> through the real command: the options it refuses
/// (exit 2, before any work), and, with PostgreSQL, a sweep on two silos that prints and writes the local run's bytes.
/// </summary>
public sealed class BacktestClusterTests
{
    private const string Spec = """
        name: cli-cluster-sweep
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        weights: { scheme: fixed, targets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.1 } }
        trigger: { drift: { absolute: 0.05 }, check: daily }
        sweep:
          band: { path: trigger.drift.absolute, values: [0.01, 0.02, 0.04, 0.08] }
          cost: { path: costs.proportional_bps, values: [0, 5, 25] }
        """;

    private static (TempDir Dir, string Spec, string Data) Files()
    {
        var dir = new TempDir();
        var data = new StringWriter();
        PriceTableCsv.Write(StrategySynthesizer.Generate(5, 3, seed: 7), data);
        return (dir, dir.Write("sweep.yaml", Spec), dir.Write("data.csv", data.ToString()));
    }

    [Theory]
    [InlineData(new[] { "--db", "postgres:Host=127.0.0.1" }, "error: postgres:Host=127.0.0.1 (--db): backtest runs here unless --cluster NAME names a cluster")]
    [InlineData(new[] { "--cluster", "c1" }, "error: (none) (--db): --cluster c1 needs --db postgres:CONNECTION")]
    [InlineData(new[] { "--cluster", "c1", "--db", "sqlite:journal.db" }, "error: sqlite:journal.db (--db): --cluster c1 needs --db postgres:CONNECTION")]
    [InlineData(new[] { "--cluster", "two words", "--db", "postgres:Host=127.0.0.1" }, "error: two words (--cluster): cluster name 'two words' must be")]
    public void ClusterOptions_Refused_ExitTwoBeforeAnyWork(string[] options, string expected)
    {
        var (dir, spec, data) = Files();
        using (dir)
        {
            var result = CliRunner.Run(["backtest", spec, "--data", data, "--out", dir.File("out"), .. options]);

            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, result.Out);
            Assert.False(Directory.Exists(dir.File("out")));
        }
    }

    [Fact]
    public async Task Sweep_OnTwoSilos_PrintsAndWritesTheLocalRunsBytes()
    {
        var server = Environment.GetEnvironmentVariable("BALLAST_TEST_POSTGRES");
        Assert.SkipWhen(string.IsNullOrEmpty(server), "BALLAST_TEST_POSTGRES is not set: the cluster sweep needs PostgreSQL for membership (run `source .ci/postgres.sh` first; .ci/run does)");
        var cancel = TestContext.Current.CancellationToken;
        var database = "cli_sweep_" + Guid.NewGuid().ToString("N");
        await Execute(server!, $"CREATE DATABASE {database}");
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var (dir, spec, data) = Files();
        try
        {
            var local = CliRunner.Run("backtest", spec, "--data", data, "--json");
            var localOut = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("local"));
            Assert.Equal(0, local.ExitCode);

            using var first = Silo(connection);
            using var second = Silo(connection);
            await first.StartAsync(cancel);
            await second.StartAsync(cancel);
            try
            {
                var db = "postgres:" + connection;
                var remote = CliRunner.Run("backtest", spec, "--data", data, "--json", "--cluster", "cli-sweep", "--db", db);
                Assert.Equal(0, remote.ExitCode);
                Assert.Equal(local.Out, remote.Out);
                Assert.Contains("cluster cli-sweep: ", remote.Error, StringComparison.Ordinal);

                var remoteOut = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("cluster"), "--cluster", "cli-sweep", "--db", db);
                Assert.Equal(0, remoteOut.ExitCode);
                Assert.Equal(localOut.Out.Replace(dir.File("local"), "DIR", StringComparison.Ordinal), remoteOut.Out.Replace(dir.File("cluster"), "DIR", StringComparison.Ordinal));
                var names = Directory.GetFiles(dir.File("local")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
                Assert.Equal(names, Directory.GetFiles(dir.File("cluster")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
                foreach (var name in names)
                {
                    Assert.True(File.ReadAllBytes(Path.Combine(dir.File("local"), name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.File("cluster"), name!))), $"{name} differs");
                }
            }
            finally
            {
                await second.StopAsync(cancel);
                await first.StopAsync(cancel);
            }

            // With the silos gone the table lists none: the same command is bad input, and says what to start.
            var none = CliRunner.Run("backtest", spec, "--data", data, "--json", "--cluster", "cli-sweep", "--db", "postgres:" + connection);
            Assert.Equal(2, none.ExitCode);
            Assert.StartsWith("error: cluster 'cli-sweep' cannot be reached: ", none.Error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, none.Out);
        }
        finally
        {
            dir.Dispose();
            NpgsqlConnection.ClearAllPools();
            await Execute(server!, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static IHost Silo(string connection) => Host.CreateDefaultBuilder()
        .UseOrleans(builder => builder.UseBallastCluster(new ClusterSettings
        {
            ClusterName = "cli-sweep",
            ConnectionString = connection,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
        }).AddSweepWorkers())
        .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
        .Build();

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Execute(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
