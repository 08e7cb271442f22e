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
        var sequencer = new ProtocolSequencer(store, new ProtocolEngine(SpecPolicyCompiler.Instance), new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(CommandStatus.Applied, sequencer.Submit(new CreateAsset($"asset-{i}", new AccountId("issuer"), $"A{i}", 6)).Status);
        }

        return store.Head().Sequence;
    }

    [Fact]
    public void Build_ThrowsAfterAppending_LeavesNoJournalAndNoStagingFile()
    {
        var path = Path.Combine(_dir.FullName, "sub", "j.db");

        Assert.Throws<InvalidOperationException>(() => StagedJournal.Build<long>(path, store =>
        {
            Assert.True(Append(store, 50) > 0);
            Assert.True(File.Exists(StagedJournal.StagingPath(path)));
            throw new InvalidOperationException("fails part way");
        }));

        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "sub")), "the directory the build created is left behind");
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public void Build_Returns_MovesTheWholeJournalIntoPlace()
    {
        var path = Path.Combine(_dir.FullName, "j.db");

        var head = StagedJournal.Build("sqlite:" + path, store => Append(store, 50));

        using var reopened = new SqliteJournalStore(path);
        Assert.Equal(head, reopened.Head().Sequence);
        Assert.Equal(head, reopened.Read().Count());
        Assert.False(File.Exists(StagedJournal.StagingPath(path)));
    }

    [Fact]
    public void Build_OverAJournalWithEvents_IsRefusedAndTheJournalUnchanged()
    {
        var path = Path.Combine(_dir.FullName, "j.db");
        var events = StagedJournal.Build(path, store => Append(store, 3));
        var before = File.ReadAllBytes(path);
        var ran = false;

        var e = Assert.Throws<BallastInputException>(() => StagedJournal.Build(path, store => ran = true));

        Assert.False(ran);
        Assert.Contains($"the journal is not empty ({events} events)", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["j.db"], _dir.GetFiles().Select(f => f.Name));
    }
}
