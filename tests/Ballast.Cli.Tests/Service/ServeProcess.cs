using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ballast.Cli.Tests.Service;

/// <summary>
/// <c>ballast serve</c> as a child process (<c>dotnet ballast.dll serve ...</c>) on a loopback port: started, its
/// address read from its output, killed (-9) or stopped (SIGTERM), its output kept for failure messages.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process) => _process = process;

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>ballast serve</c> with <paramref name="args"/> plus <c>--urls http://127.0.0.1:0</c> and waits (bounded) for its address.</summary>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ballast.dll"));
        start.ArgumentList.Add("serve");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        var serve = new ServeProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve._process.OutputDataReceived += (_, e) =>
        {
            serve.Append(e.Data);
            if (e.Data is { } line && Listening().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(m.Groups[1].Value.TrimEnd(','));
            }
        };
        serve._process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        try
        {
            var exited = serve._process.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
            Assert.True(first == listening.Task, $"ballast serve exited before listening:\n{serve.Output}");
            serve.Address = new Uri(await listening.Task);
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9: the process dies at once, whatever it was doing.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, then waits (bounded) for the process to stop.</summary>
    public async Task TerminateAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term!.WaitForExitAsync(CancellationToken.None);
        }

        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static Regex Listening() => ListeningLine;

    private static readonly Regex ListeningLine = new(@"listening on (http://\S+)", RegexOptions.CultureInvariant);
}
