using System.Diagnostics;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// <c>ballast backtest --out</c> attacked: odd targets, bad option values, and a run killed with SIGKILL in the middle
/// of a large sweep, which must leave no result directory and nothing a later run trips over or keeps forever.
/// </summary>
public sealed class AdversarialOutputTests
{
    [Theory]
    [InlineData("", "error: '' (--out): is empty; name the directory to write the results into")]
    [InlineData("   ", "error: '' (--out): is empty; name the directory to write the results into")]
    public void Out_Empty_ExitsTwo_NotAnInternalError(string value, string expected)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(100)), "--out", value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--outputs", "metrics,bogus", "error: --outputs 'metrics,bogus': 'bogus' is not an output")]
    [InlineData("--outputs", ",", "error: --outputs ',': '' is not an output")]
    [InlineData("--curves", "best:0", "error: --curves 'best:0': must be 'all' or 'best:K'")]
    [InlineData("--curves", "best:-1", "error: --curves 'best:-1': must be 'all' or 'best:K'")]
    [InlineData("--curves", "best:99999999999", "error: --curves 'best:99999999999': must be 'all' or 'best:K'")]
    [InlineData("--format", "", "error: --format '': '' is not a format")]
    public void Out_BadOptionValues_ExitTwoAndWriteNothing(string option, string value, string expected)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(100)), "--out", dir.File("o"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("o")));
    }

    [Fact]
    public void Out_BestKAboveThePolicyCount_WritesEveryPolicy()
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(100)), "--out", dir.File("o"), "--curves", "best:100000", "--outputs", "equity");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("date,monthly,monthly-again,wide-band,band,buy-and-hold", File.ReadLines(Path.Combine(dir.File("o"), "equity.csv")).First());
    }

    [Fact]
    public void Out_NotWritable_ExitsTwoNamingTheDirectory()
    {
        using var dir = new TempDir();
        var file = dir.Write("a-file", "x");

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(100)), "--out", Path.Combine(file, "sub"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(file, "sub")} (--out): cannot write the results there", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_KilledMidRun_LeavesNoResultDirectory_AndTheNextRunCleansUpAndSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var spec = dir.Write("big.yaml", AdversarialData.SixtyForty + "sweep:\n  band: { path: trigger.drift.absolute, range: { from: 0.001, to: 0.2, step: 0.001 } }\n  cost: { path: costs.proportional_bps, range: { from: 0, to: 49, step: 1 } }\n");
        var data = dir.Write("p.csv", AdversarialData.Wavy(600));
        var target = dir.File("out");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ballast.dll"), "backtest", spec, "--data", data, "--out", target, "--curves", "all" })
        {
            start.ArgumentList.Add(arg);
        }

        using (var process = Process.Start(start)!)
        {
            // Drain both pipes: a child blocked on a full pipe would never reach its staging directory.
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => errors.Enqueue(e.Data ?? string.Empty);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // Kill once the run has started writing into its staging directory (bounded wait).
            var staged = Path.Combine(dir.Path, $".out.staging-{process.Id}");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!(Directory.Exists(staged) && Directory.EnumerateFiles(staged).Any(f => new FileInfo(f).Length > 0)) && DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(20, ct);
            }

            Assert.False(process.HasExited, "the run ended before it could be killed: " + string.Join('\n', errors));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
            Assert.True(Directory.Exists(staged), "the killed run's staging directory is where the test looks for it");
        }

        Assert.False(Directory.Exists(target), "a killed run left a result directory in place");

        var rerun = CliRunner.Run("backtest", dir.Write("small.yaml", AdversarialData.FourPolicies), "--data", data, "--out", target);

        Assert.Equal(0, rerun.ExitCode);
        Assert.True(File.Exists(Path.Combine(target, "metrics.json")));
        Assert.Equal(["big.yaml", "out", "p.csv", "small.yaml"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Out_AStagingDirectoryOfALiveProcess_IsLeftAlone()
    {
        using var dir = new TempDir();
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var running = Directory.CreateDirectory(Path.Combine(dir.Path, $".out.staging-{other.Id}")).FullName;
            var notOurs = Directory.CreateDirectory(Path.Combine(dir.Path, ".out.staging-notapid")).FullName;

            var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(100)), "--out", dir.File("out"));

            Assert.Equal(0, result.ExitCode);
            Assert.True(Directory.Exists(running), "the staging directory of a running process was removed");
            Assert.True(Directory.Exists(notOurs), "a directory not named .out.staging-PID was removed");
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }
}
