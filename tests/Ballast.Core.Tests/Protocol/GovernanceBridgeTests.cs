using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Protocol;
using static Ballast.Core.Tests.Protocol.EngineHarness;

namespace Ballast.Core.Tests.Protocol;

/// <summary>The governance bridge: the governance domain's own decisions, journaled as protocol events.</summary>
public class GovernanceBridgeTests
{
    private static readonly UInt128 Token = ExactMath.Pow10(18);
    private static readonly GaugeId Mix = new("mix");

    private static EngineHarness Governed()
    {
        var h = new EngineHarness();
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Now.ToUnixTimeSeconds() + (365 * Day)));
        return h;
    }

    private static long Propose(EngineHarness h, params GovernanceAction[] actions) =>
        ((ProposalCreated)((GovernorRecorded)h.Must(new Propose(h.Id(), Alice, [.. actions], "test")).Events[0]).Operation).ProposalId;

    /// <summary>Votes for, queues and executes the proposals, in order; returns each execution's outcome.</summary>
    private static CommandOutcome[] PassAll(EngineHarness h, params long[] ids)
    {
        h.Advance(Day + 1);
        foreach (var id in ids)
        {
            h.Must(new CastVote(h.Id(), Alice, id, 1));
        }

        h.Advance(3 * Day);
        foreach (var id in ids)
        {
            h.Must(new QueueProposal(h.Id(), Alice, id));
        }

        h.Advance(2 * Day);
        return [.. ids.Select(id => h.Submit(new ExecuteProposal(h.Id(), Alice, id)))];
    }

    [Fact]
    public void AddGauge_ThenRemoveTwice_TheGaugeControllerRefusesTheSecondWithItsOwnCode()
    {
        var h = Governed();
        Assert.Equal(CommandStatus.Applied, PassAll(h, Propose(h, new AddGauge(Mix)))[0].Status);
        Assert.True(h.State.Governance!.Gauges.IsActive(Mix));

        // Both proposals were valid when made; once the first removed the gauge, the second's action is refused by
        // the gauge controller's rule (unknown-gauge), not by a copy of it in the protocol.
        var first = Propose(h, new RemoveGauge(Mix));
        var second = Propose(h, new RemoveGauge(Mix));
        var outcomes = PassAll(h, first, second);
        Assert.Equal(CommandStatus.Applied, outcomes[0].Status);
        Assert.Equal(CommandStatus.Rejected, outcomes[1].Status);
        Assert.Equal(GovernanceRejections.ActionRefused, outcomes[1].Rejection!.Code);
        Assert.Contains($"({GovernanceRejections.UnknownGauge}: there is no active gauge 'mix')", outcomes[1].Rejection!.Message, StringComparison.Ordinal);
        Assert.False(h.State.Governance.Gauges.IsActive(Mix));
    }

    [Fact]
    public void AddGauge_TwiceInOneExecution_TheGaugeControllerRefusesTheSecondWithItsOwnCode()
    {
        var h = Governed();
        var first = Propose(h, new AddGauge(Mix));
        var second = Propose(h, new AddGauge(Mix));
        var outcomes = PassAll(h, first, second);
        Assert.Equal(CommandStatus.Applied, outcomes[0].Status);
        Assert.Equal(CommandStatus.Rejected, outcomes[1].Status);
        Assert.Contains($"({GovernanceRejections.GaugeExists}: gauge 'mix' already exists)", outcomes[1].Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Propose_ActionsThatCannotApply_AreRefusedAsInvalidActions()
    {
        var h = Governed();
        var twice = h.Submit(new Propose(h.Id(), Alice, [new AddGauge(Mix), new AddGauge(Mix)], "twice"));
        Assert.Equal("invalid-action", twice.Rejection?.Code);
        Assert.Contains("action 2: gauge 'mix' already exists", twice.Rejection!.Message, StringComparison.Ordinal);

        var missing = h.Submit(new Propose(h.Id(), Alice, [new RemoveGauge(new GaugeId("nope"))], "missing"));
        Assert.Equal("invalid-action", missing.Rejection?.Code);
        Assert.Contains("'nope'", missing.Rejection!.Message, StringComparison.Ordinal);

        var notVault = h.Submit(new Propose(h.Id(), Alice, [new AddGauge(new GaugeId("A"))], "simple"));
        Assert.Contains("is not a composed vault", notVault.Rejection!.Message, StringComparison.Ordinal);
    }
}
