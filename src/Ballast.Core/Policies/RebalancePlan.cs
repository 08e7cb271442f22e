namespace Ballast.Policies;

/// <summary>
/// What one <see cref="PolicyStep"/> decided on a row where its trigger fired: why, the targets that come into force
/// if the plan trades, the weights to move to and the assets held back. The arrays belong to the step and are
/// overwritten by its next plan: copy what you keep.
/// </summary>
public sealed class RebalancePlan
{
    internal RebalancePlan(int assets)
    {
        TargetsPpm = new int[assets];
        WeightsPpm = new int[assets];
        Held = new bool[assets];
    }

    /// <summary>Why the trigger fired.</summary>
    public TriggerReason Reason { get; internal set; } = null!;

    /// <summary>
    /// True when there is something to trade; false when the trigger fired but the plan leaves nothing to trade
    /// (a band edge with no breach, every move under the minimum trade) or the targets could not be computed
    /// (<see cref="Failure"/>).
    /// </summary>
    public bool Trades { get; internal set; }

    /// <summary>
    /// Why the policy could not compute its targets on this row (an infeasible or degenerate optimisation), or null.
    /// The backtester stops with it (a bad-input error); the keeper rejects the call with it.
    /// </summary>
    public BallastInputException? Failure { get; internal set; }

    /// <summary>
    /// The targets in force once this plan trades, in parts per million summing to 1,000,000 (universe order): the
    /// fixed targets, or those a risk-based policy just computed.
    /// </summary>
    public int[] TargetsPpm { get; }

    /// <summary>The weights the rebalance moves to, in parts per million (universe order); they sum to 1,000,000.</summary>
    public int[] WeightsPpm { get; }

    /// <summary>Assets that must not trade at all (those the minimum-trade rule keeps where they are).</summary>
    public bool[] Held { get; }

    /// <summary>Throws <see cref="Failure"/> when there is one (the backtester's way of handling it).</summary>
    public void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
