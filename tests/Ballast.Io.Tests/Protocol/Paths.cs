namespace Ballast.Io.Tests.Protocol;

internal static class Paths
{
    public static string RepoRoot { get; } = Find();

    /// <summary>../shared/data beside the repository, or null when absent (tests then skip with a message).</summary>
    public static string? SharedData => Directory.Exists(Path.Combine(RepoRoot, "..", "shared", "data")) ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data")) : null;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
