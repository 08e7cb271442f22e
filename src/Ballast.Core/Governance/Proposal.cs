using System.Globalization;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>A proposal as the governor holds it: its creation record, the tally, and the timelock and terminal flags.</summary>
public sealed class Proposal
{
    private readonly SortedDictionary<AccountId, VoteCast> _votes = [];

    internal Proposal(ProposalCreated created)
    {
        Created = created;
    }

    /// <summary>The creation record: actions, description, content hash, snapshot, deadline, quorum fraction.</summary>
    public ProposalCreated Created { get; }

    /// <summary>The proposal id.</summary>
    public long Id => Created.ProposalId;

    /// <summary>Weight voted For.</summary>
    public UInt128 ForVotes { get; private set; }

    /// <summary>Weight voted Against.</summary>
    public UInt128 AgainstVotes { get; private set; }

    /// <summary>Weight voted Abstain.</summary>
    public UInt128 AbstainVotes { get; private set; }

    /// <summary>The votes by voter.</summary>
    public IReadOnlyDictionary<AccountId, VoteCast> Votes => _votes;

    /// <summary>The queue record, when queued.</summary>
    public ProposalQueued? Queued { get; private set; }

    /// <summary>Whether it was executed.</summary>
    public bool Executed { get; private set; }

    /// <summary>The cancel record, when canceled or vetoed.</summary>
    public ProposalCanceled? Canceled { get; private set; }

    internal void Add(VoteCast vote)
    {
        if (!_votes.TryAdd(vote.Voter, vote))
        {
            throw new GovernanceInvariantException($"{vote.Voter} already voted on proposal {Id}");
        }

        switch (vote.Support)
        {
            case VoteSupport.For:
                ForVotes = checked(ForVotes + vote.Weight);
                break;
            case VoteSupport.Against:
                AgainstVotes = checked(AgainstVotes + vote.Weight);
                break;
            case VoteSupport.Abstain:
                AbstainVotes = checked(AbstainVotes + vote.Weight);
                break;
            default:
                throw new GovernanceInvariantException($"unknown support {vote.Support}");
        }
    }

    internal void Queue(ProposalQueued queued) => Queued = queued;

    internal void Execute() => Executed = true;

    internal void Cancel(ProposalCanceled canceled) => Canceled = canceled;

    internal string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"proposal {Id} {Created.ContentHash} by {Created.Proposer} at {Created.At} snapshot={Created.Snapshot} deadline={Created.Deadline} quorum={Created.QuorumBps}");
        text.Append(c, $" for={ForVotes} against={AgainstVotes} abstain={AbstainVotes} queued={Queued} executed={Executed} canceled={Canceled}");
        foreach (var (voter, vote) in _votes)
        {
            text.Append(c, $"\n  {voter} {vote.Support} {vote.Weight} at {vote.At}");
        }

        return text.ToString();
    }
}
