using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ballast.Cli.Tests.Service;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// The README's three-silo demo, run as written (on free ports, on a test database for <c>$PG</c>) and started all
/// at once: exactly one silo seeds the demo and prints the keys, the keys work on every silo, every silo serves the
/// demo's vaults, and the reporter (inside the sequencer) keeps the journal growing. The keeper is the sharded one:
/// every silo reports the same one coordinator, ticking, with one reminder row for the deployment, and the keeper's
/// commands reach the journal (the keeper inside the sequencer's activation is off in cluster mode).
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class ReadmeClusterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadmeClusterDemo_ThreeSilosStartedTogether_SeedOnceAndServeTheDemo()
    {
        var lines = ReadmeServeClusterLines();
        Assert.Equal(3, lines.Count);
        await using var database = await TestDatabase.CreateAsync();
        var silos = new List<ServeProcess>();
        try
        {
            silos.AddRange(await Task.WhenAll(lines.Select(line => ServeProcess.StartAsync(Arguments(line, database.ConnectionString), Cancel))));
            // After its address, each silo either seeds the demo and prints the keys or says another silo did.
            foreach (var silo in silos)
            {
                await EventuallyAsync(() => Task.FromResult(AliceKey.IsMatch(silo.Output) || silo.Output.Contains("seeded by another silo", StringComparison.Ordinal)), $"{silo.Address} neither seeded the demo nor saw it seeded:\n{silo.Output}");
            }

            var seeders = silos.Where(s => !s.Output.Contains("seeded by another silo", StringComparison.Ordinal)).ToList();
            Assert.True(seeders.Count == 1, string.Join("\n----\n", silos.Select(s => s.Output)));
            Assert.All(silos.Except(seeders), s => Assert.DoesNotContain("demo accounts", s.Output, StringComparison.Ordinal));
            var aliceKey = AliceKey.Match(seeders[0].Output).Groups[1].Value;

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            foreach (var silo in silos)
            {
                await EventuallyAsync(async () =>
                {
                    using var vaults = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo.Address, "/api/vaults"), Cancel));
                    return vaults.RootElement.GetArrayLength() > 0;
                }, $"{silo.Address} serves no vaults");
                await EventuallyAsync(async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.Address, "/api/whoami"));
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceKey);
                    using var response = await http.SendAsync(request, Cancel);
                    return response.IsSuccessStatusCode;
                }, $"alice's key does not work on {silo.Address}");
            }

            using var journal = JournalStores.Open("postgres:" + database.ConnectionString);
            var head = (await journal.HeadAsync(Cancel)).Sequence;
            await EventuallyAsync(async () => (await journal.HeadAsync(Cancel)).Sequence > head, "the demo reporter does not report");
            Assert.NotNull(await journal.FindCommandAsync("demo-fund-alice", Cancel));

            // One keeper coordinator for the deployment, seen alike from every silo, ticking.
            var coordinators = new HashSet<string>(StringComparer.Ordinal);
            foreach (var silo in silos)
            {
                await EventuallyAsync(async () =>
                {
                    using var cluster = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo.Address, "/api/cluster"), Cancel));
                    var keeper = cluster.RootElement.GetProperty("keepers")[0];
                    if (keeper.GetProperty("silo").ValueKind != JsonValueKind.String || !keeper.GetProperty("ticking").GetBoolean() || keeper.GetProperty("ticks").GetInt64() < 1)
                    {
                        return false;
                    }

                    coordinators.Add(keeper.GetProperty("silo").GetString()!);
                    return true;
                }, $"{silo.Address} shows no ticking keeper coordinator");
            }

            Assert.Single(coordinators);
            Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM OrleansRemindersTable"));
            await EventuallyAsync(async () => await KeeperCommandsAsync(journal) > 0, "no keeper command reached the journal");

        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>The commands the keeper sent (ids <c>keeper-HEAD-VAULT-...</c>) in the journal.</summary>
    private static async Task<int> KeeperCommandsAsync(IJournalStore journal)
    {
        var count = 0;
        await foreach (var e in journal.ReadAsync(cancellationToken: Cancel))
        {
            count += e.Type == "command" && e.CommandId.StartsWith("keeper-", StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    /// <summary>The README's <c>ballast serve --cluster</c> lines (in <c>```sh</c> blocks).</summary>
    private static List<string> ReadmeServeClusterLines()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root(), "README.md"));
        return [.. ShellBlock().Matches(readme).SelectMany(m => m.Groups[1].Value.Split('\n')).Select(l => l.Trim())
            .Where(l => l.StartsWith("ballast serve --cluster ", StringComparison.Ordinal)).Select(l => l["ballast ".Length..])];
    }

    /// <summary>A README line's arguments: <c>$PG</c> the test database, free ports for the README's, no <c>--urls</c> (ServeProcess adds its own).</summary>
    private static List<string> Arguments(string line, string connectionString)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal("serve", tokens[0]);
        var args = new List<string>();
        for (var i = 1; i < tokens.Count; i++)
        {
            switch (tokens[i])
            {
                case "--urls":
                    i++;
                    break;
                case "--silo-port" or "--gateway-port":
                    args.AddRange([tokens[i], $"{TestDatabase.FreePort()}"]);
                    i++;
                    break;
                case "\"postgres:$PG\"":
                    args.Add("postgres:" + connectionString);
                    break;
                default:
                    args.Add(tokens[i]);
                    break;
            }
        }

        return args;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await condition())
            {
                return;
            }

            Assert.True(attempt < 600, failure);
            await Task.Delay(200, Cancel);
        }
    }

    private static readonly Regex ShellBlockPattern = new(@"```sh\n(.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static readonly Regex AliceKey = new(@"^\s*alice\s+\S+\s+(\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static Regex ShellBlock() => ShellBlockPattern;
}
