using System.Diagnostics;

namespace Ballast.Cli.Commands;

/// <summary>
/// Phase times of one command on stderr, for profiling the whole process: with the environment variable
/// <c>BALLAST_TRACE_PHASES=1</c>, each <see cref="Mark"/> writes <c>phase NAME: W ms wall, C ms CPU, J ms JIT (M methods)</c>
/// (since the previous mark; the first since the process started; JIT: the time spent compiling methods not
/// precompiled by ReadyToRun, on every thread, and how many). Without it, marks do nothing. Timings never reach stdout.
/// </summary>
internal sealed class PhaseTimer
{
    /// <summary>The environment variable that turns the phase times on (value <c>1</c>).</summary>
    public const string Variable = "BALLAST_TRACE_PHASES";

    private readonly TextWriter? _error;
    private DateTime _wall;
    private TimeSpan _cpu;
    private TimeSpan _jit;
    private long _jitted;

    private PhaseTimer(TextWriter? error)
    {
        _error = error;
        if (error is not null)
        {
            using var process = Process.GetCurrentProcess();
            _wall = process.StartTime.ToUniversalTime();
        }
    }

    /// <summary>A timer writing to <paramref name="error"/> when the environment variable <see cref="Variable"/> is <c>1</c>; otherwise one that does nothing.</summary>
    public static PhaseTimer For(TextWriter error) => For(error, Environment.GetEnvironmentVariable(Variable));

    /// <summary>A timer writing to <paramref name="error"/> when <paramref name="setting"/> (the variable's value) is <c>1</c>; otherwise one that does nothing.</summary>
    public static PhaseTimer For(TextWriter error, string? setting) => new(setting == "1" ? error : null);

    /// <summary>Ends phase <paramref name="name"/>: writes its wall and CPU time since the previous mark.</summary>
    public void Mark(string name)
    {
        if (_error is null)
        {
            return;
        }

        var wall = DateTime.UtcNow;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        _error.WriteLine($"phase {name}: {(wall - _wall).TotalMilliseconds:F0} ms wall, {(cpu - _cpu).TotalMilliseconds:F0} ms CPU, {(jit - _jit).TotalMilliseconds:F0} ms JIT ({jitted - _jitted} methods)");
        _wall = wall;
        _cpu = cpu;
        _jit = jit;
        _jitted = jitted;
    }
}
