using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Core.Tests.Protocol.Journal;

public sealed class JournalVerifierTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static List<JournalEvent> Chain(int count)
    {
        var builder = new JournalBuilder(JournalHead.Empty);
        return [.. Enumerable.Range(1, count).SelectMany(i => builder.Add($"c{i}", (T0.AddMinutes(i), "tick", $"{{\"i\":{i}}}")))];
    }

    [Fact]
    public void Build_FromEmptyHead_NumbersFromOneAndChainsFromZeroHash()
    {
        var events = Chain(3);

        Assert.Equal([1L, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(Sha256Digest.Zero, events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        Assert.All(events, e => Assert.Equal(JournalHash.Compute(e), e.Hash));
    }

    [Fact]
    public void Build_ConsecutiveCallsOnOneBuilder_ContinueEachOther()
    {
        var builder = new JournalBuilder(JournalHead.Empty);
        var a = builder.Add("a", (T0, "x", "{}"), (T0, "y", "{}"));
        var b = JournalBuilder.Build(builder.Head, [new JournalEventDraft(T0, "z", "b", "{}")]);

        Assert.Equal(3, b[0].Sequence);
        Assert.Equal(a[1].Hash, b[0].PreviousHash);
        Assert.True(JournalVerifier.VerifyChain(a.Concat(b)).IsValid);
    }

    [Fact]
    public void VerifyChain_SoundChain_ReportsCountAndHead()
    {
        var events = Chain(5);

        var result = JournalVerifier.VerifyChain(events);

        Assert.True(result.IsValid);
        Assert.Equal(5, result.Checked);
        Assert.Equal(JournalHead.After(events[^1]), result.Head);
        Assert.Contains("5 events checked", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyChain_MissingEvent_ReportsGapAtMissingSequence()
    {
        var events = Chain(5);
        events.RemoveAt(2);

        var d = JournalVerifier.VerifyChain(events).Discrepancy;

        Assert.Equal(new ChainDiscrepancy(3, ChainDiscrepancyKind.SequenceGap, "3", "4"), d);
    }

    [Fact]
    public void VerifyChain_PayloadAltered_ReportsHashMismatchWithExpectedAndStored()
    {
        var events = Chain(5);
        var stored = events[3].Hash;
        events[3] = events[3] with { Payload = "{\"i\":40}" };

        var result = JournalVerifier.VerifyChain(events);

        Assert.Equal(3, result.Checked);
        Assert.Equal(4, result.Discrepancy!.Sequence);
        Assert.Equal(ChainDiscrepancyKind.HashMismatch, result.Discrepancy.Kind);
        Assert.Equal(JournalHash.Compute(events[3]).ToHex(), result.Discrepancy.Expected);
        Assert.Equal(stored.ToHex(), result.Discrepancy.Actual);
    }

    [Fact]
    public void VerifyChain_EventRehashedButNotItsSuccessor_ReportsPreviousHashMismatchAtSuccessor()
    {
        var events = Chain(5);
        var altered = events[1] with { Payload = "{\"forged\":true}" };
        events[1] = altered with { Hash = JournalHash.Compute(altered) };

        var d = JournalVerifier.VerifyChain(events).Discrepancy!;

        Assert.Equal(3, d.Sequence);
        Assert.Equal(ChainDiscrepancyKind.PreviousHashMismatch, d.Kind);
        Assert.Equal(events[1].Hash.ToHex(), d.Expected);
    }

    [Fact]
    public void VerifyChain_FromSnapshotHead_ChecksOnlyTheTail()
    {
        var events = Chain(6);

        var result = JournalVerifier.VerifyChain(events.Skip(4), JournalHead.After(events[3]));

        Assert.True(result.IsValid);
        Assert.Equal(2, result.Checked);
        Assert.False(JournalVerifier.VerifyChain(events.Skip(4)).IsValid);
    }
}
