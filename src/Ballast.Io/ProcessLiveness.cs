namespace Ballast.Io;

/// <summary>Whether a process id names a running process: what decides that a staging file or directory left by a killed run may be deleted.</summary>
internal static class ProcessLiveness
{
    /// <summary>
    /// Whether process <paramref name="pid"/> is running. A reused id reads as running: keeping a stale staging file
    /// is harmless, deleting a live run's is not.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no process with this id
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
