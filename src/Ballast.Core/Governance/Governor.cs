using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// Proposals, votes, the timelock and execution, as pure decisions plus records. Voting power comes from an
/// <see cref="IVotingPower"/> (veBANK) read at a proposal's snapshot; actions are decided by an
/// <see cref="IGovernanceTarget{TRecord}"/>. The lifecycle and its exact edges are in <see cref="StateOf"/>. This type
/// holds the state and the apply; the decisions are pure functions of it in <see cref="GovernorDecisions"/>.
/// </summary>
public sealed class Governor
{
    private readonly SortedDictionary<long, Proposal> _proposals = [];

    /// <summary>A governor reading power from <paramref name="power"/> with the initial <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The parameters are invalid.</exception>
    public Governor(IVotingPower power, GovernanceParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(power);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(parameters));
        }

        Power = power;
        Parameters = parameters;
    }

    /// <summary>Where votes and the quorum total are read.</summary>
    public IVotingPower Power { get; }

    /// <summary>The parameters in force (for proposals made, and queues decided, from now on).</summary>
    public GovernanceParameters Parameters { get; private set; }

    /// <summary>The id the next proposal gets (ids start at 1).</summary>
    public long NextProposalId { get; private set; } = 1;

    /// <summary>Unix time of the last applied record (0 before any).</summary>
    public long LastAt { get; private set; }

    /// <summary>Every proposal, by id.</summary>
    public IReadOnlyDictionary<long, Proposal> Proposals => _proposals;

    /// <summary>
    /// The state of proposal <paramref name="p"/> at <paramref name="t"/>: Canceled and Executed are final;
    /// Queued until <c>eta + grace</c> exclusive, then Expired; otherwise Pending while <c>t ≤ snapshot</c>, Active while
    /// <c>t ≤ deadline</c>, then Succeeded when the quorum is reached and For &gt; Against, else Defeated.
    /// </summary>
    public ProposalState StateOf(Proposal p, long t)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Canceled is not null)
        {
            return ProposalState.Canceled;
        }

        if (p.Executed)
        {
            return ProposalState.Executed;
        }

        if (p.Queued is { } q)
        {
            return t >= q.ExpiresAt ? ProposalState.Expired : ProposalState.Queued;
        }

        if (t <= p.Created.Snapshot)
        {
            return ProposalState.Pending;
        }

        if (t <= p.Created.Deadline)
        {
            return ProposalState.Active;
        }

        return QuorumReached(p) && p.ForVotes > p.AgainstVotes ? ProposalState.Succeeded : ProposalState.Defeated;
    }

    /// <summary>The votes a proposal needs (For + Abstain): ⌈quorumBps · totalSupplyAt(snapshot) / 10⁴⌉.</summary>
    public UInt128 QuorumOf(Proposal p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return ExactMath.MulDiv(Power.TotalSupplyAt(p.Created.Snapshot), (UInt128)p.Created.QuorumBps, BasisPoints.One, Rounding.Ceiling);
    }

    /// <summary>Whether For + Abstain reach <see cref="QuorumOf"/>.</summary>
    public bool QuorumReached(Proposal p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return checked(p.ForVotes + p.AbstainVotes) >= QuorumOf(p);
    }

    /// <summary>A deterministic text of the whole state: equal texts mean equal states.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"parameters={Parameters} next={NextProposalId} last={LastAt}");
        foreach (var p in _proposals.Values)
        {
            text.Append('\n').Append(p.Describe());
        }

        return text.ToString();
    }

    /// <summary>
    /// Applies an accepted record. Decides nothing; throws <see cref="GovernanceInvariantException"/> when the record
    /// does not fit (unknown proposal, a second vote, time going backwards). The target's records of an execution
    /// are applied by the target, beside this call.
    /// </summary>
    public void Apply(GovernorOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.At < LastAt)
        {
            throw new GovernanceInvariantException($"governor record at {operation.At} is before the last one at {LastAt}");
        }

        if (operation is ProposalCreated created)
        {
            if (created.ProposalId != NextProposalId)
            {
                throw new GovernanceInvariantException($"proposal {created.ProposalId} created where {NextProposalId} was next");
            }

            _proposals.Add(created.ProposalId, new Proposal(created));
            NextProposalId++;
        }
        else
        {
            if (!_proposals.TryGetValue(operation.ProposalId, out var p))
            {
                throw new GovernanceInvariantException($"record {operation} names an unknown proposal");
            }

            switch (operation)
            {
                case VoteCast v:
                    p.Add(v);
                    break;
                case ProposalQueued q when p.Queued is null:
                    p.Queue(q);
                    break;
                case ProposalExecuted e when p.Queued is not null && !p.Executed:
                    p.Execute();
                    if (e.NewParameters is { } parameters)
                    {
                        Parameters = parameters;
                    }

                    break;
                case ProposalCanceled c when p.Canceled is null:
                    p.Cancel(c);
                    break;
                default:
                    throw new GovernanceInvariantException($"record {operation} does not fit proposal {p.Id}");
            }
        }

        LastAt = operation.At;
    }
}
