using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>Runs policies in parallel on this machine's cores: the local runner of <see cref="Backtester.RunAll(PriceTable, IReadOnlyList{RebalancePolicy}, BacktestSettings, IReadOnlyList{int}, IProgress{int}?, CancellationToken, IRunSink?, IPolicyRunner?)"/>.</summary>
public sealed class ParallelPolicyRunner : IPolicyRunner
{
    /// <summary>The one instance (the runner has no state).</summary>
    public static ParallelPolicyRunner Instance { get; } = new();

    private ParallelPolicyRunner()
    {
    }

    /// <summary>Each policy's table: the columns of its universe (and its reference series), one table per distinct selection.</summary>
    public static PriceTable[] TablesFor(PriceTable table, IReadOnlyList<RebalancePolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policies);
        var tables = new Dictionary<string, PriceTable>(StringComparer.Ordinal);
        var perPolicy = new PriceTable[policies.Count];
        for (var i = 0; i < policies.Count; i++)
        {
            var references = policies[i].Spec.ReferenceSeries.ToArray();
            var key = string.Join('\u001f', policies[i].Names) + '\u001e' + string.Join('\u001f', references);
            if (!tables.TryGetValue(key, out var selected))
            {
                selected = table.SelectFor(policies[i].Names, references);
                tables[key] = selected;
            }

            perPolicy[i] = selected;
        }

        return perPolicy;
    }

    /// <inheritdoc/>
    public void RunEach(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(failures);
        var perPolicy = TablesFor(table, policies);
        var done = 0;
        void RunOne(int i)
        {
            try
            {
                runs[i] = Backtester.Run(perPolicy[i], policies[i], settings);
                progress?.Report(Interlocked.Increment(ref done));
            }
#pragma warning disable CA1031 // Collected and rethrown by the caller, deterministically: the first failing policy in spec order.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }

            sink?.Add(i, runs[i]);
        }

        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        if (sink is null)
        {
            Parallel.For(0, policies.Count, parallel, RunOne);
        }
        else
        {
            // One index at a time, in order: the policy a sink waits for next is always running on some thread.
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, policies.Count), System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), parallel, RunOne);
        }
    }
}
