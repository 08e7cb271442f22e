using Ballast.Io.Storage;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast projections rebuild</c> on the sample scenario's journal: the stored series are projected again, checkpointed at the head, and the journal is untouched.</summary>
public sealed class ProjectionsCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-projections-");

    [Fact]
    public async Task Rebuild_ChecksPointsTheSeriesAtTheHead_AndLeavesTheJournalVerifying()
    {
        var db = Path.Combine(_dir.FullName, "s.db");
        var sim = CliRunner.Run("sim", Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", "sim-demo.yaml"), "--db", db);
        Assert.True(sim.ExitCode == 0, sim.Error);
        const string head = "13095:5cfda00bd5672b9d765a054e2c89d1447a6b63eb3c5e4a457226a502fa8946c9";

        // Rows planted beforehand (a foreign projection) are dropped, not kept beside the rebuilt ones.
        using (var journal = JournalStores.Open(db))
        {
            var planted = new ProjectionRow("nav", "nowhere", 1, "{}");
            await ProjectionTables.Of(journal)!.SaveAsync(new ProjectionCheckpoint(default, ProjectionTables.Digest([planted]), 1), [planted], TestContext.Current.CancellationToken);
        }

        var rebuilt = CliRunner.Run("projections", "rebuild", "--db", "sqlite:" + db);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Error);
        Assert.StartsWith($"rebuilt the read model through {head}: ", rebuilt.Out, StringComparison.Ordinal);

        using (var journal = JournalStores.Open(db))
        {
            var tables = ProjectionTables.Of(journal)!;
            var checkpoint = await tables.CheckpointAsync(TestContext.Current.CancellationToken);
            var rows = await tables.RowsAsync(TestContext.Current.CancellationToken);
            Assert.Equal(head, checkpoint!.Through.ToString());
            Assert.Equal(rows.Count, checkpoint.Rows);
            Assert.Equal(checkpoint.RowsDigest, ProjectionTables.Digest(rows));
            Assert.DoesNotContain(rows, r => r.Vault == "nowhere");
        }

        var verify = CliRunner.Run("verify", db);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.Contains($"head: {head}", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Rebuild_WithoutDb_IsAUsageError()
    {
        var result = CliRunner.Run("projections", "rebuild");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--db", result.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
