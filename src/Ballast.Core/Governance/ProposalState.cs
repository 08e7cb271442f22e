namespace Ballast.Governance;

/// <summary>Where a proposal is in its lifecycle at a given time (see docs/governance.md for the exact edges).</summary>
public enum ProposalState
{
    /// <summary>Proposed; votes not open yet: <c>t ≤ snapshot</c>.</summary>
    Pending,

    /// <summary>Votes open: <c>snapshot &lt; t ≤ deadline</c>.</summary>
    Active,

    /// <summary>After the deadline with the quorum missed or For ≤ Against (a tie is defeated).</summary>
    Defeated,

    /// <summary>After the deadline with the quorum reached and For &gt; Against; may be queued.</summary>
    Succeeded,

    /// <summary>In the timelock: <c>t &lt; eta + grace</c>; executable from <c>eta</c>.</summary>
    Queued,

    /// <summary>Queued but not executed before <c>eta + grace</c> (expired at exactly that time).</summary>
    Expired,

    /// <summary>Executed: every action applied.</summary>
    Executed,

    /// <summary>Canceled by its proposer while Pending, or vetoed by the guardian while Queued.</summary>
    Canceled,
}
