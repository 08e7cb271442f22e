using System.Diagnostics;
using System.Runtime;

namespace Ballast.Benchmarks;

/// <summary>
/// The runtime settings the load runs the service on. <c>ballast serve</c> (src/Ballast.Cli) runs with server GC and
/// without tiered compilation; this program, a BenchmarkDotNet host, has the defaults (workstation GC, tiered
/// compilation with PGO). Under load on the 2-core machine the defaults cost the service about twice the CPU per
/// command (docs/service.md, "Throughput": the JIT's tier-1 recompilation and its instrumented tier), so the load
/// mode starts itself again with <c>DOTNET_gcServer=1</c> and <c>DOTNET_TieredCompilation=0</c> unless it already
/// runs so or is told <c>--runtime as-is</c>. The clients' child process inherits the same settings.
/// </summary>
public static class LoadRuntime
{
    private const string Marker = "BALLAST_LOAD_RUNTIME";

    /// <summary>Server GC on and tiered compilation off, as in <c>ballast serve</c>.</summary>
    public static bool IsServe => GCSettings.IsServerGC && !TieredCompilation;

    /// <summary>Whether tiered compilation is on in this process (the environment's <c>DOTNET_TieredCompilation</c>, else the runtime configuration's switch).</summary>
    public static bool TieredCompilation => Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") is { } set
        ? set != "0"
        : AppContext.TryGetSwitch("System.Runtime.TieredCompilation", out var on) ? on : true;

    /// <summary>What this process runs on, for the report's first line.</summary>
    public static string Describe() => $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, tiered compilation {(TieredCompilation ? "on" : "off")}";

    /// <summary>
    /// Runs <c>load <paramref name="args"/></c> again in a child process on <c>ballast serve</c>'s runtime settings,
    /// passing its output through, and returns its exit code; null when this process should run the load itself
    /// (already so, told <c>--runtime as-is</c>, or already the restarted one).
    /// </summary>
    public static async Task<int?> RestartAsServeAsync(LoadOptions options, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(args);
        if (!options.AsServe || IsServe || Environment.GetEnvironmentVariable(Marker) is not null)
        {
            return null;
        }

        var self = Environment.ProcessPath ?? throw new InvalidOperationException("this program's path is unknown");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LoadRuntime).Assembly.Location);
        }

        start.ArgumentList.Add("load");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["DOTNET_TieredCompilation"] = "0";
        start.Environment[Marker] = "serve";
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self}");
        await child.WaitForExitAsync().ConfigureAwait(false);
        return child.ExitCode;
    }
}
