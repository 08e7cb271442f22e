using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Ballast.Cli.Tests.Service;
using static Ballast.Cluster.Tests.Failover.CommandClient;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// PostgreSQL restarted under load (<c>pg_ctl restart -m fast</c>: every connection cut, the sequencer's advisory
/// lock with them) while clients post to two real <c>ballast serve --cluster</c> silos, retrying with the same
/// idempotency key on any error. Afterwards: the commands go through again, every command that got a 2xx is in the
/// journal exactly once, a retry gets the stored outcome, both silos are still members, and <c>ballast verify</c>
/// passes. The time from the database accepting connections again to the first 2xx after it is written to the test output.
/// </summary>
public sealed class PostgresRestartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ballast-pg-restart-" + Guid.NewGuid().ToString("N"));

    public PostgresRestartTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RestartingPostgres_UnderLoad_LosesNoAcknowledgedCommand_AndTheClusterCarriesOn()
    {
        await using var postgres = await PrivatePostgres.StartAsync(Cancel);
        var journal = "postgres:" + postgres.ConnectionString;
        var keys = await OperatorKeysAsync(_dir);

        var silos = new List<(ServeProcess Process, int SiloPort)>();
        var body = """{"symbol": "USD", "to": "alice", "amount": "1000"}""";
        try
        {
            await StartSilosAsync(silos, "pg-restart", journal, keys, 2);
            var addresses = silos.Select(s => s.Process.Address).ToArray();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            Assert.Equal(200, (await PostUntilAcknowledgedAsync(http, addresses, "usd", "create-asset", """{"symbol": "USD", "decimals": 6}""", null)).Status);

            var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            long restartedAt = -1;
            long firstAfterRestart = -1;
            var sent = 0;

            async Task ClientAsync(int client)
            {
                for (var n = 0; n < 40; n++)
                {
                    var key = $"issue-{client}-{n}";
                    var (status, text) = await PostUntilAcknowledgedAsync(http, [addresses[client % 2], addresses[(client + 1) % 2]], key, "issue-asset", body, () =>
                    {
                        if (Volatile.Read(ref restartedAt) >= 0)
                        {
                            Interlocked.CompareExchange(ref firstAfterRestart, clock.ElapsedMilliseconds, -1);
                        }
                    });
                    Assert.Equal(200, status);
                    acknowledged[key] = text;
                    if (Interlocked.Increment(ref sent) == 40)
                    {
                        // A quarter of the way: the database restarts, cutting every connection (and the write lock);
                        // the time to recover counts from when it accepts connections again.
                        var restarting = clock.ElapsedMilliseconds;
                        await postgres.RestartAsync(Cancel);
                        Volatile.Write(ref restartedAt, clock.ElapsedMilliseconds);
                        TestContext.Current.TestOutputHelper?.WriteLine($"postgres restart: pg_ctl restart took {restartedAt - restarting} ms");
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(ClientAsync)).WaitAsync(TimeSpan.FromMinutes(5), Cancel);
            Assert.True(restartedAt >= 0 && firstAfterRestart >= restartedAt, $"restarted at {restartedAt} ms, first 2xx after at {firstAfterRestart} ms");
            TestContext.Current.TestOutputHelper?.WriteLine($"postgres restart: time from the database accepting connections again to the first 2xx after it {firstAfterRestart - restartedAt} ms; {acknowledged.Count} commands acknowledged");

            // Every acknowledged command is in the journal exactly once, and the journal holds nothing else.
            Assert.Equal(160, acknowledged.Count);
            await AssertEachOnceAsync(journal, acknowledged.Keys, "usd");

            // A retry gets the stored outcome, byte for byte, from either silo.
            await AssertReplayedAsync(http, key => addresses[key.Length % 2], acknowledged.Where((_, i) => i % 8 == 0), "issue-asset", body);

            // Both silos are still members of the cluster: the membership table came back with the database.
            using var cluster = JsonDocument.Parse(await http.GetStringAsync(new Uri(addresses[0], "/api/cluster"), Cancel));
            Assert.Equal(2, cluster.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active"));
        }
        finally
        {
            foreach (var (process, _) in silos)
            {
                await process.DisposeAsync();
            }
        }

        var verify = RunCli("verify", journal);
        Assert.True(verify.ExitCode == 0, $"ballast verify: exit {verify.ExitCode}\n{verify.Output}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
