using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;

namespace Ballast.Io.Storage;

/// <summary>
/// Builds a new journal so that a build that fails writes nothing. For SQLite the journal is built in a temporary
/// file beside the destination (<c>.NAME.PID.staging</c>) and renamed onto it only when the build returns; if the
/// build throws, the temporary file is deleted and the destination is as it was (absent, an empty file, or an empty
/// journal). PostgreSQL has no file to rename: there the journal is written in place, so callers check all they can
/// before the first event (as <c>ballast sim</c> does: the whole scenario is validated when it is loaded).
/// </summary>
public static class StagedJournal
{
    private static readonly string[] SideFiles = ["-wal", "-shm", "-journal"];

    /// <summary>The name of the temporary file a SQLite journal for <paramref name="path"/> is built in.</summary>
    public static string StagingPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.staging");
    }

    /// <summary>
    /// Runs <paramref name="build"/> on a new, empty journal for <paramref name="location"/> and returns its result;
    /// for a SQLite location the journal appears at the destination only if <paramref name="build"/> returns.
    /// </summary>
    /// <exception cref="BallastInputException">The SQLite destination exists and is not an empty journal.</exception>
    public static async Task<T> BuildAsync<T>(string location, Func<IJournalStore, Task<T>> build)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(build);
        if (JournalStores.SqlitePath(location) is not { } path)
        {
            using var store = JournalStores.Open(location);
            return await build(store).ConfigureAwait(false);
        }

        var full = Path.GetFullPath(path);
        var replace = CheckDestination(full);
        var directory = Path.GetDirectoryName(full)!;
        var createdDirectory = !Directory.Exists(directory);
        var staging = StagingPath(full);
        try
        {
            Directory.CreateDirectory(directory);
            RemoveOrphans(full);
            DeleteDatabase(staging);
            T result;
            using (var store = new SqliteJournalStore(staging))
            {
                result = await build(store).ConfigureAwait(false);
            }

            // The connection is closed (no pooling), so SQLite has checkpointed its WAL into the file: one file to move.
            DeleteDatabase(full, sideFilesOnly: true);
            File.Move(staging, full, overwrite: replace);
            return result;
        }
        catch
        {
            DeleteDatabase(staging);
            if (createdDirectory && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes the staging files of builds for <paramref name="path"/> whose process is gone (killed before it could
    /// clean up). A staging file whose process id is running is kept: it may be a build in progress (or a reused id:
    /// keeping a stale file is harmless, deleting a live build's file is not).
    /// </summary>
    private static void RemoveOrphans(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        var prefix = $".{Path.GetFileName(path)}.";
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*.staging"))
        {
            var pidText = Path.GetFileName(file)[prefix.Length..^".staging".Length];
            if (int.TryParse(pidText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && !ProcessLiveness.IsRunning(pid))
            {
                DeleteDatabase(file);
            }
        }
    }

    /// <summary>Whether the destination exists and may be replaced (an empty file, or a journal without events); refuses anything else.</summary>
    private static bool CheckDestination(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return false;
        }

        if (file.Length == 0)
        {
            return true;
        }

        // Reading a WAL database creates its side files; those this check creates, it removes.
        var created = SideFiles.Select(suffix => path + suffix).Where(side => !File.Exists(side)).ToList();
        long events;
        try
        {
            // Read-only: a file that is not an empty journal is left exactly as it is.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM journal_events";
            events = (long)command.ExecuteScalar()!;
        }
        catch (SqliteException e)
        {
            throw new BallastInputException(new InputLocation(path), $"the file exists and is not a journal ({e.Message}); a new journal needs a new file");
        }
        finally
        {
            foreach (var side in created.Where(side => new FileInfo(side) is { Exists: true } f && (f.Length == 0 || side.EndsWith("-shm", StringComparison.Ordinal))))
            {
                File.Delete(side);
            }
        }

        return events == 0
            ? true
            : throw new BallastInputException(new InputLocation(path), $"the journal is not empty ({events} events): a new journal needs a new file (or an empty one)");
    }

    /// <summary>Deletes a SQLite database file and its side files (write-ahead log, shared memory, rollback journal).</summary>
    private static void DeleteDatabase(string path, bool sideFilesOnly = false)
    {
        if (!sideFilesOnly)
        {
            File.Delete(path);
        }

        foreach (var suffix in SideFiles)
        {
            File.Delete(path + suffix);
        }
    }
}
