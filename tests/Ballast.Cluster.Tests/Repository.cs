namespace Ballast.Cluster.Tests;

/// <summary>The repository the tests run from (its README, its .ci scripts).</summary>
internal static class Repository
{
    /// <summary>The folder holding Ballast.slnx, above the tests' output folder.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Ballast.slnx) above " + AppContext.BaseDirectory);
    }
}
