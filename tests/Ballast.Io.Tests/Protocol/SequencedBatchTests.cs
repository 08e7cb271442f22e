using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using static Ballast.Io.Tests.Protocol.ProtocolHarness;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// The group-commit path the service's writer uses (<see cref="ProtocolSequencer.SubmitBatchSequencedAsync(IReadOnlyList{ProtocolCommand}, CancellationToken)"/>): each
/// outcome carries the journal events the sequencer serialised, hashed and appended (so a response reuses their bytes),
/// and an id repeated in one batch is the retry of its first occurrence only when that one was journaled.
/// </summary>
public sealed class SequencedBatchTests
{
    private static readonly AssetSymbol Usd = new("USD");

    [Fact]
    public async Task SequencedOutcomes_CarryTheJournaledEvents_ByteForByte()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        var sequencer = await ProtocolSequencer.OpenAsync(h.Store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, ct);
        var before = sequencer.Head.Sequence;

        var outcomes = await sequencer.SubmitBatchSequencedAsync(
        [
            new IssueAsset("s1", Issuer, Usd, Bob, 10),
            new TransferAsset("s2", Bob, Usd, Alice, 1_000_000), // refused: Bob has 10
            new TransferAsset("s3", Bob, Usd, Alice, 4),
        ], ct);

        Assert.Equal([CommandStatus.Applied, CommandStatus.Rejected, CommandStatus.Applied], outcomes.Select(o => o.Outcome.Status));
        Assert.Empty(outcomes[1].Journal);
        var stored = new List<Ballast.Protocol.Journal.JournalEvent>();
        await foreach (var e in h.Store.ReadAsync(before + 1, ct))
        {
            stored.Add(e);
        }

        Assert.Equal(stored, [.. outcomes[0].Journal, .. outcomes[2].Journal]);
        Assert.Equal("command", outcomes[0].Journal[0].Type);
        Assert.Equal(outcomes[0].Outcome.Events.Select(EventTypes.Payload), outcomes[0].Journal.Skip(1).Select(e => e.Payload));

        // A retry of a journaled command carries the stored events too.
        var again = await sequencer.SubmitBatchSequencedAsync([new TransferAsset("s3", Bob, Usd, Alice, 4)], ct);
        Assert.Equal(CommandStatus.AlreadyApplied, again[0].Outcome.Status);
        Assert.Equal(outcomes[2].Journal, again[0].Journal);
    }

    /// <summary>
    /// Defect fixed: an id repeated in one batch was reported already applied even when its first occurrence was
    /// refused (nothing journaled), so the service's writer looked for stored events that did not exist and failed
    /// (500). Now the repeat is decided on its own: here it applies, since the batch funded Bob in between.
    /// </summary>
    [Fact]
    public async Task RepeatedIdInBatch_AfterARefusal_IsDecidedAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        var sequencer = await ProtocolSequencer.OpenAsync(h.Store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, ct);

        var outcomes = await sequencer.SubmitBatchAsync(
        [
            new TransferAsset("pay", Bob, Usd, Alice, 5),
            new IssueAsset("fund", Issuer, Usd, Bob, 5),
            new TransferAsset("pay", Bob, Usd, Alice, 5),
            new TransferAsset("pay", Bob, Usd, Alice, 5),
        ], ct);

        Assert.Equal([CommandStatus.Rejected, CommandStatus.Applied, CommandStatus.Applied, CommandStatus.AlreadyApplied], outcomes.Select(o => o.Status));
        Assert.Equal((UInt128)0, sequencer.State.Balance(Usd, Bob));
        var journaled = await h.Store.FindCommandAsync("pay", ct);
        Assert.NotNull(journaled);
    }
}
