using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Governance;
using Ballast.Policies;
using static Ballast.Core.Tests.Governance.EscrowHarness;
using static Ballast.Core.Tests.Governance.GovernorHarness;

namespace Ballast.Core.Tests.Governance;

public class GovernorTests
{
    private static readonly PolicyHash NewPolicy = PolicyHash.OfCanonicalJson("{\"name\":\"new\"}");

    private static readonly UInt128 E18 = Bank;

    [Fact]
    public void Setup_PowersAtTheSnapshot_AreExactly10_7_5_2Of100()
    {
        var h = new GovernorHarness();
        Assert.Equal(10 * E18, h.Escrow.Ve.BalanceOfAt(Alice, Snapshot));
        Assert.Equal(7 * E18, h.Escrow.Ve.BalanceOfAt(Bob, Snapshot));
        Assert.Equal(5 * E18, h.Escrow.Ve.BalanceOfAt(Carol, Snapshot));
        Assert.Equal(2 * E18, h.Escrow.Ve.BalanceOfAt(Dave, Snapshot));
        Assert.Equal(100 * E18, h.Escrow.Ve.TotalSupplyAt(Snapshot));
    }

    [Fact]
    public void Nominal_TwoForOneAgainstOneAbstain_Succeeded()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        var p = h.Governor.Proposals[id];
        Assert.Equal(Snapshot, p.Created.Snapshot);
        Assert.Equal(Deadline, p.Created.Deadline);

        h.Vote(id, Alice, VoteSupport.For);
        h.Vote(id, Bob, VoteSupport.For);
        h.Vote(id, Carol, VoteSupport.Against);
        h.Vote(id, Dave, VoteSupport.Abstain, Deadline);

        Assert.Equal(17 * E18, p.ForVotes);
        Assert.Equal(5 * E18, p.AgainstVotes);
        Assert.Equal(2 * E18, p.AbstainVotes);
        Assert.Equal(10 * E18, h.Governor.QuorumOf(p));
        Assert.Equal(ProposalState.Active, h.Governor.StateOf(p, Deadline));
        Assert.Equal(ProposalState.Succeeded, h.Governor.StateOf(p, Deadline + 1));
    }

    [Fact]
    public void Nominal_OnlyTheThirdVotesFor_DefeatedBelowQuorum()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        h.Vote(id, Carol, VoteSupport.For);
        var p = h.Governor.Proposals[id];
        Assert.False(h.Governor.QuorumReached(p)); // 5 < 10
        Assert.Equal(ProposalState.Defeated, h.Governor.StateOf(p, Deadline + 1));
        h.Refuse(g => g.DecideQueue(id, Deadline + 1), GovernanceRejections.NotSucceeded);
    }

    [Fact]
    public void Lifecycle_Edges_AreExact()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        var p = h.Governor.Proposals[id];
        Assert.Equal(ProposalState.Pending, h.Governor.StateOf(p, ProposedAt));
        Assert.Equal(ProposalState.Pending, h.Governor.StateOf(p, Snapshot));
        Assert.Equal(ProposalState.Active, h.Governor.StateOf(p, Snapshot + 1));
        Assert.Equal(ProposalState.Active, h.Governor.StateOf(p, Deadline));
        Assert.Equal(ProposalState.Defeated, h.Governor.StateOf(p, Deadline + 1)); // no votes
    }

    [Fact]
    public void Vote_TieForEqualsAgainst_Defeated()
    {
        var power = new FixedPower(new() { [Alice] = 10 * E18, [Bob] = 10 * E18, [Carol] = 5 * E18 }, 100 * E18);
        var h = new GovernorHarness(power);
        var id = h.Propose();
        h.Vote(id, Alice, VoteSupport.For);
        h.Vote(id, Bob, VoteSupport.Against);
        h.Vote(id, Carol, VoteSupport.Abstain);
        var p = h.Governor.Proposals[id];
        Assert.True(h.Governor.QuorumReached(p));
        Assert.Equal(ProposalState.Defeated, h.Governor.StateOf(p, Deadline + 1));
    }

    [Fact]
    public void Refusals_DoubleVotePendingAfterDeadlineUnknownSupportBelowThreshold_LeaveStateUnchanged()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        Assert.Equal(
            "proposal 1 is Pending; votes are taken only while it is Active",
            h.Refuse(g => g.DecideVote(id, Bob, 1, Snapshot), GovernanceRejections.VotingClosed).Message);
        h.Vote(id, Alice, VoteSupport.For);
        Assert.Equal(
            "alice has already voted on proposal 1",
            h.Refuse(g => g.DecideVote(id, Alice, 0, Snapshot + 2), GovernanceRejections.AlreadyVoted).Message);
        Assert.Equal(
            "support 3 is unknown: use 0 (Against), 1 (For) or 2 (Abstain)",
            h.Refuse(g => g.DecideVote(id, Bob, 3, Snapshot + 2), GovernanceRejections.UnknownSupport).Message);
        h.Refuse(g => g.DecideVote(id, Bob, -1, Snapshot + 2), GovernanceRejections.UnknownSupport);
        Assert.Equal(
            "proposal 1 is Succeeded; votes are taken only while it is Active",
            h.Refuse(g => g.DecideVote(id, Bob, 1, Deadline + 1), GovernanceRejections.VotingClosed).Message);
        Assert.Equal(
            "nobody has 0 veBANK, below the proposal threshold of 1000000000000000000",
            h.Refuse(g => g.DecidePropose(Nobody, Launch(), "x", Snapshot + 2), GovernanceRejections.BelowThreshold).Message);
        h.Refuse(g => g.DecidePropose(Alice, [], "x", Snapshot + 2), GovernanceRejections.EmptyProposal);
        h.Refuse(g => g.DecideVote(99, Alice, 1, Snapshot + 2), GovernanceRejections.UnknownProposal);
        h.Refuse(g => g.DecideVote(id, Bob, 1, Snapshot), GovernanceRejections.TimeRegression);
    }

    [Fact]
    public void Vote_PowerAcquiredAfterTheSnapshot_DoesNotCount()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        h.Escrow.Do(ve => ve.DecideIncreaseAmount(Carol, 500 * Bank, Snapshot + 1)); // Carol grows her lock
        h.Escrow.Do(ve => ve.DecideCreateLock(Nobody, 500 * Bank, End, Snapshot + 1)); // Nobody locks for the first time
        Assert.True(h.Escrow.Ve.BalanceOfAt(Carol, Snapshot + 1) > 5 * E18);

        h.Vote(id, Carol, VoteSupport.For, Snapshot + 2);
        Assert.Equal(5 * E18, h.Governor.Proposals[id].Votes[Carol].Weight);
        h.Refuse(g => g.DecideVote(id, Nobody, 1, Snapshot + 2), GovernanceRejections.NoVotingPower);
    }

    [Fact]
    public void Quorum_UsesTheSnapshotTotal_EvenThoughVeBankDecays()
    {
        var h = new GovernorHarness();
        var id = h.Propose();
        h.Vote(id, Alice, VoteSupport.For);
        var p = h.Governor.Proposals[id];
        Assert.True(h.Escrow.Ve.TotalSupplyAt(Deadline + 1) < 100 * E18);
        Assert.True(h.Escrow.Ve.BalanceOfAt(Alice, Deadline + 1) < 10 * E18);
        Assert.Equal(10 * E18, h.Governor.QuorumOf(p));
        Assert.Equal(10 * E18, p.ForVotes);
        Assert.Equal(ProposalState.Succeeded, h.Governor.StateOf(p, Deadline + 1)); // exactly the quorum
    }

    [Fact]
    public void Timelock_QueueTwiceExecuteEarlyAndExpiry_HaveExactEdges()
    {
        var h = new GovernorHarness(timelock: 100, grace: 50);
        var id = h.Propose();
        h.Vote(id, Alice, VoteSupport.For);
        var queued = h.Do(g => g.DecideQueue(id, Deadline + 1));
        Assert.Equal(Deadline + 101, queued.Eta);
        Assert.Equal(Deadline + 151, queued.ExpiresAt);
        Assert.Equal(
            "proposal 1 is Queued; only a Succeeded proposal can be queued",
            h.Refuse(g => g.DecideQueue(id, Deadline + 2), GovernanceRejections.NotSucceeded).Message);
        Assert.Equal(
            $"proposal 1 can be executed from {GovTime.T(queued.Eta)}",
            h.Refuse(g => g.DecideExecute(id, h.Target, queued.Eta - 1), GovernanceRejections.TimelockPending).Message);

        var p = h.Governor.Proposals[id];
        Assert.Equal(ProposalState.Queued, h.Governor.StateOf(p, queued.ExpiresAt - 1));
        Assert.Equal(ProposalState.Expired, h.Governor.StateOf(p, queued.ExpiresAt));
        Assert.Equal(
            $"proposal 1 expired at {GovTime.T(queued.ExpiresAt)} without being executed",
            h.Refuse(g => g.DecideExecute(id, h.Target, queued.ExpiresAt), GovernanceRejections.ProposalExpired).Message);

        var executed = h.Execute(id, queued.ExpiresAt - 1); // the last executable second
        Assert.Equal(ProposalState.Executed, h.Governor.StateOf(p, queued.ExpiresAt + 1_000));
        Assert.Equal(["launch v1"], executed.TargetRecords);
        h.Refuse(g => g.DecideExecute(id, h.Target, queued.ExpiresAt), GovernanceRejections.NotQueued);
    }

    [Fact]
    public void Execute_FailingAction_RollsBackEverything()
    {
        var h = new GovernorHarness();
        h.Target.Policies["v1"] = "old";
        var newParameters = h.Parameters with { QuorumBps = 2_000 };
        var id = h.Propose([new ChangeGovernanceParameters(newParameters), new AdoptPolicy(new VaultId("v1"), NewPolicy, "text", null), new AdoptPolicy(new VaultId("v9"), NewPolicy, "text", null)]);
        h.Vote(id, Alice, VoteSupport.For);
        var queued = h.Do(g => g.DecideQueue(id, Deadline + 1));

        var refused = h.Refuse(g => g.DecideExecute(id, h.Target, queued.Eta), GovernanceRejections.ActionRefused);
        Assert.Equal("proposal 1 action 2 was refused (unknown-vault: no composed vault 'v9'); nothing was applied and the proposal stays Queued", refused.Message);
        Assert.Equal("old", h.Target.Policies["v1"]);
        Assert.Equal(h.Parameters, h.Governor.Parameters);
        Assert.Equal(ProposalState.Queued, h.Governor.StateOf(h.Governor.Proposals[id], queued.Eta));
    }

    [Fact]
    public void Execute_AllActionsAccepted_AppliesTargetRecordsAndNewParameters()
    {
        var h = new GovernorHarness();
        h.Target.Policies["v1"] = "old";
        var newParameters = h.Parameters with { QuorumBps = 2_000, TimelockDelay = 7 };
        var id = h.Propose([new AdoptPolicy(new VaultId("v1"), NewPolicy, "text", null), new ChangeGovernanceParameters(newParameters)]);
        h.Vote(id, Alice, VoteSupport.For);
        var queued = h.Do(g => g.DecideQueue(id, Deadline + 1));
        var executed = h.Execute(id, queued.Eta);
        Assert.Equal(NewPolicy.Abbreviated, h.Target.Policies["v1"]);
        Assert.Equal(newParameters, h.Governor.Parameters);
        Assert.Equal(newParameters, executed.Executed.NewParameters);

        // Replaying the governor's journal rebuilds the same state.
        var replay = new Governor(h.Escrow.Ve, h.Parameters);
        foreach (var r in h.Journal.OfType<GovernorOperation>())
        {
            replay.Apply(r);
        }

        Assert.Equal(h.Governor.Snapshot(), replay.Snapshot());
    }

    [Fact]
    public void Execute_InvalidNewParameters_Refused()
    {
        var h = new GovernorHarness();
        var id = h.Propose([new ChangeGovernanceParameters(h.Parameters with { QuorumBps = 10_001 })]);
        h.Vote(id, Alice, VoteSupport.For);
        var queued = h.Do(g => g.DecideQueue(id, Deadline + 1));
        var refused = h.Refuse(g => g.DecideExecute(id, h.Target, queued.Eta), GovernanceRejections.ActionRefused);
        Assert.Contains("invalid-parameters", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancel_ProposerWhilePendingAndGuardianWhileQueued_OthersRefused()
    {
        var h = new GovernorHarness();
        var first = h.Propose();
        h.Refuse(g => g.DecideCancel(first, Bob, ProposedAt), GovernanceRejections.NotAuthorized);
        h.Refuse(g => g.DecideCancel(first, Guardian, ProposedAt), GovernanceRejections.NotCancelable);
        var canceled = h.Do(g => g.DecideCancel(first, Alice, Snapshot));
        Assert.False(canceled.Vetoed);
        Assert.Equal(ProposalState.Canceled, h.Governor.StateOf(h.Governor.Proposals[first], Deadline + 1));

        var second = h.Propose(at: Snapshot);
        h.Vote(second, Alice, VoteSupport.For, Snapshot + 5);
        h.Refuse(g => g.DecideCancel(second, Alice, Snapshot + 5), GovernanceRejections.NotCancelable);
        var queued = h.Do(g => g.DecideQueue(second, Deadline + 5));
        var veto = h.Do(g => g.DecideCancel(second, Guardian, queued.Eta));
        Assert.True(veto.Vetoed);
        h.Refuse(g => g.DecideExecute(second, h.Target, queued.Eta), GovernanceRejections.NotQueued);
    }

    [Fact]
    public void ContentHash_IsCanonicalAndCoversActionsAndDescription()
    {
        IReadOnlyList<GovernanceAction> a = [new ChangeVaultSettings(new VaultId("v1"), new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" })];
        IReadOnlyList<GovernanceAction> b = [new ChangeVaultSettings(new VaultId("v1"), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" })];
        Assert.Equal(ProposalContent.Hash(a, "d"), ProposalContent.Hash(b, "d"));
        Assert.NotEqual(ProposalContent.Hash(a, "d"), ProposalContent.Hash(a, "e"));
        Assert.Equal(
            """{"actions":[{"$type":"change-vault-settings","settings":{"a":"1","b":"2"},"vault_id":"v1"}],"description":"d"}""",
            ProposalContent.CanonicalJson(a, "d"));
        var h = new GovernorHarness();
        var id = h.Propose(a);
        Assert.Equal(ProposalContent.Hash(a, "launch v1"), h.Governor.Proposals[id].Created.ContentHash);
    }

    private sealed class FixedPower(Dictionary<AccountId, UInt128> balances, UInt128 total) : IVotingPower
    {
        public UInt128 BalanceOfAt(AccountId account, long t) => balances.GetValueOrDefault(account);

        public UInt128 TotalSupplyAt(long t) => total;
    }
}
