using Ballast.Cli.Commands;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>BALLAST_TRACE_PHASES=1</c>: the backtest's phase times on stderr, stdout unchanged.</summary>
public sealed class PhaseTimerTests
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        policies:
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
        """;

    [Fact]
    public void Timer_WritesOneLinePerMark_OnlyWhenTheVariableIsOne()
    {
        using var on = new StringWriter();
        var timer = PhaseTimer.For(on, "1");
        timer.Mark("spec");
        timer.Mark("run");
        Assert.Matches(@"^phase spec: \d+ ms wall, \d+ ms CPU, \d+ ms JIT \(\d+ methods\)\r?\nphase run: \d+ ms wall, \d+ ms CPU, \d+ ms JIT \(\d+ methods\)\r?\n$", on.ToString());

        foreach (var setting in new[] { null, string.Empty, "0", "yes" })
        {
            using var off = new StringWriter();
            PhaseTimer.For(off, setting).Mark("spec");
            Assert.Equal(string.Empty, off.ToString());
        }
    }

    [Fact]
    public async Task Backtest_WithTheVariable_PrintsEveryPhaseToStderr_AndTheSameStdout()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", string.Join('\n', new[] { "Date,A,B" }.Concat(Enumerable.Range(0, 300).Select(i => FormattableString.Invariant($"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{100 * Math.Exp(0.3 * Math.Sin(i / 20.0)):0.######},{100 + (0.1 * i):0.######}")))) + "\n");
        var inProcess = CliRunner.Run("backtest", spec, "--data", data, "--json");
        Assert.Equal(0, inProcess.ExitCode);

        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ballast.dll"), "backtest", spec, "--data", data, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[PhaseTimer.Variable] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(inProcess.Out, await stdout);
        var phases = (await stderr).Split('\n').Where(l => l.StartsWith("phase ", StringComparison.Ordinal)).Select(l => l[6..l.IndexOf(':', StringComparison.Ordinal)]);
        Assert.Equal(["start-up", "spec", "data", "compile", "run", "analysis", "output"], phases);
    }
}
