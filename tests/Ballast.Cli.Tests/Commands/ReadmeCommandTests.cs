using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// The README's commands run as the README writes them, so a stale command (a file a fresh clone does not have, an
/// option that changed, a placeholder such as <c>[ID]</c>) fails here instead of in a new user's shell. Lines are
/// read from the README's <c>sh</c> blocks; <c>ballast</c> and <c>dotnet run --project src/Ballast.Cli --</c> are
/// stripped; paths under <c>samples/</c> and <c>../shared/</c> resolve against the repository, every other file
/// argument (the journal, the synthesised data) lands in a temporary folder.
/// </summary>
public sealed class ReadmeCommandTests : IDisposable
{
    private const string CliPrefix = "dotnet run --project src/Ballast.Cli --";
    private static readonly Regex ShellBlock = new(@"```sh\n(.*?)```", RegexOptions.Singleline);
    private static readonly Regex FileArgument = new(@"\.(db|csv|yaml|yml|json)$");
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>The README's simulation and its governance flow on <c>sim-demo.db</c>, in README order.</summary>
    [Fact]
    public void GovernanceFlow_OnTheSimJournal_RunsAsWritten()
    {
        var lines = ReadmeCommandLines().Where(l => l.Contains("sim-demo.db", StringComparison.Ordinal) || l.Contains("sim-data.csv", StringComparison.Ordinal)).ToList();
        foreach (var expected in new[] { "sim samples/scenarios/sim-demo.yaml", "gov init", "gov mint", "gov lock", "data synth", "gov propose", "gov vote", "gov queue", "gov execute", "gov status", "gov gauges", "verify sim-demo.db" })
        {
            Assert.True(lines.Any(l => l.StartsWith(expected, StringComparison.Ordinal)), $"the README no longer shows '{expected}' on sim-demo.db:\n{string.Join('\n', lines)}");
        }

        var outputs = new List<(string Line, CliResult Result)>();
        foreach (var line in lines)
        {
            var result = CliRunner.Run(Arguments(line));
            Assert.True(result.ExitCode == 0, $"README: ballast {line}\nexit {result.ExitCode}\n{result.Out}\n{result.Error}");
            outputs.Add((line, result));
        }

        string Out(string prefix) => outputs.Last(o => o.Line.StartsWith(prefix, StringComparison.Ordinal)).Result.Out;

        Assert.Contains("evidence of proposal 1 action 1: verified", Out("gov propose"), StringComparison.Ordinal);
        Assert.Contains("proposal 1 executed", Out("gov execute"), StringComparison.Ordinal);
        Assert.Contains("vault demo-mix now follows policy ", Out("gov execute"), StringComparison.Ordinal);
        Assert.Contains("gauge demo-mix added", Out("gov execute"), StringComparison.Ordinal);
        var detail = outputs.Single(o => o.Line.StartsWith("gov status 1 ", StringComparison.Ordinal)).Result.Out;
        Assert.StartsWith("proposal 1: Executed", detail, StringComparison.Ordinal);
        Assert.Contains("evidence: verified", detail, StringComparison.Ordinal);
        var json = outputs.Single(o => o.Line.StartsWith("gov status ", StringComparison.Ordinal) && o.Line.Contains("--json", StringComparison.Ordinal)).Result.Out;
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal("Executed", doc.RootElement.GetProperty("proposals")[0].GetProperty("state").GetString());
        }

        Assert.Contains("gauges at ", Out("gov gauges"), StringComparison.Ordinal);
        var verify = Out("verify sim-demo.db --data");
        Assert.StartsWith("verified: ", verify, StringComparison.Ordinal);
        Assert.Contains("covered: events 1..", verify, StringComparison.Ordinal);
    }

    /// <summary>The README's commands that need nothing but the repository's own files run as written.</summary>
    [Fact]
    public void SampleOnlyCommands_RunAsWritten()
    {
        var lines = ReadmeCommandLines()
            .Where(l => l.StartsWith("spec ", StringComparison.Ordinal) || l.StartsWith("weights --covariance ", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(3, lines.Count);
        foreach (var line in lines)
        {
            var result = CliRunner.Run(Arguments(line));
            Assert.True(result.ExitCode == 0, $"README: ballast {line}\nexit {result.ExitCode}\n{result.Out}\n{result.Error}");
        }
    }

    /// <summary>
    /// The README's <c>serve</c> lines run as written, as a real process (the service runs until stopped): on any free
    /// port instead of the README's (tests run side by side) and on a journal in the test's folder; it prints its
    /// address and the demo keys, answers <c>/health</c> and <c>/api/vaults</c>, passes the README's
    /// <c>verify URL</c> lines (at its real address, <c>$HEAD</c> the head the first printed) while it runs, and stops
    /// cleanly on SIGTERM.
    /// </summary>
    [Fact]
    public async Task Serve_Demo_StartsAnswersAndStops()
    {
        // The cluster's serve lines need PostgreSQL and run in tests/Ballast.Cluster.Tests (ReadmeClusterTests).
        var lines = ReadmeCommandLines().Where(l => l.StartsWith("serve ", StringComparison.Ordinal) && !l.Contains("--cluster", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        var args = Arguments(lines[0]).ToList();
        var urls = args.IndexOf("--urls");
        Assert.True(urls >= 0, "the README's serve line names its address with --urls");
        args[urls + 1] = "http://127.0.0.1:0";
        args.AddRange(["--db", "sqlite:" + _dir.File("serve-demo.db")]);
        var ballast = Path.Combine(AppContext.BaseDirectory, "ballast.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ballast);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data is { } line && Regex.Match(line, @"listening on (http://\S+)") is { Success: true } m)
            {
                listening.TrySetResult(m.Groups[1].Value.TrimEnd(','));
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            var vaults = await client.GetStringAsync("/api/vaults", TestContext.Current.CancellationToken);
            Assert.Contains("\"demo-mix\"", vaults, StringComparison.Ordinal);
            lock (output)
            {
                Assert.Matches(@"alice\s+investor,voter\s+bk_", output.ToString());
            }

            // The README's verify lines against the running demo: the first prints the head, the second expects it ($HEAD).
            var verifyLines = ReadmeCommandLines().Where(l => l.StartsWith("verify http", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, verifyLines.Count);
            string? head = null;
            foreach (var line in verifyLines)
            {
                var verifyArgs = Arguments(line).Select(a => a.StartsWith("http://", StringComparison.Ordinal) ? address : a == "$HEAD" ? head ?? throw new InvalidOperationException("$HEAD before a head was printed") : a).ToArray();
                var result = await Task.Run(() => CliRunner.Run(verifyArgs), TestContext.Current.CancellationToken);
                Assert.True(result.ExitCode == 0, $"README: ballast {line}\nexit {result.ExitCode}\n{result.Out}\n{result.Error}");
                head = Regex.Match(result.Out, @"^head: (\S+)", RegexOptions.Multiline).Groups[1].Value;
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                using var term = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term!.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(stop.Token);
        }

        lock (output)
        {
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}");
            Assert.Contains("ballast serve: stopped", output.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Every <c>ballast</c> command line of the README's <c>sh</c> blocks, without the program name and comments.</summary>
    private static List<string> ReadmeCommandLines()
    {
        var readme = File.ReadAllText(Path.Combine(CliRunner.RepoRoot(), "README.md"));
        var lines = new List<string>();
        foreach (Match block in ShellBlock.Matches(readme))
        {
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var line = raw.Trim();
                var comment = line.IndexOf(" #", StringComparison.Ordinal);
                line = (comment >= 0 ? line[..comment] : line).Trim();
                if (line.StartsWith(CliPrefix + " ", StringComparison.Ordinal))
                {
                    lines.Add(line[(CliPrefix.Length + 1)..]);
                }
                else if (line.StartsWith("ballast ", StringComparison.Ordinal))
                {
                    lines.Add(line["ballast ".Length..]);
                }
            }
        }

        return lines;
    }

    private string[] Arguments(string line)
    {
        Assert.DoesNotContain(">", line, StringComparison.Ordinal);
        return [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Map)];
    }

    private string Map(string token)
    {
        if (token.StartsWith('-') || !token.Contains('.', StringComparison.Ordinal) || !FileArgument.IsMatch(token))
        {
            return token;
        }

        if (token.StartsWith("samples/", StringComparison.Ordinal))
        {
            return Path.Combine(CliRunner.RepoRoot(), token);
        }

        if (token.StartsWith("../shared/", StringComparison.Ordinal))
        {
            return Path.GetFullPath(Path.Combine(CliRunner.RepoRoot(), token));
        }

        return _dir.File(token);
    }
}
