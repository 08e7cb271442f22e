using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Microsoft.Data.Sqlite;
using static Ballast.Io.Tests.Protocol.ProtocolHarness;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// The journal as the protocol reads it: every event 1..head present, the command index derived from the chain (so
/// a tampered index cannot make a retried command apply twice), each command id once in the chain.
/// </summary>
public sealed class JournalIntegrityTests
{
    /// <summary>The identical retry of a deposit after its index row was deleted is not applied again (no double mint).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Retry_AfterItsIndexRowWasDeleted_IsNotAppliedTwice(bool reopen)
    {
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        var deposit = new DepositCommand("alice-deposit-1", Alice, new VaultId("mix"), 400_000_000);
        h.Must(deposit);
        var before = h.Fingerprint();
        var head = h.Sequencer.Head;
        Sql(h.Path, "DELETE FROM journal_commands WHERE command_id = 'alice-deposit-1'");
        if (reopen)
        {
            h.Reopen();
        }

        var retry = h.Submit(deposit);

        Assert.Equal(CommandStatus.AlreadyApplied, retry.Status);
        Assert.Equal(before, h.Fingerprint());
        Assert.Equal(head, h.Store.Head());
        Assert.True(JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance)).IsValid);
    }

    /// <summary>
    /// A chain (hashes recomputed) in which one deposit command appears twice under the same id: each is a valid
    /// deposit on the state before it, but a command applies once, so verification fails at the second.
    /// </summary>
    [Fact]
    public void Verify_SameCommandIdTwiceInARecomputedChain_FailsAtTheSecond()
    {
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        h.Must(new DepositCommand("dep-one", Alice, new VaultId("mix"), 100_000_000));
        h.Must(new DepositCommand("dep-two", Alice, new VaultId("mix"), 100_000_000));
        var events = h.Store.Read().ToList();
        var second = events.First(e => e.CommandId == "dep-two").Sequence;

        // Rename the second command to the first's id (in the journal's command id and in the command itself).
        var forged = JournalBuilder.Build(JournalHead.Empty, events.Select(e => new JournalEventDraft(e.Time, e.Type,
            e.CommandId == "dep-two" ? "dep-one" : e.CommandId, e.CommandId == "dep-two" ? e.Payload.Replace("dep-two", "dep-one", StringComparison.Ordinal) : e.Payload)));

        var report = JournalReplay.Verify(forged, new ProtocolEngine(SpecPolicyCompiler.Instance));

        Assert.False(report.IsValid);
        Assert.Equal(second, report.Discrepancy!.Sequence);
        Assert.Contains("'dep-one' appears twice", report.Discrepancy.What, StringComparison.Ordinal);
        Assert.Equal(second - 1, report.EventsChecked);
    }

    /// <summary>
    /// Events deleted from the middle of a real journal, more than a read page of them: loading it fails naming the
    /// first missing one (the page is made small here; the store tests delete 5,000 events at the default 4,096).
    /// </summary>
    [Fact]
    public void Load_JournalWithAHoleLargerThanAPage_FailsNamingTheFirstMissingEvent()
    {
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000_000);
        h.Must(new DepositCommand(h.Id(), Alice, new VaultId("mix"), 1_000_000));
        for (var day = 0; day < 30; day++)
        {
            h.Day(1.001, 0.999, 1.0);
        }

        Assert.True(h.Store.Head().Sequence > 150);
        Sql(h.Path, "DELETE FROM journal_commands WHERE first_sequence BETWEEN 40 AND 120; DELETE FROM journal_events WHERE sequence BETWEEN 40 AND 120");

        using var store = new Ballast.Io.Storage.SqliteJournalStore(h.Path) { PageSize = 16 };
        var error = Assert.Throws<JournalCorruptedException>(() => BlockingJournal.Sequencer(store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock));
        Assert.Equal(40, error.Sequence);
        Assert.Equal(40, Assert.Throws<JournalCorruptedException>(() => JournalReplay.Verify(store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance))).Sequence);
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
