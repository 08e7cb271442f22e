
namespace Ballast.Cli.Tests;

/// <summary>Runs the CLI in-process and captures both streams.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);

internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Ballast.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>The shared market data folder beside the repository (../shared/data), or null when absent.</summary>
    public static string? SharedData()
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "data"));
        return Directory.Exists(path) ? path : null;
    }
}

/// <summary>A temporary directory deleted at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ballast-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
