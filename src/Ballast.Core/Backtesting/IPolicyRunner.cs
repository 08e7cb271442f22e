using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>
/// Where the policies of <see cref="Backtester.RunAll(PriceTable, IReadOnlyList{RebalancePolicy}, BacktestSettings, IReadOnlyList{int}, IProgress{int}?, CancellationToken, IRunSink?, IPolicyRunner?)"/>
/// run: on this machine's cores (<see cref="ParallelPolicyRunner"/>, the default) or elsewhere (a cluster). Everything
/// before (compiling, twins) and after (premiums, statistics, output) is the same whichever runner runs them.
/// </summary>
public interface IPolicyRunner
{
    /// <summary>
    /// Runs every policy on <paramref name="table"/> (each on the columns of its universe). For each index, exactly once,
    /// it sets <c>runs[i]</c> (or <c>failures[i]</c> when the policy failed), reports progress, and then gives
    /// <c>runs[i]</c> to <paramref name="sink"/> under the contract of <see cref="IRunSink"/>. <paramref name="twins"/> are
    /// the runs' buy-and-hold twins as <c>RunAll</c> has them (what each run is: a runner that rebuilds policies elsewhere needs it).
    /// </summary>
    void RunEach(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken);
}
