using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;

namespace Ballast.Io.Tests.Storage;

/// <summary>A journal built through <see cref="StagedJournal"/> appears at its destination only when the build returns.</summary>
public sealed class StagedJournalTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-staged-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    /// <summary>Appends <paramref name="count"/> commands (assets) through a sequencer.</summary>
    private static long Append(IJournalStore store, int count)
    {
        var sequencer = BlockingJournal.Sequencer(store, new ProtocolEngine(SpecPolicyCompiler.Instance), new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(CommandStatus.Applied, sequencer.Submit(new CreateAsset($"asset-{i}", new AccountId("issuer"), new AssetSymbol($"A{i}"), 6)).Status);
        }

        return store.Head().Sequence;
    }

    [Fact]
    public async Task Build_ThrowsAfterAppending_LeavesNoJournalAndNoStagingFile()
    {
        var path = Path.Combine(_dir.FullName, "sub", "j.db");

        await Assert.ThrowsAsync<InvalidOperationException>(() => StagedJournal.BuildAsync<long>(path, store =>
        {
            Assert.True(Append(store, 50) > 0);
            Assert.True(File.Exists(StagedJournal.StagingPath(path)));
            throw new InvalidOperationException("fails part way");
        }));

        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "sub")), "the directory the build created is left behind");
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    /// <summary>
    /// A build killed before it cleaned up (kill -9) leaves <c>.NAME.PID.staging</c> behind: the next build for the
    /// same destination deletes it (with its side files) when that process is gone, and keeps one whose process runs.
    /// </summary>
    [Fact]
    public async Task Build_RemovesTheStagingFilesOfBuildsWhoseProcessIsGone()
    {
        var path = Path.Combine(_dir.FullName, "j.db");
        int gone;
        using (var exited = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            await exited.WaitForExitAsync(TestContext.Current.CancellationToken);
            gone = exited.Id;
        }

        var orphan = Path.Combine(_dir.FullName, $".j.db.{gone}.staging");
        var live = Path.Combine(_dir.FullName, ".j.db.1.staging"); // pid 1 always runs
        var other = Path.Combine(_dir.FullName, $".other.db.{gone}.staging"); // another destination's: not ours to judge
        foreach (var file in new[] { orphan, orphan + "-wal", live, other })
        {
            await File.WriteAllTextAsync(file, "left by a killed build", TestContext.Current.CancellationToken);
        }

        await StagedJournal.BuildAsync(path, store => Task.FromResult(Append(store, 3)));

        Assert.False(File.Exists(orphan), "the orphaned staging file is still there");
        Assert.False(File.Exists(orphan + "-wal"), "the orphan's side file is still there");
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Build_Returns_MovesTheWholeJournalIntoPlace()
    {
        var path = Path.Combine(_dir.FullName, "j.db");

        var head = await StagedJournal.BuildAsync("sqlite:" + path, store => Task.FromResult(Append(store, 50)));

        using var reopened = new SqliteJournalStore(path);
        Assert.Equal(head, reopened.Head().Sequence);
        Assert.Equal(head, reopened.Read().Count());
        Assert.False(File.Exists(StagedJournal.StagingPath(path)));
    }

    [Fact]
    public async Task Build_OverAJournalWithEvents_IsRefusedAndTheJournalUnchanged()
    {
        var path = Path.Combine(_dir.FullName, "j.db");
        var events = await StagedJournal.BuildAsync(path, store => Task.FromResult(Append(store, 3)));
        var before = File.ReadAllBytes(path);
        var ran = false;

        var e = await Assert.ThrowsAsync<BallastInputException>(() => StagedJournal.BuildAsync(path, store => Task.FromResult(ran = true)));

        Assert.False(ran);
        Assert.Contains($"the journal is not empty ({events} events)", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["j.db"], _dir.GetFiles().Select(f => f.Name));
    }
}
