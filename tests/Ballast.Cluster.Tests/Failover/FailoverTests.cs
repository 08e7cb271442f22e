using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Ballast.Cli.Tests.Service;
using static Ballast.Cluster.Tests.Failover.CommandClient;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// Three real <c>ballast serve --cluster</c> processes on loopback over PostgreSQL. Clients post commands with
/// idempotency keys to the silos that do not hold the deployment's sequencer, retrying with the same key on any
/// error; the silo holding the sequencer is killed (-9) under that load. Afterwards: every command that got a 2xx is
/// in the journal exactly once, re-sending it gets the stored outcome, and <c>ballast verify</c> passes. The time
/// from the kill to the first 2xx after it is written to the test output.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class FailoverTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ballast-failover-" + Guid.NewGuid().ToString("N"));

    public FailoverTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillingTheSiloHoldingTheSequencer_UnderLoad_LosesNoAcknowledgedCommand()
    {
        await using var database = await TestDatabase.CreateAsync();
        var journal = "postgres:" + database.ConnectionString;
        var keys = await OperatorKeysAsync(_dir);

        var silos = new List<(ServeProcess Process, int SiloPort)>();
        try
        {
            await StartSilosAsync(silos, "failover", journal, keys, 3);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            Assert.Equal(200, (await PostUntilAcknowledgedAsync(http, [silos[0].Process.Address], "usd", "create-asset", """{"symbol": "USD", "decimals": 6}""", null)).Status);

            var holder = await SequencerHolderAsync(http, silos);
            var others = silos.Where(s => s != holder).Select(s => s.Process.Address).ToArray();
            var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            long killedAt = -1;
            long firstAfterKill = -1;
            var sent = 0;

            async Task ClientAsync(int client)
            {
                for (var n = 0; n < 60; n++)
                {
                    var key = $"issue-{client}-{n}";
                    var (status, body) = await PostUntilAcknowledgedAsync(http, others, key, "issue-asset", """{"symbol": "USD", "to": "alice", "amount": "1000"}""",
                        () =>
                        {
                            if (Volatile.Read(ref killedAt) >= 0)
                            {
                                Interlocked.CompareExchange(ref firstAfterKill, clock.ElapsedMilliseconds, -1);
                            }
                        });
                    Assert.Equal(200, status);
                    acknowledged[key] = body;
                    if (Interlocked.Increment(ref sent) == 60)
                    {
                        // A quarter of the way: the silo holding the sequencer dies at once.
                        await holder.Process.KillAsync();
                        Volatile.Write(ref killedAt, clock.ElapsedMilliseconds);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(ClientAsync)).WaitAsync(TimeSpan.FromMinutes(5), Cancel);
            Assert.True(killedAt >= 0 && firstAfterKill >= killedAt, $"killed at {killedAt} ms, first 2xx after at {firstAfterKill} ms");
            TestContext.Current.TestOutputHelper?.WriteLine($"failover: time to recover (kill -9 of the sequencer's silo to the first 2xx after it) {firstAfterKill - killedAt} ms; {acknowledged.Count} commands acknowledged");

            // Every acknowledged command is in the journal exactly once, and the journal holds nothing else.
            await AssertEachOnceAsync(journal, acknowledged.Keys, "usd");

            // A retry of any acknowledged command gets its stored outcome, byte for byte, from a surviving silo.
            await AssertReplayedAsync(http, _ => others[0], acknowledged.Where((_, i) => i % 10 == 0), "issue-asset", """{"symbol": "USD", "to": "alice", "amount": "1000"}""");
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

    /// <summary>The silo whose port the sequencer's silo address names, as <c>GET /api/cluster</c> reports it (asked until it is known).</summary>
    private static async Task<(ServeProcess Process, int SiloPort)> SequencerHolderAsync(HttpClient http, List<(ServeProcess Process, int SiloPort)> silos)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await http.GetAsync(new Uri(silos[1].Process.Address, "/api/cluster"), Cancel);
            using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
            var holder = view.RootElement.GetProperty("sequencers")[0].GetProperty("silo").GetString();
            if (holder is not null)
            {
                return silos.Single(s => holder.Contains($":{s.SiloPort}:", StringComparison.Ordinal));
            }

            Assert.True(attempt < 50, $"no silo holds the sequencer: {view.RootElement}");
            await Task.Delay(200, Cancel);
        }
    }
}
