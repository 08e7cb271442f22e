namespace Ballast.Io.Storage;

/// <summary>
/// When a SQLite journal's commit reaches the disk (SQLite's <c>PRAGMA synchronous</c>, in WAL mode;
/// https://sqlite.org/pragma.html#pragma_synchronous).
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// Every commit is synced to disk (an fsync of the WAL) before it returns: a committed write survives a process
    /// crash, an operating system crash and a power loss. The default.
    /// </summary>
    Full,

    /// <summary>
    /// Commits are written to the WAL but synced only at checkpoints: a committed write survives a process crash
    /// (kill -9: the WAL is in the operating system's cache and is replayed at the next open), but an operating
    /// system crash or a power loss can roll back the last commits before the latest checkpoint (never corrupting the
    /// file). Saves one fsync per commit.
    /// </summary>
    Normal,
}
