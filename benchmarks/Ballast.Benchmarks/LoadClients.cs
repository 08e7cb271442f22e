using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ballast.Io.Protocol;

namespace Ballast.Benchmarks;

/// <summary>
/// What the load's clients need to know about the service set up for them: where it listens, each account's key,
/// the vaults (the first two take deposits, the others NAV reports) with each NAV at start, and the load's shape.
/// </summary>
/// <param name="Address">The service's loopback address.</param>
/// <param name="Keys">The API key of each account (alice, bob, reporter, …).</param>
/// <param name="Children">The child vaults, in order.</param>
/// <param name="Navs">Each child's NAV at start, in base units (decimal digits).</param>
/// <param name="Clients">Writing clients.</param>
/// <param name="Readers">Reading clients.</param>
/// <param name="ReportEvery">One command in this many is a NAV report.</param>
/// <param name="Seconds">How long the clients send and are measured.</param>
/// <param name="WarmupSeconds">How long they send before that, unmeasured (the JIT's tiering settles, connections open).</param>
public sealed record LoadPlan(Uri Address, IReadOnlyDictionary<string, string> Keys, IReadOnlyList<string> Children, IReadOnlyDictionary<string, string> Navs, int Clients, int Readers, int ReportEvery, int Seconds, int WarmupSeconds);

/// <summary>What the clients measured after the warm-up: each kind's requests, the measured time, and the CPU time the clients' process used meanwhile.</summary>
public sealed record LoadClientsResult(LoadStatsData Deposits, LoadStatsData Reports, LoadStatsData VaultLists, LoadStatsData Series, double Seconds, double CpuSeconds);

/// <summary>
/// The load's HTTP clients (benchmarks/README.md, "Service load"): writers each keeping one command in flight (deposits
/// of 1 USD by alice and bob, every K-th a NAV report, a seeded random walk around the NAV at start) and readers
/// alternating the vault list and a vault's series. Request bodies and headers are built once where they repeat.
/// Run in their own process (<c>load-clients PLAN RESULT</c>) so the service's CPU time and theirs are measured apart;
/// the child writes <see cref="Measuring"/> and <see cref="Done"/> lines to its standard output when the measured
/// window opens and closes, so the service's CPU time is read over the same window.
/// </summary>
public static class LoadClients
{
    /// <summary>The phase line written when the warm-up is over and measuring starts.</summary>
    public const string Measuring = "measuring";

    /// <summary>The phase line written when the measured window is over (the last answers are in).</summary>
    public const string Done = "done";

    private const int DepositVaults = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Reads the plan in <paramref name="planFile"/>, runs the clients and writes their result to <paramref name="resultFile"/> (the <c>load-clients</c> mode).</summary>
    public static async Task RunFilesAsync(string planFile, string resultFile)
    {
        var plan = JsonSerializer.Deserialize<LoadPlan>(await File.ReadAllBytesAsync(planFile).ConfigureAwait(false), Json)
            ?? throw new InvalidDataException($"{planFile}: no load plan");
        var result = await RunAsync(plan, phase => Console.Out.WriteLine(phase), CancellationToken.None).ConfigureAwait(false);
        await File.WriteAllBytesAsync(resultFile, JsonSerializer.SerializeToUtf8Bytes(result, Json)).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="plan"/> to a file in <paramref name="dir"/>, runs the clients in a child process of this
    /// program, calls <paramref name="phase"/> with each phase line it writes, and returns their result.
    /// </summary>
    public static async Task<LoadClientsResult> RunInChildAsync(LoadPlan plan, string dir, Action<string> phase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(plan);
        var planFile = Path.Combine(dir, "plan.json");
        var resultFile = Path.Combine(dir, "result.json");
        await File.WriteAllBytesAsync(planFile, JsonSerializer.SerializeToUtf8Bytes(plan, Json), cancellationToken).ConfigureAwait(false);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("this program's path is unknown");
        var start = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LoadClients).Assembly.Location);
        }

        foreach (var arg in new[] { "load-clients", planFile, resultFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                phase(text);
            }
        };
        if (!child.Start())
        {
            throw new InvalidOperationException($"could not start {self}");
        }

        child.BeginOutputReadLine();
        try
        {
            await child.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }

        return child.ExitCode == 0
            ? JsonSerializer.Deserialize<LoadClientsResult>(await File.ReadAllBytesAsync(resultFile, cancellationToken).ConfigureAwait(false), Json)!
            : throw new InvalidOperationException($"the load clients exited with code {child.ExitCode}");
    }

    /// <summary>
    /// Runs the clients of <paramref name="plan"/> in this process through the warm-up and the measured seconds
    /// (requests are cancelled 30 s after), calling <paramref name="phase"/> with <see cref="Measuring"/> when the
    /// warm-up is over and <see cref="Done"/> at the end; only requests sent after the warm-up are counted.
    /// </summary>
    public static async Task<LoadClientsResult> RunAsync(LoadPlan plan, Action<string> phase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(phase);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(TimeSpan.FromSeconds(plan.WarmupSeconds + plan.Seconds + 30));
        var navs = plan.Navs.ToDictionary(p => p.Key, p => UInt128.Parse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var deposits = new LoadStats[plan.Clients];
        var reports = new LoadStats[plan.Clients];
        var vaultLists = new LoadStats[plan.Readers];
        var series = new LoadStats[plan.Readers];
        var measureFrom = Stopwatch.GetTimestamp() + (long)(plan.WarmupSeconds * (double)Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(plan.Seconds * (double)Stopwatch.Frequency);
        var tasks = new List<Task>();
        for (var c = 0; c < plan.Clients; c++)
        {
            (deposits[c], reports[c]) = (new LoadStats(), new LoadStats());
            tasks.Add(WriterAsync(c, plan, navs, deposits[c], reports[c], measureFrom, stopAt, hardStop.Token));
        }

        for (var r = 0; r < plan.Readers; r++)
        {
            (vaultLists[r], series[r]) = (new LoadStats(), new LoadStats());
            tasks.Add(ReaderAsync(r, plan, vaultLists[r], series[r], measureFrom, stopAt, hardStop.Token));
        }

        var warmupLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
        if (warmupLeft > TimeSpan.Zero)
        {
            await Task.Delay(warmupLeft, hardStop.Token).ConfigureAwait(false);
        }

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        phase(Measuring);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        phase(Done);
        return new LoadClientsResult(LoadStats.Merge(deposits).ToData(), LoadStats.Merge(reports).ToData(), LoadStats.Merge(vaultLists).ToData(), LoadStats.Merge(series).ToData(),
            seconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
    }

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1, UseProxy = false, UseCookies = false })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task WriterAsync(int client, LoadPlan plan, Dictionary<string, UInt128> navs, LoadStats deposits, LoadStats reports, long measureFrom, long stopAt, CancellationToken hardStop)
    {
        using var http = Client(plan.Address);
        var random = new Random(client + 1);
        var investor = new AuthenticationHeaderValue("Bearer", plan.Keys[client % 2 == 0 ? "alice" : "bob"]);
        var reporter = new AuthenticationHeaderValue("Bearer", plan.Keys["reporter"]);
        var reportable = plan.Children.Skip(DepositVaults).ToArray();
        var depositPath = new Uri("/api/commands/deposit", UriKind.Relative);
        var reportPath = new Uri("/api/commands/report-nav", UriKind.Relative);
        var depositBodies = plan.Children.Take(DepositVaults).Select(v => Encoding.UTF8.GetBytes($$"""{"vault":"{{v}}","assets":"1000000"}""")).ToArray();
        var keyPrefix = $"load-{client}-";
        for (var n = 1; Stopwatch.GetTimestamp() < stopAt; n++)
        {
            var isReport = n % plan.ReportEvery == 0 && reportable.Length > 0;
            byte[] body;
            if (isReport)
            {
                var vault = reportable[(n / plan.ReportEvery + client) % reportable.Length];
                var nav = SimRunner.ScaledNav(navs[vault], 1 + ((random.NextDouble() - 0.5) * 0.002))!.Value;
                body = Encoding.UTF8.GetBytes($$"""{"vault":"{{vault}}","total_assets":"{{nav}}"}""");
            }
            else
            {
                body = depositBodies[(n + client) % DepositVaults];
            }

            var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonType;
            using var request = new HttpRequestMessage(HttpMethod.Post, isReport ? reportPath : depositPath) { Content = content };
            request.Headers.Authorization = isReport ? reporter : investor;
            request.Headers.TryAddWithoutValidation("Idempotency-Key", keyPrefix + n.ToString(CultureInfo.InvariantCulture));
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, hardStop).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(hardStop).ConfigureAwait(false);
            if (start < measureFrom)
            {
                continue;
            }

            var stats = isReport ? reports : deposits;
            stats.Add((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (!response.IsSuccessStatusCode && stats.FirstFailure is null)
            {
                stats.FirstFailure = $"{(int)response.StatusCode} {Encoding.UTF8.GetString(answer)}";
            }
        }
    }

    private static async Task ReaderAsync(int reader, LoadPlan plan, LoadStats vaults, LoadStats series, long measureFrom, long stopAt, CancellationToken hardStop)
    {
        using var http = Client(plan.Address);
        var vaultsPath = new Uri("/api/vaults", UriKind.Relative);
        var seriesPaths = plan.Children.Select(c => new Uri($"/api/vaults/{c}/series?limit=100", UriKind.Relative)).ToArray();
        for (var n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
        {
            var isSeries = n % 2 == 1;
            var path = isSeries ? seriesPaths[(n / 2 + reader) % seriesPaths.Length] : vaultsPath;
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, hardStop).ConfigureAwait(false);
            if (start < measureFrom)
            {
                continue;
            }

            (isSeries ? series : vaults).Add((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
