using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Ballast.Io.Storage;
using Ballast.Service;
using Ballast.Service.Access;
using Ballast.Service.Endpoints;
using Ballast.Service.Demo;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ballast.Cli.Tests.Service;

/// <summary>
/// kill -9 under load: <c>ballast serve</c> runs as a child process over a journal set up with the demo's vaults;
/// concurrent clients send commands; the process is killed mid-load and started again on the same store. Every
/// command that got a 2xx is in the journal exactly once, <c>ballast verify</c> passes, and re-sending each with its
/// Idempotency-Key returns the stored outcome (same status, same body). SQLite always; PostgreSQL when
/// BALLAST_TEST_POSTGRES is set. Bounded in time (the clients stop at the kill; every wait has a limit).
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const string PostgresVariable = "BALLAST_TEST_POSTGRES";
    private static readonly string[] Investors = ["alice", "bob"];
    private readonly string _dir = Directory.CreateTempSubdirectory("ballast-crash-").FullName;
    private string? _schema;

    public static TheoryData<string> Backends => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task KilledUnderLoad_EveryAcknowledgedCommandIsJournaledOnce_AndRetriesGetTheStoredOutcome(string backend)
    {
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        Assert.SkipWhen(backend == "postgres" && string.IsNullOrEmpty(postgres),
            $"{PostgresVariable} is not set: the PostgreSQL crash test needs a server (source .ci/postgres.sh first; .ci/run does)");
        var ct = TestContext.Current.CancellationToken;
        string journal;
        if (backend == "sqlite")
        {
            journal = "sqlite:" + Path.Combine(_dir, "journal.db");
        }
        else
        {
            _schema = "crash_test_" + Guid.NewGuid().ToString("N");
            journal = $"postgres:{postgres};Search Path={_schema}";
        }

        var children = await SetUpJournalAsync(journal, ct);
        var keys = WriteKeysFile();
        string[] serveArgs = ["--db", journal, "--keys", keys];

        // Load, then kill -9 once enough commands were acknowledged (or after a bounded time).
        var answered = new ConcurrentBag<Sent>();
        await using (var first = await ServeProcess.StartAsync(serveArgs, ct))
        {
            using var stopClients = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 8).Select(c => ClientAsync(first.Address, c, children, answered, stopClients.Token)).ToList();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (answered.Count(a => a.Status < 300) < 150 && DateTime.UtcNow < deadline && !first.HasExited)
            {
                await Task.Delay(20, ct);
            }

            await first.KillAsync();
            await stopClients.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60), ct);
            Assert.True(answered.Count(a => a.Status < 300) > 0, $"no command was acknowledged before the kill:\n{first.Output}");
        }

        var acknowledged = answered.Where(a => a.Status is >= 200 and < 300).ToList();
        Assert.DoesNotContain(answered, a => a.Status >= 500);

        // Every acknowledged command is in the journal, and no command id is journaled twice.
        var journaled = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var store = JournalStores.Open(journal))
        {
            await foreach (var e in store.ReadAsync(1, ct))
            {
                if (e.Type == "command")
                {
                    journaled[e.CommandId] = journaled.GetValueOrDefault(e.CommandId) + 1;
                }
            }
        }

        SqliteConnection.ClearAllPools();
        Assert.All(journaled, j => Assert.True(j.Value == 1, $"command {j.Key} is journaled {j.Value} times"));
        var missing = acknowledged.Where(a => !journaled.ContainsKey(a.Key)).Select(a => a.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged commands are not in the journal after the crash: {string.Join(", ", missing.Take(10))}");

        // The journal verifies.
        var verify = CliRunner.Run("verify", journal);
        Assert.True(verify.ExitCode == 0, $"verify after the crash: exit {verify.ExitCode}\n{verify.Out}\n{verify.Error}");

        // Restarted on the same store: each acknowledged command sent again with its key gets the stored outcome.
        await using var second = await ServeProcess.StartAsync(serveArgs, ct);
        using var http = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(60) };
        foreach (var sent in acknowledged)
        {
            var (status, body, replayed) = await SendAsync(http, sent, ct);
            Assert.True(status == sent.Status && body == sent.Body, $"retry of {sent.Key}: {status} {body}\nfirst answer: {sent.Status} {sent.Body}");
            Assert.True(replayed, $"retry of {sent.Key} was not marked {CommandEndpoints.ReplayedHeader}");
        }

        await second.TerminateAsync();
        Assert.True(second.ExitCode == 0, $"the restarted service did not stop cleanly: exit {second.ExitCode}\n{second.Output}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_schema is not null && Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } postgres)
        {
            using var connection = new NpgsqlConnection(postgres);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            drop.ExecuteNonQuery();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The demo's vaults and funded investors on a new journal (in process, then stopped); returns the child vaults.</summary>
    private static async Task<IReadOnlyList<string>> SetUpJournalAsync(string journal, CancellationToken ct)
    {
        var settings = new ServiceSettings { Journal = journal, Urls = ["http://127.0.0.1:0"], Keeper = false };
        await using var service = await BallastService.CreateAsync(settings, TimeProvider.System, cancellationToken: ct);
        await service.App.StartAsync(ct);
        var scenario = DemoSetup.LoadScenario();
        await DemoSetup.SetUpAsync(service.Writer, scenario, service.Keys, ct);
        await service.App.StopAsync(ct);
        return scenario.Prices.Names;
    }

    /// <summary>A keys file giving alice and bob (investors) the keys "key-alice" and "key-bob".</summary>
    private string WriteKeysFile()
    {
        var entries = Investors.Select(a => $$"""{"account": "{{a}}", "sha256": "{{ApiKeyRing.Hash("key-" + a)}}", "roles": ["investor"]}""");
        var path = Path.Combine(_dir, "keys.json");
        File.WriteAllText(path, $$"""{"keys": [{{string.Join(", ", entries)}}]}""");
        return path;
    }

    /// <summary>One client: transfers between alice and bob and deposit requests into the child vaults, each with a new key, until stopped or the service dies.</summary>
    private static async Task ClientAsync(Uri address, int client, IReadOnlyList<string> children, ConcurrentBag<Sent> answered, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var from = Investors[client % 2];
        var to = Investors[(client + 1) % 2];
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var sent = n % 2 == 0
                ? new Sent($"crash-{client}-{n}", from, "transfer-asset", $$"""{"symbol":"USD","to":"{{to}}","amount":"1"}""")
                : new Sent($"crash-{client}-{n}", from, "request-deposit", $$"""{"vault":"{{children[(n + client) % children.Count]}}","assets":"1000000"}""");
            try
            {
                var (status, body, _) = await SendAsync(http, sent, CancellationToken.None);
                answered.Add(sent with { Status = status, Body = body });
            }
            catch (HttpRequestException)
            {
                return; // killed: this command's fate is unknown to the client, as it would be to a real one
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<(int Status, string Body, bool Replayed)> SendAsync(HttpClient http, Sent sent, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{sent.Name}") { Content = new StringContent(sent.Request, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-" + sent.Account);
        request.Headers.Add("Idempotency-Key", sent.Key);
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, body, response.Headers.TryGetValues(CommandEndpoints.ReplayedHeader, out var values) && values.Contains("true"));
    }

    /// <summary>A command a client sent, and the answer it got.</summary>
    private sealed record Sent(string Key, string Account, string Name, string Request, int Status = 0, string Body = "");
}
