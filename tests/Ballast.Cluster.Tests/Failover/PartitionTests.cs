using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Ballast.Cli.Tests.Service;
using Npgsql;
using static Ballast.Cluster.Tests.Failover.CommandClient;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// A network partition between one silo and PostgreSQL. Silo P reaches the database only through a
/// <see cref="TcpForwarder"/> and holds the deployment's sequencer; silos A and B reach it directly and take the
/// clients' commands (idempotency keys, retried on any error). After 40 acknowledgements the forwarder is cut (both
/// directions silent); 3 s later the server drops P's sessions, as its keepalives would (P's side stays half-open);
/// the partition heals once every client is done. Shown: the deployment carries on without P (a new activation
/// takes the lock the server released), P's sequencer fences itself and writes nothing more, every acknowledged
/// command is in the journal exactly once, retries get the stored outcome, <c>ballast verify</c> passes, and after
/// healing P serves commands and reads again. Times are written to the test output.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class PartitionTests : IDisposable
{
    private const string Body = """{"symbol": "USD", "to": "alice", "amount": "1000"}""";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ballast-partition-" + Guid.NewGuid().ToString("N"));

    public PartitionTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task PartitioningTheSequencersSiloFromTheDatabase_UnderLoad_LosesNothing_AndTheClusterRecoversAfterHealing()
    {
        await using var database = await TestDatabase.CreateAsync();
        var journal = "postgres:" + database.ConnectionString;
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var network = TcpForwarder.Start(direct.Host!, direct.Port);
        var throughForwarder = "postgres:" + new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = network.Port }.ConnectionString;
        var keys = await OperatorKeysAsync(_dir);

        var partitioned = new List<(ServeProcess Process, int SiloPort)>();
        var others = new List<(ServeProcess Process, int SiloPort)>();
        try
        {
            // P alone first: the first command activates the sequencer there.
            await StartSilosAsync(partitioned, "partition", throughForwarder, keys, 1);
            var p = partitioned[0];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            Assert.Equal(200, (await PostUntilAcknowledgedAsync(http, [p.Process.Address], "usd", "create-asset", """{"symbol": "USD", "decimals": 6}""", null)).Status);
            await StartSilosAsync(others, "partition", journal, keys, 2);
            var addresses = others.Select(s => s.Process.Address).ToArray();
            Assert.Contains($":{p.SiloPort}:", await SequencerSiloAsync(http, addresses[0]), StringComparison.Ordinal);

            var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            long cutAt = -1;
            long droppedAt = -1;
            long firstAfterDrop = -1;
            var sent = 0;
            Task? partition = null;

            async Task PartitionAsync()
            {
                network.Cut();
                Volatile.Write(ref cutAt, clock.ElapsedMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
                network.DropServerSide();
                Volatile.Write(ref droppedAt, clock.ElapsedMilliseconds);
            }

            async Task ClientAsync(int client)
            {
                for (var n = 0; n < 40; n++)
                {
                    var key = $"issue-{client}-{n}";
                    var (status, text) = await PostUntilAcknowledgedAsync(http, [addresses[client % 2], addresses[(client + 1) % 2]], key, "issue-asset", Body, () =>
                    {
                        if (Volatile.Read(ref droppedAt) >= 0)
                        {
                            Interlocked.CompareExchange(ref firstAfterDrop, clock.ElapsedMilliseconds, -1);
                        }
                    });
                    Assert.Equal(200, status);
                    acknowledged[key] = text;
                    if (Interlocked.Increment(ref sent) == 40)
                    {
                        partition = PartitionAsync();
                    }
                }
            }

            using (var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancel))
            {
                var watch = WatchAsync(http, addresses[0], () => acknowledged.Count, clock, watching.Token);
                try
                {
                    await Task.WhenAll(Enumerable.Range(0, 4).Select(ClientAsync)).WaitAsync(TimeSpan.FromMinutes(3), Cancel);
                    await partition!;
                }
                catch
                {
                    foreach (var (process, port) in partitioned.Concat(others))
                    {
                        Log($"--- silo {port} ---\n{string.Join('\n', process.Output.Split('\n').TakeLast(60))}");
                    }

                    throw;
                }
                finally
                {
                    await watching.CancelAsync();
                    await watch;
                }
            }

            Assert.True(firstAfterDrop >= droppedAt, $"cut at {cutAt} ms, server dropped P's sessions at {droppedAt} ms, first 2xx after at {firstAfterDrop} ms");
            Log($"partition: cut at {cutAt} ms, server side dropped at {droppedAt} ms; first 2xx after the drop {firstAfterDrop - droppedAt} ms after it; all 160 acknowledged {clock.ElapsedMilliseconds - droppedAt} ms after it, P still cut off");

            // Healing: P's stale connections are reset; it serves a command and reads the whole journal again.
            var healedAt = clock.ElapsedMilliseconds;
            network.Heal();
            var afterHeal = await PostUntilAcknowledgedAsync(http, [p.Process.Address], "issue-after-heal", "issue-asset", Body, null);
            Assert.Equal(200, afterHeal.Status);
            acknowledged["issue-after-heal"] = afterHeal.Body;
            var commandAfterHeal = clock.ElapsedMilliseconds - healedAt;
            var head = await HeadAsync(http, addresses[0]);
            while (await HeadAsync(http, p.Process.Address) < head)
            {
                Assert.True(clock.ElapsedMilliseconds - healedAt < 60_000, "P's read model did not catch up within 60 s of healing");
                await Task.Delay(100, Cancel);
            }

            Log($"partition: healed; P acknowledged a command {commandAfterHeal} ms and its reads reached head {head} {clock.ElapsedMilliseconds - healedAt} ms after healing");

            // P's sequencer fenced itself: it found its lock gone and stopped writing. (The console log shows the
            // event's message, "sequencer … stops writing and deactivates: …", and its number, not its name
            // SequencerFenced: that name appeared only when a SequencerFencedException was logged as well.)
            Assert.Contains("stops writing and deactivates", p.Process.Output, StringComparison.Ordinal);

            // Every acknowledged command is in the journal exactly once, and nothing else is.
            Assert.Equal(161, acknowledged.Count);
            await AssertEachOnceAsync(journal, acknowledged.Keys, "usd");

            // A retry gets the stored outcome, byte for byte, on any silo, P included.
            var all = addresses.Append(p.Process.Address).ToArray();
            await AssertReplayedAsync(http, key => all[key.Length % 3], acknowledged.Where((_, i) => i % 8 == 0), "issue-asset", Body);

            // All three silos are still members.
            using var cluster = JsonDocument.Parse(await http.GetStringAsync(new Uri(p.Process.Address, "/api/cluster"), Cancel));
            Assert.Equal(3, cluster.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active"));
        }
        finally
        {
            Log(string.Join('\n', partitioned.Concat(others).SelectMany(s => s.Process.Output.Split('\n')).Where(l => l.Contains("sequencer ", StringComparison.Ordinal))));
            foreach (var (process, _) in partitioned.Concat(others))
            {
                await process.DisposeAsync();
            }
        }

        var verify = RunCli("verify", journal);
        Assert.True(verify.ExitCode == 0, $"ballast verify: exit {verify.ExitCode}\n{verify.Output}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The silo holding the deployment's sequencer, as <paramref name="silo"/>'s <c>GET /api/cluster</c> reports it (asked until known).</summary>
    private static async Task<string> SequencerSiloAsync(HttpClient http, Uri silo)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var view = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo, "/api/cluster"), Cancel));
            if (view.RootElement.GetProperty("sequencers")[0].GetProperty("silo").GetString() is { } holder)
            {
                return holder;
            }

            Assert.True(attempt < 50, $"no silo holds the sequencer: {view.RootElement}");
            await Task.Delay(200, Cancel);
        }
    }

    /// <summary>Every 2 s until cancelled: how many commands are acknowledged and where the sequencer is, to the test output.</summary>
    private static async Task WatchAsync(HttpClient http, Uri silo, Func<int> acknowledged, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string holder;
            try
            {
                using var view = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo, "/api/cluster"), cancellationToken));
                var sequencer = view.RootElement.GetProperty("sequencers")[0];
                holder = sequencer.GetProperty("silo").GetString() ?? sequencer.GetProperty("problem").GetString() ?? "?";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
            {
                holder = e.GetType().Name;
            }

            Log($"{clock.ElapsedMilliseconds} ms: {acknowledged()} acknowledged; sequencer: {holder}");
            await Task.Delay(2000, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task<long> HeadAsync(HttpClient http, Uri silo)
    {
        using var head = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo, "/api/head"), Cancel));
        return head.RootElement.GetProperty("sequence").GetInt64();
    }
}
