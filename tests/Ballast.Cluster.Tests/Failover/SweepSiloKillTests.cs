using System.Diagnostics;
using System.Text.RegularExpressions;
using Ballast.Cli.Tests.Service;
using Ballast.Io;
using Ballast.Synthesis;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// <c>ballast backtest SPEC --data FILE --json --cluster NAME --db postgres:...</c> on two real
/// <c>ballast serve --cluster</c> processes, one of them killed (-9) while the sweep is in flight: the silo has spent
/// CPU on batches since the client started, and the client has not finished. The client's stdout (metrics.json) is the
/// local run's, byte for byte, and its report says batches were retried. (With <c>--out</c> instead of <c>--json</c>, a
/// sweep of more batches than the client's window does not finish, kill or no kill: left to the sweep's owners.)
/// </summary>
[Collection(RealProcesses.Name)]
public sealed partial class SweepSiloKillTests : IDisposable
{
    /// <summary>
    /// 40 bands × 400 costs: 16,000 policies and their buy-and-hold twins, on eight years of five synthetic strategies.
    /// Large enough that a silo cannot finish its share before it has spent the 1.5 s of CPU that triggers the kill: with
    /// 6,000 policies and the faster engine, CI once saw the sweep end as the silo reached it.
    /// </summary>
    private const string Spec = """
        name: sweep-kill
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        periods_per_year: 252
        weights: { scheme: fixed, targets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.1 } }
        trigger: { drift: { absolute: 0.05 }, check: daily }
        sweep:
          band: { path: trigger.drift.absolute, range: { from: 0.0025, to: 0.1, step: 0.0025 } }
          cost: { path: costs.proportional_bps, range: { from: 0, to: 399, step: 1 } }
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ballast-sweep-kill-" + Guid.NewGuid().ToString("N"));

    public SweepSiloKillTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task KillingASiloProcess_MidSweep_ChangesNotAByteOfTheClientsOutput()
    {
        await using var database = await TestDatabase.CreateAsync();
        var journal = "postgres:" + database.ConnectionString;
        var spec = Path.Combine(_dir, "sweep.yaml");
        var data = Path.Combine(_dir, "data.csv");
        await File.WriteAllTextAsync(spec, Spec, Cancel);
        using (var csv = new StreamWriter(data))
        {
            PriceTableCsv.Write(StrategySynthesizer.Generate(5, 8, seed: 42), csv);
        }

        var clock = Stopwatch.StartNew();
        var local = await RunToEndAsync(Start("backtest", spec, "--data", data, "--json"));
        Assert.True(local.ExitCode == 0, $"local run: exit {local.ExitCode}\n{local.Error}");
        var localTime = clock.Elapsed;

        var silos = new List<ServeProcess>();
        var siloPorts = new List<int>();
        Process? client = null;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                siloPorts.Add(TestDatabase.FreePort());
                silos.Add(await ServeProcess.StartAsync(
                    ["--cluster", "sweep-kill", "--db", journal, "--no-keeper", "--silo-port", $"{siloPorts[i]}", "--gateway-port", $"{TestDatabase.FreePort()}"], Cancel));
            }

            var victim = SiloPid(siloPorts[1]);
            var before = CpuSeconds(victim);
            clock.Restart();
            client = Start("backtest", spec, "--data", data, "--json", "--cluster", "sweep-kill", "--db", journal);
            var output = client.StandardOutput.ReadToEndAsync(Cancel);
            var error = client.StandardError.ReadToEndAsync(Cancel);

            // Mid-flight: the silo to be killed has run batches for a while (1.5 s of CPU since the client started:
            // the client joining and the silo binding the spec take some, and a silo killed while the client joins
            // leaves the client waiting for its call's timeout), and the client has not finished.
            while (CpuSeconds(victim) - before < 1.5)
            {
                if (client.HasExited)
                {
                    Assert.Fail($"the client finished before a silo could be killed mid-sweep:\n{await error}");
                }

                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the client wrote nothing for 3 minutes");
                await Task.Delay(50, Cancel);
            }

            var killedAt = clock.Elapsed;
            var spent = CpuSeconds(victim) - before;
            await silos[1].KillAsync();
            if (client.HasExited)
            {
                Assert.Fail($"the client had finished when the silo died ({killedAt.TotalSeconds:F1} s, silo CPU {spent:F2} s):\n{await error}");
            }


            // A batch in flight on the killed silo is answered by no one: the client takes it for stalled and sends it
            // again (ClusterSweepOptions.StallTimeout: 15 s, or 8 times the slowest batch so far), well before the
            // 5-minute CallTimeout.
            await client.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromMinutes(4), Cancel);
            var (stdout, stderr) = (await output, await error);
            Assert.True(client.ExitCode == 0, $"cluster run: exit {client.ExitCode}\n{stderr}");
            TestContext.Current.TestOutputHelper?.WriteLine($"sweep kill: local run {localTime.TotalSeconds:F1} s; cluster run {clock.Elapsed.TotalSeconds:F1} s, silo killed at {killedAt.TotalSeconds:F1} s; {stderr.Trim()}");

            Assert.True(local.Output.Length > 1_000_000 && local.Output == stdout, $"the cluster run's metrics.json ({stdout.Length} chars) differs from the local run's ({local.Output.Length} chars)");

            // The kill hit batches in flight: they were sent again to the surviving silo.
            var retried = Retried().Match(stderr);
            Assert.True(retried.Success && int.Parse(retried.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"no batch was retried: {stderr}");
        }
        finally
        {
            if (client is { HasExited: false })
            {
                client.Kill(entireProcessTree: true);
            }

            client?.Dispose();
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The process id of the <c>ballast serve</c> process given <c>--silo-port <paramref name="siloPort"/></c>.</summary>
    private static int SiloPid(int siloPort)
    {
        const string port = "--silo-port";
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId)
            {
                try
                {
                    var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                    var at = Array.IndexOf(args, port);
                    if (at > 0 && args.Contains("serve") && args[at + 1] == $"{siloPort}")
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        throw new InvalidOperationException("the silo's process was not found in /proc");
    }

    /// <summary>User and system CPU time of process <paramref name="pid"/> so far, in seconds (/proc/PID/stat).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command's closing parenthesis: state is field 3, utime 14 and stime 15 (clock ticks, 100 a second).
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Starts <c>ballast ARGS</c> (the ballast.dll beside the tests), stdout and stderr redirected.</summary>
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ballast.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(Process process)
    {
        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(Cancel);
                var error = process.StandardError.ReadToEndAsync(Cancel);
                await process.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromMinutes(5), Cancel);
                return (process.ExitCode, await output, await error);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    [GeneratedRegex(@"(\d+) retried")]
    private static partial Regex Retried();
}
