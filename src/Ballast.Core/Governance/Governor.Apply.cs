namespace Ballast.Governance;

/// <summary>Applying governor records: the only code that changes the governor.</summary>
public sealed partial class Governor
{
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
