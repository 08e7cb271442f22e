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
        var previousReferences = -1;
        for (var i = 0; i < policies.Count; i++)
        {
            // Neighbours holding the very same universe and no reference series (a sweep's cells) share the table
            // without building its key again.
            var references = policies[i].Spec.ReferenceSeries.ToArray();
            var sameAsPrevious = previousReferences == 0 && references.Length == 0 && ReferenceEquals(policies[i].Names, policies[i - 1].Names);
            previousReferences = references.Length;
            if (sameAsPrevious)
            {
                perPolicy[i] = perPolicy[i - 1];
                continue;
            }

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

    /// <summary>
    /// The groups the policies run in (<see cref="Backtester.RunGroup"/>): consecutive indices in spec order, up to
    /// <see cref="Backtester.GroupSize"/> at a time, all over one table; each group as (start, count).
    /// </summary>
    public static List<(int Start, int Count)> Groups(PriceTable[] perPolicy)
    {
        ArgumentNullException.ThrowIfNull(perPolicy);
        var groups = new List<(int Start, int Count)>((perPolicy.Length / Backtester.GroupSize) + 1);
        var start = 0;
        for (var i = 1; i <= perPolicy.Length; i++)
        {
            if (i == perPolicy.Length || i - start == Backtester.GroupSize || !ReferenceEquals(perPolicy[i], perPolicy[start]))
            {
                groups.Add((start, i - start));
                start = i;
            }
        }

        return groups;
    }

    /// <inheritdoc/>
    public void RunEach(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(policies);
        var perPolicy = TablesFor(table, policies);
        var groups = Groups(perPolicy);
        var done = 0;
        void RunOne(int g)
        {
            var (start, count) = groups[g];
            var members = new RebalancePolicy[count];
            for (var k = 0; k < count; k++)
            {
                members[k] = policies[start + k];
            }

            Backtester.RunGroup(perPolicy[start], members, settings, runs.AsSpan(start, count), failures.AsSpan(start, count));
            for (var k = 0; k < count; k++)
            {
                if (failures[start + k] is null)
                {
                    progress?.Report(Interlocked.Increment(ref done));
                }

                sink?.Add(start + k, runs[start + k]);
            }
        }

        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        if (sink is null)
        {
            Parallel.For(0, groups.Count, parallel, RunOne);
        }
        else
        {
            // One group at a time, in order: the policy a sink waits for next is always running on some thread.
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, groups.Count), System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), parallel, RunOne);
        }
    }
}
