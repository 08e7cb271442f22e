using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Governance;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

/// <summary>
/// The nominal setting: veBANK locks sized so that, at the snapshot S, Alice, Bob, Carol and Dave hold exactly
/// 10, 7, 5 and 2 ·10¹⁸ and a whale the other 76 ·10¹⁸ (100 ·10¹⁸ in total). Every lock ends at E = T0 + 4 weeks
/// and S = E − 10⁶ s, so a slope of k·10¹² gives k·10¹⁸ at S. Delay 4, period 16, quorum 10 %.
/// </summary>
internal sealed class GovernorHarness
{
    public const long End = T0 + (4 * Weeks.Week);
    public const long Snapshot = End - 1_000_000;
    public const long ProposedAt = Snapshot - 4;
    public const long Deadline = Snapshot + 16;
    public static readonly AccountId Guardian = new("guardian");
    public static readonly AccountId Nobody = new("nobody");

    public GovernorHarness(IVotingPower? power = null, long timelock = 100, long grace = 50)
    {
        Escrow = new EscrowHarness();
        foreach (var (who, k) in new[] { (Alice, 10), (Bob, 7), (Carol, 5), (Dave, 2), (Whale, 76) })
        {
            var amount = (UInt128)k * 1_000_000_000_000 * (UInt128)Weeks.MaxTime; // slope exactly k·10¹²
            Escrow.Mint(who, 2 * amount, T0);
            Escrow.Do(ve => ve.DecideCreateLock(who, amount, End, T0));
        }

        Escrow.Mint(Nobody, 1_000 * Bank, T0);
        Parameters = new GovernanceParameters(4, 16, 1_000, Bank, timelock, grace, Guardian);
        Governor = new Governor(power ?? Escrow.Ve, Parameters);
    }

    public EscrowHarness Escrow { get; }

    public GovernanceParameters Parameters { get; }

    public Governor Governor { get; }

    public FakeTarget Target { get; } = new();

    public List<object> Journal { get; } = [];

    public static IReadOnlyList<GovernanceAction> Launch(string vault = "v1") => [new LaunchComposedVault(new VaultId(vault), "spec", null)];

    public long Propose(IReadOnlyList<GovernanceAction>? actions = null, AccountId? proposer = null, long at = ProposedAt) =>
        Do(g => g.DecidePropose(proposer ?? Alice, actions ?? Launch(), "launch v1", at)).ProposalId;

    public T Do<T>(Func<Governor, Decision<T>> decide)
        where T : GovernorOperation
    {
        var d = decide(Governor);
        Assert.True(d.IsAccepted, d.ToString());
        Governor.Apply(d.Operation);
        Journal.Add(d.Operation);
        return d.Operation;
    }

    /// <summary>Decides; asserts a refusal with <paramref name="code"/> that left governor, escrow and target byte-identical.</summary>
    public Rejection Refuse<T>(Func<Governor, Decision<T>> decide, string code)
        where T : class
    {
        var before = (Governor.Snapshot(), Escrow.Ve.Snapshot(), Target.Snapshot());
        var d = decide(Governor);
        Assert.False(d.IsAccepted, d.ToString());
        Assert.Equal(code, d.Rejection.Code);
        Assert.Equal(before, (Governor.Snapshot(), Escrow.Ve.Snapshot(), Target.Snapshot()));
        return d.Rejection;
    }

    public void Vote(long id, AccountId who, VoteSupport support, long at = Snapshot + 1) =>
        Do(g => g.DecideVote(id, who, (int)support, at));

    public ProposalExecution<string> Execute(long id, long at)
    {
        var d = Governor.DecideExecute(id, Target, at);
        Assert.True(d.IsAccepted, d.ToString());
        Governor.Apply(d.Operation.Executed);
        Target.Apply(d.Operation.TargetRecords);
        Journal.Add(d.Operation.Executed);
        return d.Operation;
    }
}
