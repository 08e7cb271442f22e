using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The governor's decisions (propose, vote, queue, execute, cancel): pure functions of a <see cref="Governor"/>'s
/// state, as extension methods; only <see cref="Governor.Apply(GovernorOperation)"/> changes it.
/// </summary>
public static class GovernorDecisions
{
    /// <summary>
    /// Propose <paramref name="actions"/>: the proposer needs veBANK ≥ the threshold at <paramref name="now"/>;
    /// snapshot = now + voting delay, deadline = snapshot + voting period, the quorum fraction is fixed now.
    /// </summary>
    public static Decision<ProposalCreated> DecidePropose(this Governor governor, AccountId proposer, IReadOnlyList<GovernanceAction> actions, string description, long now)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(description);
        if (now < governor.LastAt)
        {
            return GovernanceRejections.TimeWentBack(now, governor.LastAt);
        }

        if (actions.Count == 0)
        {
            return GovernanceRejections.NoActions();
        }

        var power = governor.Power.BalanceOfAt(proposer, now);
        if (power < governor.Parameters.ProposalThreshold)
        {
            return GovernanceRejections.Threshold(proposer, power, governor.Parameters.ProposalThreshold);
        }

        var frozen = actions.ToArray();
        var snapshot = checked(now + governor.Parameters.VotingDelay);
        return new ProposalCreated(
            governor.NextProposalId,
            proposer,
            frozen,
            description,
            ProposalContent.Hash(frozen, description),
            power,
            snapshot,
            checked(snapshot + governor.Parameters.VotingPeriod),
            governor.Parameters.QuorumBps,
            now);
    }

    /// <summary>
    /// Vote <paramref name="support"/> (0 Against, 1 For, 2 Abstain) while the proposal is Active, once per account,
    /// with the voter's veBANK at the snapshot as weight (power gained after the snapshot adds nothing).
    /// </summary>
    public static Decision<VoteCast> DecideVote(this Governor governor, long proposalId, AccountId voter, int support, long now)
    {
        if (governor.Find(proposalId, now, out var p) is { } refused)
        {
            return refused;
        }

        if (support is < 0 or > 2)
        {
            return GovernanceRejections.Support(support);
        }

        var state = governor.StateOf(p!, now);
        if (state != ProposalState.Active)
        {
            return GovernanceRejections.Closed(proposalId, state);
        }

        if (p!.Votes.ContainsKey(voter))
        {
            return GovernanceRejections.Voted(proposalId, voter);
        }

        var weight = governor.Power.BalanceOfAt(voter, p.Created.Snapshot);
        return weight == 0
            ? GovernanceRejections.NoPower(proposalId, voter, p.Created.Snapshot)
            : new VoteCast(proposalId, voter, (VoteSupport)support, weight, now);
    }

    /// <summary>Queue a Succeeded proposal: eta = now + timelock delay, expiry = eta + grace (parameters in force now).</summary>
    public static Decision<ProposalQueued> DecideQueue(this Governor governor, long proposalId, long now)
    {
        if (governor.Find(proposalId, now, out var p) is { } refused)
        {
            return refused;
        }

        var state = governor.StateOf(p!, now);
        if (state != ProposalState.Succeeded)
        {
            return GovernanceRejections.NotSuccess(proposalId, state);
        }

        var eta = checked(now + governor.Parameters.TimelockDelay);
        return new ProposalQueued(proposalId, eta, checked(eta + governor.Parameters.GracePeriod), now);
    }

    /// <summary>
    /// Execute a Queued proposal in [eta, eta + grace): every action at once. Parameter changes are validated here;
    /// the others go to <paramref name="target"/> in one call. If any action is refused nothing is applied, the
    /// proposal stays Queued (it may be retried until it expires) and the rejection names the action.
    /// </summary>
    public static Decision<ProposalExecution<TRecord>> DecideExecute<TRecord>(this Governor governor, long proposalId, IGovernanceTarget<TRecord> target, long now)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (governor.Find(proposalId, now, out var p) is { } refused)
        {
            return refused;
        }

        var state = governor.StateOf(p!, now);
        if (state == ProposalState.Expired)
        {
            return GovernanceRejections.PastGrace(proposalId, p!.Queued!.ExpiresAt);
        }

        if (state != ProposalState.Queued)
        {
            return GovernanceRejections.NotInQueue(proposalId, state);
        }

        if (now < p!.Queued!.Eta)
        {
            return GovernanceRejections.Timelock(proposalId, p.Queued.Eta);
        }

        GovernanceParameters? parameters = null;
        var actions = p.Created.Actions;
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i] is ChangeGovernanceParameters change)
            {
                if (change.Parameters.Problem() is { } problem)
                {
                    return GovernanceRejections.Refused(proposalId, GovernanceRejections.BadParameters(problem) with { ActionIndex = i });
                }

                parameters = change.Parameters;
            }
        }

        var decided = target.DecideActions(actions, now);
        if (!decided.IsAccepted)
        {
            return GovernanceRejections.Refused(proposalId, decided.Rejection);
        }

        return new ProposalExecution<TRecord>(new ProposalExecuted(proposalId, parameters, decided.Operation.Count, now), decided.Operation);
    }

    /// <summary>Cancel: the proposer while Pending, or the guardian (veto) while Queued.</summary>
    public static Decision<ProposalCanceled> DecideCancel(this Governor governor, long proposalId, AccountId by, long now)
    {
        if (governor.Find(proposalId, now, out var p) is { } refused)
        {
            return refused;
        }

        var state = governor.StateOf(p!, now);
        if (by != p!.Created.Proposer && by != governor.Parameters.Guardian)
        {
            return GovernanceRejections.Unauthorized(proposalId, by);
        }

        if (state == ProposalState.Pending && by == p.Created.Proposer)
        {
            return new ProposalCanceled(proposalId, by, false, now);
        }

        return state == ProposalState.Queued && by == governor.Parameters.Guardian
            ? new ProposalCanceled(proposalId, by, true, now)
            : GovernanceRejections.CannotCancel(proposalId, state);
    }

    private static Rejection? Find(this Governor governor, long proposalId, long now, out Proposal? proposal)
    {
        proposal = null;
        if (now < governor.LastAt)
        {
            return GovernanceRejections.TimeWentBack(now, governor.LastAt);
        }

        return governor.Proposals.TryGetValue(proposalId, out proposal) ? null : GovernanceRejections.NoProposal(proposalId);
    }
}
