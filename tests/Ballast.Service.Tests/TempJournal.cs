using Ballast.Io.Protocol;
using Ballast.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Ballast.Service.Tests;

/// <summary>A SQLite journal in a fresh temporary folder, with an engine and a fake clock for a writer's tests; deleted on dispose.</summary>
internal sealed class TempJournal : IDisposable
{
    public TempJournal(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Location = "sqlite:" + Path.Combine(Dir, "journal.db");
    }

    /// <summary>The folder.</summary>
    public string Dir { get; }

    /// <summary>The journal, as <c>sqlite:FILE</c>.</summary>
    public string Location { get; }

    /// <summary>The protocol engine (spec policies, no evidence data).</summary>
    public ProtocolEngine Engine { get; } = new(SpecPolicyCompiler.Instance);

    /// <summary>A fake clock at 2024-01-02.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
    }
}
