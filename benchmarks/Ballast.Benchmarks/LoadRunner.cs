using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Service;
using Ballast.Service.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ballast.Benchmarks;

/// <summary>
/// The load mode of Ballast.Benchmarks (benchmarks/README.md): starts <c>ballast serve</c> in this process on a
/// loopback port over a fresh journal set up with the demo's vaults (sim-demo.yaml, its children set to price deposits
/// at once and to take a NAV report at any time: <see cref="LoadScenario"/>), then for a fixed time runs
/// concurrent HTTP clients: writers posting deposits (alice and bob into the first two child vaults) and NAV reports
/// (the reporter, on the other children, a small random walk around the NAV at start, seeded per client), and readers
/// asking for the vault list and a vault's series. Prints, per kind, requests, statuses, throughput and p50/p99
/// latency, then stops the service and deletes the temporary journal. Bounded: the clients stop at the deadline
/// and every request is cancelled 30 s after it.
/// </summary>
public static class LoadRunner
{
    private const int DepositVaults = 2;

    /// <summary>Runs the load described by <paramref name="options"/>, writing the report to <paramref name="output"/>.</summary>
    public static async Task RunAsync(LoadOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var dir = Directory.CreateTempSubdirectory("ballast-load-").FullName;
        var journal = options.Journal ?? "sqlite:" + Path.Combine(dir, "journal.db");
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds + 120));
        try
        {
            var settings = new ServiceSettings { Journal = journal, Urls = ["http://127.0.0.1:0"], MaxBatch = options.MaxBatch, SqliteSynchronous = options.SqliteSynchronous };
            await using var service = await BallastService.CreateAsync(settings, TimeProvider.System, b => b.Logging.SetMinimumLevel(LogLevel.Warning), hardStop.Token).ConfigureAwait(false);
            await service.App.StartAsync(hardStop.Token).ConfigureAwait(false);
            await service.Projector.WhenReady.WaitAsync(hardStop.Token).ConfigureAwait(false);
            var scenario = LoadScenario(dir);
            var accounts = (await DemoSetup.SetUpAsync(service.Writer, scenario, service.Keys, hardStop.Token).ConfigureAwait(false)).ToDictionary(a => a.Account, a => a.Key, StringComparer.Ordinal);
            var children = scenario.Prices.Names;
            var navs = new Dictionary<string, UInt128>(StringComparer.Ordinal);
            await service.Writer.RunPlanAsync((state, _) =>
            {
                foreach (var child in children)
                {
                    navs[child] = state.SimpleVaults[new VaultId(child)].Vault.TotalAssets;
                }

                return [];
            }, hardStop.Token).ConfigureAwait(false);

            var address = new Uri(service.Addresses[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
            var headBefore = service.Writer.Head.Sequence;
            var decidedBefore = service.Writer.CommandsDecided;
            output.WriteLine($"load: {options.Clients} writing clients (1 in {options.ReportEvery} a NAV report, the rest deposits), {options.Readers} readers, {options.Seconds} s, journal {journal} (SQLite synchronous {options.SqliteSynchronous}), {address}");

            var deposits = new LoadStats[options.Clients];
            var reports = new LoadStats[options.Clients];
            var vaultLists = new LoadStats[options.Readers];
            var series = new LoadStats[options.Readers];
            var stopAt = Stopwatch.GetTimestamp() + (long)(options.Seconds * (double)Stopwatch.Frequency);
            var tasks = new List<Task>();
            for (var c = 0; c < options.Clients; c++)
            {
                deposits[c] = new LoadStats();
                reports[c] = new LoadStats();
                tasks.Add(WriterAsync(c, options, address, accounts, children, navs, deposits[c], reports[c], stopAt, hardStop.Token));
            }

            for (var r = 0; r < options.Readers; r++)
            {
                vaultLists[r] = new LoadStats();
                series[r] = new LoadStats();
                tasks.Add(ReaderAsync(r, address, children, vaultLists[r], series[r], stopAt, hardStop.Token));
            }

            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;

            output.WriteLine();
            output.WriteLine($"{"kind",-14} {"requests",9} {"2xx/s",9} {"p50 ms",8} {"p99 ms",8}  statuses");
            Line(output, "deposit", LoadStats.Merge(deposits), seconds);
            Line(output, "report-nav", LoadStats.Merge(reports), seconds);
            Line(output, "commands", LoadStats.Merge([.. deposits, .. reports]), seconds);
            Line(output, "GET vaults", LoadStats.Merge(vaultLists), seconds);
            Line(output, "GET series", LoadStats.Merge(series), seconds);
            Line(output, "reads", LoadStats.Merge([.. vaultLists, .. series]), seconds);
            output.WriteLine();
            var decided = service.Writer.CommandsDecided - decidedBefore;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"writer: {decided} commands decided ({decided / seconds:F0}/s, keeper's included), journal {headBefore} -> {service.Writer.Head.Sequence} events; read model at {service.Projector.Current.Head.Sequence}"));
            var requests = deposits.Sum(d => d.Count) + reports.Sum(r => r.Count) + vaultLists.Sum(v => v.Count) + series.Sum(r => r.Count);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"process CPU (service and clients): {cpu:F1} s in {seconds:F1} s on {Environment.ProcessorCount} cores ({cpu / seconds * 100:F0} %), {cpu * 1e6 / Math.Max(1, requests):F0} µs per request"));
            await service.App.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// sim-demo.yaml with its children taking deposits at once (<c>pricing: immediate</c>) and NAV reports at any
    /// time (<c>min_report_interval_hours: 0</c>, no rolling window): live load on the system clock sends many
    /// reports a second, which the demo's hourly minimum would hold (pausing the vault).
    /// </summary>
    private static Scenario LoadScenario(string dir)
    {
        var demo = Path.Combine(AppContext.BaseDirectory, "demo");
        var text = File.ReadAllText(Path.Combine(demo, "scenarios", "sim-demo.yaml"));
        const string children = "children:\n";
        if (!text.Contains(children, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("sim-demo.yaml has no 'children:' block to adjust for the load");
        }

        text = text.Replace(children, children + "  pricing: immediate\n  min_report_interval_hours: 0\n  report_window_days: 0\n", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(dir, "scenarios"));
        File.Copy(Path.Combine(demo, "demo.yaml"), Path.Combine(dir, "demo.yaml"), overwrite: true);
        var file = Path.Combine(dir, "scenarios", "load.yaml");
        File.WriteAllText(file, text);
        return Scenario.LoadFile(file);
    }

    private static void Line(TextWriter output, string kind, LoadStats stats, double seconds) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind,-14} {stats.Count,9} {stats.Succeeded / seconds,9:F0} {stats.Quantile(0.50),8:F2} {stats.Quantile(0.99),8:F2}  {stats.Statuses()}{(stats.FirstFailure is { } failure ? $"; first failure: {failure[..Math.Min(failure.Length, 300)]}" : "")}"));

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1 })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task WriterAsync(int client, LoadOptions options, Uri address, Dictionary<string, string> keys, IReadOnlyList<string> children,
        Dictionary<string, UInt128> navs, LoadStats deposits, LoadStats reports, long stopAt, CancellationToken hardStop)
    {
        using var http = Client(address);
        var random = new Random(client + 1);
        var investor = client % 2 == 0 ? "alice" : "bob";
        var reportable = children.Skip(DepositVaults).ToArray();
        for (var n = 1; Stopwatch.GetTimestamp() < stopAt; n++)
        {
            var isReport = n % options.ReportEvery == 0 && reportable.Length > 0;
            string name, body, key;
            if (isReport)
            {
                var vault = reportable[(n / options.ReportEvery + client) % reportable.Length];
                var nav = SimRunner.ScaledNav(navs[vault], 1 + ((random.NextDouble() - 0.5) * 0.002))!.Value;
                (name, body, key) = ("report-nav", $$"""{"vault":"{{vault}}","total_assets":"{{nav}}"}""", keys["reporter"]);
            }
            else
            {
                var vault = children[(n + client) % DepositVaults];
                (name, body, key) = ("deposit", $$"""{"vault":"{{vault}}","assets":"1000000"}""", keys[investor]);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{name}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            request.Headers.Add("Idempotency-Key", $"load-{client}-{n}");
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, hardStop).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(hardStop).ConfigureAwait(false);
            var stats = isReport ? reports : deposits;
            stats.Add((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (!response.IsSuccessStatusCode && stats.FirstFailure is null)
            {
                stats.FirstFailure = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(hardStop).ConfigureAwait(false)}";
            }
        }
    }

    private static async Task ReaderAsync(int reader, Uri address, IReadOnlyList<string> children, LoadStats vaults, LoadStats series, long stopAt, CancellationToken hardStop)
    {
        using var http = Client(address);
        for (var n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
        {
            var isSeries = n % 2 == 1;
            var path = isSeries ? $"/api/vaults/{children[(n / 2 + reader) % children.Count]}/series?limit=100" : "/api/vaults";
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, hardStop).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(hardStop).ConfigureAwait(false);
            (isSeries ? series : vaults).Add((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
