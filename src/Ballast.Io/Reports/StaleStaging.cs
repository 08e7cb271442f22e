using System.Globalization;

namespace Ballast.Io.Reports;

/// <summary>
/// Staging directories left beside an output directory by runs that were killed (<c>kill -9</c>, a power cut) before
/// they could delete their own: <c>.NAME.staging-PID</c> (and <c>.NAME.previous-PID</c>, the replaced directory
/// renamed aside) whose process is gone. A later run for the same target removes them, so killed runs do not pile up
/// copies of a large result set; one whose process is still running (another run writing the same target) is left alone.
/// </summary>
internal static class StaleStaging
{
    /// <summary>The staging directory of process <paramref name="processId"/> for <paramref name="target"/> (a full path).</summary>
    public static string For(string target, int processId)
    {
        var (parent, name) = Split(target);
        return Path.Combine(parent, $".{name}.staging-{processId}");
    }

    /// <summary>Where process <paramref name="processId"/> puts the directory it replaces, between its two renames.</summary>
    public static string PreviousFor(string target, int processId)
    {
        var (parent, name) = Split(target);
        return Path.Combine(parent, $".{name}.previous-{processId}");
    }

    /// <summary>Deletes the staging and previous directories for <paramref name="target"/> of processes that no longer run.</summary>
    public static void Remove(string target)
    {
        var (parent, name) = Split(target);
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var prefix in new[] { $".{name}.staging-", $".{name}.previous-" })
        {
            foreach (var directory in Directory.EnumerateDirectories(parent, prefix + "*"))
            {
                var suffix = Path.GetFileName(directory)[prefix.Length..];
                if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && !ProcessLiveness.IsRunning(pid))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// Puts a copy of <paramref name="entry"/> (a file, a directory tree or a symbolic link, copied as a link) at
    /// <paramref name="destination"/> without touching it.
    /// </summary>
    public static void Carry(FileSystemInfo entry, string destination)
    {
        if (entry.LinkTarget is { } link)
        {
            if (entry is DirectoryInfo)
            {
                Directory.CreateSymbolicLink(destination, link);
            }
            else
            {
                File.CreateSymbolicLink(destination, link);
            }
        }
        else if (entry is DirectoryInfo directory)
        {
            Directory.CreateDirectory(destination);
            foreach (var child in directory.EnumerateFileSystemInfos())
            {
                Carry(child, Path.Combine(destination, child.Name));
            }
        }
        else
        {
            File.Copy(entry.FullName, destination);
        }
    }

    private static (string Parent, string Name) Split(string target)
    {
        var trimmed = target.TrimEnd(Path.DirectorySeparatorChar);
        return (Path.GetDirectoryName(trimmed) ?? trimmed, Path.GetFileName(trimmed));
    }
}
