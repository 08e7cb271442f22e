using System.Diagnostics;
using System.Globalization;
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
/// at once and to take a NAV report at any time: <see cref="LoadScenario"/>), then for a fixed time runs the
/// <see cref="LoadClients"/> (in a child process unless told otherwise, so the service's CPU time is measured apart
/// from theirs). Prints, per kind, requests, statuses, throughput and p50/p99 latency, and the CPU time per request
/// of the service and of the clients, then stops the service and deletes the temporary journal. Bounded: the
/// clients stop at the deadline and every request is cancelled 30 s after it.
/// </summary>
public static class LoadRunner
{
    /// <summary>Runs the load described by <paramref name="options"/>, writing the report to <paramref name="output"/>.</summary>
    public static async Task RunAsync(LoadOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var dir = Directory.CreateTempSubdirectory("ballast-load-").FullName;
        var journal = options.Journal ?? "sqlite:" + Path.Combine(dir, "journal.db");
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(options.WarmupSeconds + options.Seconds + 120));
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
            output.WriteLine($"load: {options.Clients} writing clients (1 in {options.ReportEvery} a NAV report, the rest deposits), {options.Readers} readers, {options.WarmupSeconds} s warm-up then {options.Seconds} s measured, journal {journal} (SQLite synchronous {options.SqliteSynchronous}), {address}, clients {(options.InProcess ? "in this process" : "in a child process")}, {LoadRuntime.Describe()}");

            var plan = new LoadPlan(address, accounts, children, navs.ToDictionary(p => p.Key, p => p.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal),
                options.Clients, options.Readers, options.ReportEvery, options.Seconds, options.WarmupSeconds);
            using var process = Process.GetCurrentProcess();
            var window = new CpuWindow(process, () => (service.Writer.Head.Sequence, service.Writer.CommandsDecided));
            var clients = options.InProcess
                ? await LoadClients.RunAsync(plan, window.Phase, hardStop.Token).ConfigureAwait(false)
                : await LoadClients.RunInChildAsync(plan, dir, window.Phase, hardStop.Token).ConfigureAwait(false);
            var (cpu, wall) = (window.Cpu, window.Seconds);
            var ((headBefore, decidedBefore), (headAfter, decidedAfter)) = (window.WriterAtStart, window.WriterAtEnd);
            var seconds = clients.Seconds;
            var (deposits, reports, vaultLists, series) = (LoadStats.FromData(clients.Deposits), LoadStats.FromData(clients.Reports), LoadStats.FromData(clients.VaultLists), LoadStats.FromData(clients.Series));

            output.WriteLine();
            output.WriteLine($"{"kind",-14} {"requests",9} {"2xx/s",9} {"p50 ms",8} {"p99 ms",8}  statuses");
            Line(output, "deposit", deposits, seconds);
            Line(output, "report-nav", reports, seconds);
            Line(output, "commands", LoadStats.Merge([deposits, reports]), seconds);
            Line(output, "GET vaults", vaultLists, seconds);
            Line(output, "GET series", series, seconds);
            Line(output, "reads", LoadStats.Merge([vaultLists, series]), seconds);
            output.WriteLine();
            var decided = decidedAfter - decidedBefore;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"writer: {decided} commands decided ({decided / seconds:F0}/s, keeper's included), journal {headBefore} -> {headAfter} events; read model at {service.Projector.Current.Head.Sequence}"));
            var requests = Math.Max(1, deposits.Count + reports.Count + vaultLists.Count + series.Count);
            output.WriteLine(options.InProcess
                ? string.Create(CultureInfo.InvariantCulture,
                    $"process CPU (service and clients): {cpu:F1} s in {wall:F1} s on {Environment.ProcessorCount} cores ({cpu / wall * 100:F0} %), {cpu * 1e6 / requests:F0} µs per request")
                : string.Create(CultureInfo.InvariantCulture,
                    $"CPU per request: service {cpu * 1e6 / requests:F0} µs ({cpu:F1} s in {wall:F1} s), clients {clients.CpuSeconds * 1e6 / requests:F0} µs ({clients.CpuSeconds:F1} s in {seconds:F1} s), on {Environment.ProcessorCount} cores"));
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

    /// <summary>
    /// This process's CPU time, the time and the writer's head and count of commands decided, read when the clients
    /// say the measured window opens (<see cref="LoadClients.Measuring"/>) and closes (<see cref="LoadClients.Done"/>).
    /// </summary>
    private sealed class CpuWindow(Process process, Func<(long Head, long Decided)> writer)
    {
        private TimeSpan _cpuAtStart;
        private long _startedAt;

        public double Cpu { get; private set; }

        public double Seconds { get; private set; }

        public (long Head, long Decided) WriterAtStart { get; private set; }

        public (long Head, long Decided) WriterAtEnd { get; private set; }

        public void Phase(string phase)
        {
            process.Refresh();
            if (phase == LoadClients.Measuring)
            {
                (_cpuAtStart, _startedAt, WriterAtStart) = (process.TotalProcessorTime, Stopwatch.GetTimestamp(), writer());
            }
            else if (phase == LoadClients.Done)
            {
                (Cpu, Seconds, WriterAtEnd) = ((process.TotalProcessorTime - _cpuAtStart).TotalSeconds, Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, writer());
            }
        }
    }
}
