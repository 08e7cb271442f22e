using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Ballast.Cli.Tests.Schemas;

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

    /// <summary>
    /// The README walk: every command of the README's <c>sh</c> blocks but <c>serve</c> and the <c>verify URL</c> lines
    /// (<see cref="Serve_Demo_StartsAnswersAndStops"/> runs those), in README order and exactly as written (a
    /// <c>&gt; FILE</c> redirection included), as a child process whose working directory is a scratch copy of the
    /// repository (its samples, README and .gitignore committed to a fresh git repository) with <c>../shared</c> beside
    /// it, as a fresh clone has. Each must succeed; the governance flow must adopt its policy on verified evidence;
    /// the metrics written must be valid for schemas/metrics.schema.json; and afterwards <c>git status</c> must show
    /// nothing new: every output lands in an ignored folder.
    /// </summary>
    [Fact]
    public void EveryCommand_RunsAsWrittenOnAFreshCopy_AndLeavesNothingUntracked()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the README's commands read it (CI always has it)");
        var repo = ScratchCopy(Path.GetDirectoryName(shared)!);
        var lines = ReadmeCommandLines().Where(l => !l.StartsWith("serve ", StringComparison.Ordinal) && !l.StartsWith("verify http", StringComparison.Ordinal)).ToList();
        foreach (var expected in new[] { "demo", "sim samples/scenarios/sim-demo.yaml", "gov init", "gov propose", "gov execute", "gov status", "journal show", "backtest", "weights --covariance", "spec ", "data synth" })
        {
            Assert.True(lines.Any(l => l.StartsWith(expected, StringComparison.Ordinal)), $"the README no longer shows '{expected}':\n{string.Join('\n', lines)}");
        }

        var outputs = new List<(string Line, CliResult Result)>();
        foreach (var line in lines)
        {
            var result = RunAsAUserWould(repo, line);
            Assert.True(result.ExitCode == 0, $"README: ballast {line}\nexit {result.ExitCode}\n{result.Out}\n{result.Error}");
            outputs.Add((line, result));
        }

        string Out(string prefix) => outputs.Last(o => o.Line.StartsWith(prefix, StringComparison.Ordinal)).Result.Out;

        Assert.Contains("evidence of proposal 1 action 1: verified", Out("gov propose"), StringComparison.Ordinal);
        Assert.Contains("proposal 1 executed", Out("gov execute"), StringComparison.Ordinal);
        Assert.Contains("vault demo-mix now follows policy ", Out("gov execute"), StringComparison.Ordinal);
        Assert.Contains("gauge demo-mix added", Out("gov execute"), StringComparison.Ordinal);
        Assert.Matches(@"gauge demo-mix: alice holds \d+\.\d{12} shares of the vault", Out("gov execute"));
        Assert.StartsWith("applied: command gov-init-governance-", Out("gov init"), StringComparison.Ordinal);
        Assert.Matches(@"\n  NAV +\d+\.\d{6} USD, \d+\.\d{12} shares\n", Out("sim samples/scenarios/sim-demo.yaml").ReplaceLineEndings("\n"));
        Assert.Matches(@"^ +\d+  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  rebalanced +.*nav_after \d+\.\d{6} USD", Out("journal show out/sim-demo.db"));
        var detail = outputs.Single(o => o.Line.StartsWith("gov status 1 ", StringComparison.Ordinal)).Result.Out;
        Assert.StartsWith("proposal 1: Executed", detail, StringComparison.Ordinal);
        Assert.Contains("evidence: verified", detail, StringComparison.Ordinal);
        var json = outputs.Single(o => o.Line.StartsWith("gov status ", StringComparison.Ordinal) && o.Line.Contains("--json", StringComparison.Ordinal)).Result.Out;
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal("Executed", doc.RootElement.GetProperty("proposals")[0].GetProperty("state").GetString());
        }

        Assert.Contains("gauges at ", Out("gov gauges"), StringComparison.Ordinal);
        var verify = Out("verify out/sim-demo.db --data");
        Assert.StartsWith("verified: ", verify, StringComparison.Ordinal);
        Assert.Contains("covered: events 1..", verify, StringComparison.Ordinal);

        // Every metrics file the walk wrote (redirected --json and --out directories) is valid for the published schema.
        var metrics = new[] { "out", "ballast-demo" }.SelectMany(d => Directory.GetFiles(Path.Combine(repo, d), "*.json", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(f) is "metrics.json" or "tested.json").ToList();
        Assert.True(metrics.Count >= 5, $"expected the README's metrics files under out/, found: {string.Join(", ", metrics)}");
        foreach (var file in metrics)
        {
            MetricsSchema.AssertValid(File.ReadAllText(file), file);
        }

        var status = Git(repo, "status", "--porcelain", "--untracked-files=all");
        Assert.True(status.Length == 0, $"running the README left files git would see:\n{status}");
        Assert.True(Directory.Exists(Path.Combine(repo, "out")) && Directory.Exists(Path.Combine(repo, "ballast-demo")), "the README's outputs land in out/ and ballast-demo/");
    }

    /// <summary>The commands of the README that name a file name every file that exists on a fresh clone or that an earlier README command writes.</summary>
    [Fact]
    public void EveryInputFileTheReadmeNames_IsShippedOrWrittenByAnEarlierCommand()
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ReadmeCommandLines())
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < tokens.Length; i++)
            {
                var token = tokens[i];
                var output = i > 0 && tokens[i - 1] is "--out" or ">" || (i > 0 && tokens[i - 1] == "--db" && tokens[0] == "sim");
                if (output)
                {
                    written.Add(token);
                    continue;
                }

                if (token.StartsWith('-') || token.StartsWith("../shared/", StringComparison.Ordinal) || !FileArgument.IsMatch(token))
                {
                    continue;
                }

                Assert.True(
                    written.Contains(token) || File.Exists(Path.Combine(CliRunner.RepoRoot(), token)),
                    $"README: ballast {line}\nnames '{token}', which neither the repository ships nor an earlier README command writes");
            }
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

    private static string[] Arguments(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A scratch copy of the repository as a fresh clone has it for the README's commands: samples/, README.md and
    /// .gitignore committed to a new git repository in the test's folder, with <c>shared</c> beside it (a link).
    /// </summary>
    private string ScratchCopy(string shared)
    {
        var repo = Path.Combine(_dir.Path, "repo");
        var root = CliRunner.RepoRoot();
        CopyDirectory(Path.Combine(root, "samples"), Path.Combine(repo, "samples"));
        foreach (var file in new[] { "README.md", ".gitignore" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(repo, file));
        }

        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "shared"), shared);
        Git(repo, "init", "--quiet");
        Git(repo, "add", "--all");
        Git(repo, "-c", "user.name=readme-walk", "-c", "user.email=readme-walk@localhost", "commit", "--quiet", "--message", "fresh clone");
        Assert.Equal(string.Empty, Git(repo, "status", "--porcelain", "--untracked-files=all"));
        return repo;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    /// <summary>One README line run as a user's shell would: the built <c>ballast</c> in <paramref name="repo"/>, stdout into the file after <c>&gt;</c> if any.</summary>
    private static CliResult RunAsAUserWould(string repo, string line)
    {
        var redirect = line.IndexOf(" > ", StringComparison.Ordinal);
        var command = redirect < 0 ? line : line[..redirect];
        var result = Process(repo, "dotnet", [Path.Combine(AppContext.BaseDirectory, "ballast.dll"), .. Arguments(command)]);
        if (redirect >= 0)
        {
            // As the shell does: the file is opened in the working directory, whose folder must exist.
            File.WriteAllText(Path.Combine(repo, line[(redirect + 3)..].Trim()), result.Out);
        }

        return result;
    }

    private static string Git(string repo, params string[] args)
    {
        var result = Process(repo, "git", args);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Error}");
        return result.Out;
    }

    private static CliResult Process(string directory, string program, IEnumerable<string> args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CliResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
