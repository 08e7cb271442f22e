namespace Ballast.Backtesting;

/// <summary>
/// Receives each policy's run of <c>Backtester.RunAll</c> as soon as it is done, so its per-row series can be
/// written out (and released with <see cref="PolicyRun.ReleaseSeries"/>) instead of every run being held to the end.
/// </summary>
/// <remarks>
/// <see cref="Add"/> is called exactly once per policy index, from the worker thread that ran it, in completion order.
/// Policies are started in spec order, so the policy with the lowest index not yet added is always running: a sink
/// may block a worker until the runs before its index have been added (that bounds what it holds) without deadlock.
/// The rebalancing premium is set on the runs after every policy has run, after the last <see cref="Add"/>.
/// </remarks>
public interface IRunSink
{
    /// <summary>The run of the policy at <paramref name="index"/> (spec order), or null when that policy failed (the failure is rethrown by <c>Backtester.RunAll</c> at the end).</summary>
    void Add(int index, PolicyRun? run);
}
