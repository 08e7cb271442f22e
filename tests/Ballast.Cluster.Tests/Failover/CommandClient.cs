using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Ballast.Cli.Tests.Service;
using Ballast.Io.Storage;
using Ballast.Service.Access;
using Ballast.Service.Endpoints;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>What the failover tests do as clients of real silos: post a command as the operator (retrying with the same idempotency key), and run the CLI.</summary>
internal static class CommandClient
{
    public const string Operator = "operator";
    public const string OperatorKey = "key-operator";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Posts until a 2xx or a 4xx (a client retrying with the same key on errors and dead silos, moving to the next silo each time).</summary>
    public static async Task<(int Status, string Body)> PostUntilAcknowledgedAsync(HttpClient http, Uri[] silos, string key, string command, string body, Action? acknowledged)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var (status, text, _) = await PostAsync(http, silos[attempt % silos.Length], key, command, body);
                if (status is >= 200 and < 500)
                {
                    if (status < 300)
                    {
                        acknowledged?.Invoke();
                    }

                    return (status, text);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!Cancel.IsCancellationRequested)
            {
            }

            Assert.True(attempt < 600, $"{key}: no answer after {attempt} attempts");
            await Task.Delay(100, Cancel);
        }
    }

    /// <summary>One POST of <paramref name="command"/> under <paramref name="key"/>: the status, the body, and whether the service answered it from the journal.</summary>
    public static async Task<(int Status, string Body, bool Replayed)> PostAsync(HttpClient http, Uri silo, string key, string command, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, $"/api/commands/{command}")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return ((int)response.StatusCode, text, response.Headers.TryGetValues(CommandEndpoints.ReplayedHeader, out var values) && values.Contains("true"));
    }

    /// <summary>Writes a keys file in <paramref name="dir"/> holding the operator's key (<see cref="OperatorKey"/>); returns its path.</summary>
    public static async Task<string> OperatorKeysAsync(string dir)
    {
        var keys = Path.Combine(dir, "keys.json");
        await File.WriteAllTextAsync(keys, $$"""{"keys": [{"account": "{{Operator}}", "sha256": "{{ApiKeyRing.Hash(OperatorKey)}}", "roles": ["operator"]}]}""", Cancel);
        return keys;
    }

    /// <summary>
    /// Starts <paramref name="count"/> <c>ballast serve --cluster</c> processes of <paramref name="cluster"/> on
    /// <paramref name="journal"/> with the keys of <paramref name="keys"/>, on free ports, adding each to
    /// <paramref name="silos"/> as it starts (the caller disposes them, those started before a failure included).
    /// </summary>
    public static async Task StartSilosAsync(List<(ServeProcess Process, int SiloPort)> silos, string cluster, string journal, string keys, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var siloPort = TestDatabase.FreePort();
            var process = await ServeProcess.StartAsync(
                ["--cluster", cluster, "--db", journal, "--keys", keys, "--silo-port", $"{siloPort}", "--gateway-port", $"{TestDatabase.FreePort()}"], Cancel);
            silos.Add((process, siloPort));
        }
    }

    /// <summary>The journal holds the commands <paramref name="acknowledged"/> (and <paramref name="setUp"/>), each exactly once, and no other.</summary>
    public static async Task AssertEachOnceAsync(string journal, IEnumerable<string> acknowledged, params string[] setUp)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var store = JournalStores.Open(journal))
        {
            await foreach (var e in store.ReadAsync(cancellationToken: Cancel))
            {
                if (e.Type == "command")
                {
                    counts[e.CommandId] = counts.GetValueOrDefault(e.CommandId) + 1;
                }
            }
        }

        Assert.Equal(setUp.Concat(acknowledged).Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.All(counts, c => Assert.Equal(1, c.Value));
    }

    /// <summary>Re-sending each of <paramref name="sample"/> (key, first answer) gets its stored outcome, byte for byte, marked as replayed.</summary>
    public static async Task AssertReplayedAsync(HttpClient http, Func<string, Uri> silo, IEnumerable<KeyValuePair<string, string>> sample, string command, string body)
    {
        foreach (var (key, first) in sample)
        {
            var (status, again, replayed) = await PostAsync(http, silo(key), key, command, body);
            Assert.Equal(200, status);
            Assert.True(replayed, $"{key}: no {CommandEndpoints.ReplayedHeader} header");
            Assert.Equal(first, again);
        }
    }

    /// <summary>Runs <c>ballast ARGS</c> (the ballast.dll beside the tests) to its end.</summary>
    public static (int ExitCode, string Output) RunCli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ballast.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
