using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using static Ballast.Io.Tests.Protocol.ProtocolHarness;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// A write that loses the race to another writer: the sequencer re-reads the journal, decides the command again on
/// the new state and appends again, a bounded number of times; then the conflict (transient) reaches the caller
/// with nothing of the command written.
/// </summary>
public sealed class ConflictRetryTests
{
    private static readonly ConflictRetryPolicy Fast = new(5, TimeSpan.Zero);

    /// <summary>A second writer on the same journal, appending a BANK-free command (funding bob) each time it wins.</summary>
    private static Func<int, CancellationToken, Task> Rival(ProtocolSequencer rival, UInt128 amount) =>
        async (n, ct) => Assert.Equal(CommandStatus.Applied, (await rival.SubmitAsync(new IssueAsset($"rival-{n}", Issuer, new AssetSymbol("USD"), Bob, amount), ct)).Status);

    [Fact]
    public async Task Submit_LosesTheRaceTwice_DecidesAgainOnTheNewStateAndAppliesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        var rival = await ProtocolSequencer.OpenAsync(h.Store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, ct);
        var store = new ConflictingJournalStore(h.Store, Rival(rival, 5_000_000)) { Conflicts = 2 };
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, Fast, ct);

        var outcome = await sequencer.SubmitAsync(new DepositCommand("alice-deposit", Alice, new VaultId("mix"), 400_000_000), ct);

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        Assert.Equal(2, store.Lost);
        Assert.Equal(2, sequencer.ConflictRetries);
        var events = await h.Store.ReadAsync(1, ct).ToListAsync(ct);
        Assert.Equal(["rival-0", "rival-1", "alice-deposit"], events.Select(e => e.CommandId).Distinct().TakeLast(3));
        Assert.Single(events, e => e.CommandId == "alice-deposit" && e.Type == "command");
        Assert.Equal((UInt128)10_000_000, sequencer.State.Balance(new AssetSymbol("USD"), Bob)); // the rival's writes are in the state it decided on
        Assert.True((await JournalReplay.VerifyAsync(h.Store.ReadAsync(1, ct), new ProtocolEngine(SpecPolicyCompiler.Instance), ct)).IsValid);
        Assert.Equal(sequencer.Head, await h.Store.HeadAsync(ct));
    }

    /// <summary>
    /// Commands another writer journaled after this sequencer read the journal return their stored outcome, whether
    /// the stale state would apply them (the store finds them inside the append) or refuse them (the sequencer asks
    /// the journal before reporting a refusal), one at a time or in a batch; nothing is written twice.
    /// </summary>
    [Fact]
    public async Task CommandJournaledByAnotherWriter_ReturnsItsStoredOutcome_WhateverTheStaleStateWouldDecide()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var stale = new List<ProtocolSequencer>();
        for (var i = 0; i < 4; i++)
        {
            stale.Add(await ProtocolSequencer.OpenAsync(h.Store, engine, h.Clock, Fast, ct));
        }

        var writer = await ProtocolSequencer.OpenAsync(h.Store, engine, h.Clock, ct);
        var fund = new IssueAsset("fund-bob", Issuer, new AssetSymbol("USD"), Bob, 5_000_000);
        var pay = new TransferAsset("bob-pays-alice", Bob, new AssetSymbol("USD"), Alice, 5_000_000);
        Assert.Equal(CommandStatus.Applied, (await writer.SubmitAsync(fund, ct)).Status);
        Assert.Equal(CommandStatus.Applied, (await writer.SubmitAsync(pay, ct)).Status);
        var head = await h.Store.HeadAsync(ct);

        // On the stale states Bob was never funded: the issue would apply again, the transfer would be refused.
        var applies = await stale[0].SubmitAsync(fund, ct);
        var refused = await stale[1].SubmitAsync(pay, ct);
        var appliesInBatch = await stale[2].SubmitBatchAsync([fund], ct);
        var refusedInBatch = await stale[3].SubmitBatchAsync([pay], ct);

        Assert.Equal(CommandStatus.AlreadyApplied, applies.Status);
        Assert.Equal(CommandStatus.AlreadyApplied, refused.Status);
        Assert.Equal(CommandStatus.AlreadyApplied, Assert.Single(appliesInBatch).Status);
        Assert.Equal(CommandStatus.AlreadyApplied, Assert.Single(refusedInBatch).Status);
        Assert.Equal(head, await h.Store.HeadAsync(ct));
        Assert.Equal(head, stale[0].Head);
        Assert.Equal(head, stale[2].Head);
    }

    /// <summary>The other writer spent the funds first: decided again, the command is rejected (not appended on the stale decision).</summary>
    [Fact]
    public async Task Submit_TheWinnerSpentTheFunds_DecidedAgainItIsRejected()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        var rival = await ProtocolSequencer.OpenAsync(h.Store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, ct);
        var store = new ConflictingJournalStore(h.Store, async (_, token) =>
            Assert.Equal(CommandStatus.Applied, (await rival.SubmitAsync(new DepositCommand("rival-spends", Alice, new VaultId("mix"), 1_000_000_000), token)).Status)) { Conflicts = 1 };
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, Fast, ct);

        var outcome = await sequencer.SubmitAsync(new DepositCommand("alice-deposit", Alice, new VaultId("mix"), 1_000_000_000), ct);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Null(await h.Store.FindCommandAsync("alice-deposit", ct));
        Assert.Equal(UInt128.Zero, sequencer.State.Balance(new AssetSymbol("USD"), Alice));
    }

    /// <summary>Every race lost: after the bound (5 retries, 6 attempts) the transient conflict reaches the caller; nothing of the command is written.</summary>
    [Fact]
    public async Task Submit_LosesEveryRace_ThrowsTheTransientConflictAfterTheBound()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        h.Fund(Alice, 1_000);
        var head = await h.Store.HeadAsync(ct);
        var store = new ConflictingJournalStore(h.Store) { Conflicts = int.MaxValue };
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, Fast, ct);

        var error = await Assert.ThrowsAnyAsync<JournalConflictException>(() => sequencer.SubmitAsync(new DepositCommand("alice-deposit", Alice, new VaultId("mix"), 1_000_000), ct));

        Assert.True(error.IsTransient);
        Assert.Equal(6, store.Lost);
        Assert.Equal(5, sequencer.ConflictRetries);
        Assert.Equal(head, await h.Store.HeadAsync(ct));
        Assert.Equal(head, sequencer.Head);
        Assert.Equal((UInt128)1_000_000_000, sequencer.State.Balance(new AssetSymbol("USD"), Alice));
    }

    /// <summary>A batch that lost the race is decided again whole on the new state; each member applies once.</summary>
    [Fact]
    public async Task SubmitBatch_LosesTheRaceOnce_DecidesTheWholeBatchAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        using var h = new ProtocolHarness();
        var rival = await ProtocolSequencer.OpenAsync(h.Store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, ct);
        var store = new ConflictingJournalStore(h.Store, Rival(rival, 7)) { Conflicts = 1 };
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), h.Clock, Fast, ct);

        var outcomes = await sequencer.SubmitBatchAsync([new IssueAsset("b1", Issuer, new AssetSymbol("USD"), Alice, 1), new IssueAsset("b2", Issuer, new AssetSymbol("USD"), Alice, 2)], ct);

        Assert.All(outcomes, o => Assert.Equal(CommandStatus.Applied, o.Status));
        Assert.Equal((UInt128)3, sequencer.State.Balance(new AssetSymbol("USD"), Alice));
        Assert.Equal((UInt128)7, sequencer.State.Balance(new AssetSymbol("USD"), Bob));
        Assert.True((await JournalReplay.VerifyAsync(h.Store.ReadAsync(1, ct), new ProtocolEngine(SpecPolicyCompiler.Instance), ct)).IsValid);
    }
}
