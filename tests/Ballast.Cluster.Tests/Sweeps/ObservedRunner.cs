using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>A runner that tells a test how many runs have reached the sink (to kill a silo mid-sweep), passing everything through.</summary>
internal sealed class ObservedRunner(IPolicyRunner inner, Action<int> delivered) : IPolicyRunner
{
    public void RunEach(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken) =>
        inner.RunEach(table, policies, twins, settings, runs, failures, progress, new CountingSink(sink, delivered), cancellationToken);

    private sealed class CountingSink(IRunSink? inner, Action<int> delivered) : IRunSink
    {
        private int _count;

        public void Add(int index, PolicyRun? run)
        {
            inner?.Add(index, run);
            delivered(Interlocked.Increment(ref _count));
        }
    }
}
