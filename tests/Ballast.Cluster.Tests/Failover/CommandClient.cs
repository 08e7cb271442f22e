using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
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
