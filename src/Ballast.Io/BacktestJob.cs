using System.Collections.Concurrent;
using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Io;

/// <summary>Options of one backtest run, as the CLI or a service gives them.</summary>
public sealed record BacktestOptions
{
    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public FillMode Fill { get; init; } = FillMode.None;

    /// <summary>Overrides the spec's risk-free rate when set.</summary>
    public double? RiskFree { get; init; }

    /// <summary>Keep per-row series and trades (for output files).</summary>
    public bool Record { get; init; }

    /// <summary>Where the policies run once compiled: null for this machine's cores, or a cluster's runner (same outputs, byte for byte).</summary>
    public IPolicyRunner? Runner { get; init; }
}

/// <summary>Everything one backtest produced, in policy order, buy-and-hold included.</summary>
public sealed record BacktestOutcome(
    PolicySet Spec,
    PriceTable Table,
    string DataSource,
    int PeriodsPerYear,
    bool PeriodsInferred,
    double RiskFree,
    IReadOnlyList<PolicyRun> Runs,
    int BaselineIndex)
{
    public PolicyRun Baseline => Runs[BaselineIndex];

    /// <summary>For each run, the index of its buy-and-hold twin's run (the comparator of its premium); -1 for an added named baseline.</summary>
    public IReadOnlyList<int> Twins { get; init; } = [];

    /// <summary>The spec's named baselines, each with the run it is (shared with a policy or twin of the same hash and capital).</summary>
    public IReadOnlyList<NamedBaseline> Baselines { get; init; } = [];

    /// <summary>Notices about the spec's policies (one hash under several names), for stderr and metrics.json.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>What run <paramref name="index"/> is: a policy of the spec, a buy-and-hold twin added for it, or an added named baseline.</summary>
    public RunRole RoleOf(int index) =>
        index < Spec.Policies.Length ? RunRole.Policy : Twins.Count > index && Twins[index] < 0 ? RunRole.Baseline : RunRole.Twin;
}

/// <summary>What a run of a backtest is.</summary>
public enum RunRole
{
    /// <summary>A policy of the spec.</summary>
    Policy,

    /// <summary>A buy-and-hold twin added for policies of the spec whose twin is not itself one of them.</summary>
    Twin,

    /// <summary>A named baseline added because no policy or twin is the same policy with the same capital.</summary>
    Baseline,
}

/// <summary>A named baseline of the spec and the run it is.</summary>
/// <param name="Name">The baseline's name in the spec.</param>
/// <param name="RunIndex">Its run in <see cref="BacktestOutcome.Runs"/>.</param>
public sealed record NamedBaseline(string Name, int RunIndex);

/// <summary>What a backtest is about to run, for a sink that writes its runs as they come: the window, every policy in order (baseline included) and the baseline's index.</summary>
public sealed record BacktestPlan(PriceTable Table, IReadOnlyList<RebalancePolicy> Policies, int BaselineIndex);

/// <summary>
/// The main job: a spec plus data gives every policy's run, each with its buy-and-hold twin alongside (the policy with
/// <c>trigger: none</c>: same universe, weights, costs, lots and capital), and the spec's named baselines. A twin equal
/// to a policy of the spec (same hash and capital) is that policy's run; twins with one hash and capital run once and
/// are shared. <see cref="BacktestOutcome.BaselineIndex"/> is the first policy's twin.
/// </summary>
public static class BacktestJob
{
    public const string BuyAndHoldName = "buy-and-hold";

    /// <summary>At most this many notices name policies sharing a hash; the rest are counted.</summary>
    private const int MaxDuplicateNotices = 10;

    public static BacktestOutcome Run(PolicySet spec, MarketData data, BacktestOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default, Func<BacktestPlan, IRunSink?>? sink = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return Run(spec, Window(spec, data, options), data.Source, options, progress, cancellationToken, sink);
    }

    /// <summary>The window of <paramref name="data"/> a run of <paramref name="spec"/> uses: the spec's series from <c>From</c> to <c>To</c>, filled as asked, with the history rows its policies need available.</summary>
    public static PriceTable Window(PolicySet spec, MarketData data, BacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return PriceWindow.Build(data, spec.AllSeries(), options.From, options.To, options.Fill, name => spec.UniverseLocations.TryGetValue(name, out var l) ? l : null, HistoryRows(spec));
    }

    public static BacktestOutcome Run(PolicySet spec, PriceTable table, string dataSource, BacktestOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default, Func<BacktestPlan, IRunSink?>? sink = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        table = table.WithHistory(HistoryRows(spec));
        // Compiling a policy (its canonical form and hash) is pure: thousands compile in parallel, kept in spec order;
        // a policy that does not compile fails the job with its own error, the first in spec order. Each policy's
        // twin is hashed beside it (a policy that is already buy and hold is its own twin), spliced from the policy's
        // canonical form.
        var count = spec.Policies.Length;
        var twinHashes = new PolicyHash[count];
        var compiled = new RebalancePolicy[count];
        var failures = new Exception?[count];

        // Each policy's twin's canonical form. Policies holding the very same universe, weights, costs and lot objects
        // and one capital (a sweep's cells, a list's inherited blocks: bound once, shared) have byte-identical twins,
        // whose form is spliced and hashed once.
        var twinFormOf = new CanonicalForm?[count];
        var twinsByParts = new ConcurrentDictionary<TwinParts, CanonicalForm>(Environment.ProcessorCount, Math.Min(count, 1 << 14));
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                var policy = spec.Policies[i];
                compiled[i] = new RebalancePolicy(policy);

                // The canonical form and hash are made when first asked for: here, in parallel, not one by one in the
                // identity table below (99,200 cells: about 0.3 s of wall time serially).
                _ = compiled[i].Hash;
                if (IsOwnTwin(policy))
                {
                    twinHashes[i] = compiled[i].Hash;
                }
                else
                {
                    var parts = new TwinParts(policy);
                    if (!twinsByParts.TryGetValue(parts, out var twin))
                    {
                        twin = twinsByParts.GetOrAdd(parts, compiled[i].Canonical.BuyAndHold());
                    }

                    twinFormOf[i] = twin;
                    twinHashes[i] = twin.Hash;
                }
            }
#pragma warning disable CA1031 // Rethrown below, deterministically.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });
        if (Array.FindIndex(failures, f => f is not null) is var firstFailure and >= 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[firstFailure]!).Throw();
        }

        var policies = new List<RebalancePolicy>(count + 1);
        policies.AddRange(compiled);
        // Keyed by a class of the hash and capital: a dictionary over a struct key would be compiled at run time.
        var byIdentity = new Dictionary<Identity, int>(2 * count);
        for (var i = 0; i < count; i++)
        {
            byIdentity.TryAdd(new Identity(compiled[i].Hash, spec.Policies[i].Capital), i);
        }

        // Twins not among the policies are added after them, in order of first use, then named.
        var twinOf = new int[count];
        var firstUsers = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var key = new Identity(twinHashes[i], spec.Policies[i].Capital);
            if (!byIdentity.TryGetValue(key, out var index))
            {
                index = count + firstUsers.Count;
                firstUsers.Add(i);
                byIdentity[key] = index;
            }

            twinOf[i] = index;
        }

        var names = new HashSet<string>(count + firstUsers.Count, StringComparer.Ordinal);
        foreach (var policy in spec.Policies)
        {
            names.Add(policy.Name);
        }

        var twinNames = TwinNames.For(spec, twinOf, [.. firstUsers], names);
        var twins = new List<int>(twinOf);
        for (var k = 0; k < firstUsers.Count; k++)
        {
            twinNames[k] = Unique(twinNames[k], names);
            twins.Add(count + k);
        }

        // Each added twin is built from its first user's compiled parts (targets shared, canonical form spliced):
        // equal to compiling BuyAndHold(policy) whole, in parallel.
        var added = new RebalancePolicy[firstUsers.Count];
        Parallel.For(0, added.Length, new ParallelOptions { CancellationToken = cancellationToken }, k =>
        {
            var first = firstUsers[k];
            added[k] = compiled[first].BuyAndHold(BuyAndHold(spec.Policies[first]) with { Name = twinNames[k] }, twinFormOf[first]);
        });
        policies.AddRange(added);

        var baselines = new List<NamedBaseline>();
        foreach (var baseline in spec.Baselines)
        {
            var compiledBaseline = new RebalancePolicy(baseline);
            if (!byIdentity.TryGetValue(new Identity(compiledBaseline.Hash, baseline.Capital), out var index))
            {
                index = policies.Count;
                var name = names.Add(baseline.Name) ? baseline.Name : Unique(baseline.Name + " (baseline)", names);
                policies.Add(name == baseline.Name ? compiledBaseline : new RebalancePolicy(baseline with { Name = name }));
                twins.Add(-1);
                byIdentity[new Identity(compiledBaseline.Hash, baseline.Capital)] = index;
            }

            baselines.Add(new NamedBaseline(baseline.Name, index));
        }

        var periods = spec.PeriodsPerYear ?? table.InferPeriodsPerYear();
        var riskFree = options.RiskFree ?? spec.RiskFree;
        var settings = new BacktestSettings(periods, riskFree, options.Record);
        (progress as IRunCountProgress)?.Planned(policies.Count);
        var runs = Backtester.RunAll(table, policies, settings, twins, progress, cancellationToken, sink?.Invoke(new BacktestPlan(table, policies, twinOf[0])), options.Runner);
        return new BacktestOutcome(spec, table, dataSource, periods, spec.PeriodsPerYear is null, riskFree, runs, twinOf[0])
        {
            Twins = twins,
            Baselines = baselines,
            Notices = DuplicateHashNotices(spec, compiled),
        };
    }

    /// <summary>Notices for policies of the spec that share one hash under different names (the same rules twice).</summary>
    public static IReadOnlyList<string> DuplicateHashNotices(PolicySet spec, IReadOnlyList<RebalancePolicy> compiled)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(compiled);
        // Grouped by hash through a class key (as Identity): a dictionary or LINQ over the struct would be compiled at run
        // time. Each policy points at its group's first policy; names are gathered only for the groups noticed.
        var firstOf = new Dictionary<Identity, int>(compiled.Count);
        var first = new int[compiled.Count];
        var size = new int[compiled.Count];
        for (var i = 0; i < compiled.Count; i++)
        {
            var key = new Identity(compiled[i].Hash, 0);
            if (!firstOf.TryGetValue(key, out var f))
            {
                f = i;
                firstOf[key] = i;
            }

            first[i] = f;
            size[f]++;
        }

        // The hashes several policies share, by their first policy's index, in order of first use.
        var duplicates = new List<int>();
        for (var i = 0; i < compiled.Count; i++)
        {
            if (first[i] == i && size[i] > 1)
            {
                duplicates.Add(i);
            }
        }

        var notices = new List<string>();
        for (var d = 0; d < Math.Min(duplicates.Count, MaxDuplicateNotices); d++)
        {
            var f = duplicates[d];
            var names = new List<string>(5);
            for (var j = f; j < compiled.Count && names.Count < 5; j++)
            {
                if (first[j] == f)
                {
                    names.Add($"'{compiled[j].Spec.Name}'");
                }
            }

            notices.Add($"{size[f]} policies have one hash ({compiled[f].Hash.ToString()[..12]}), the same rules under different names: {string.Join(", ", names)}{(size[f] > 5 ? ", ..." : string.Empty)}");
        }

        if (duplicates.Count > MaxDuplicateNotices)
        {
            notices.Add($"{duplicates.Count - MaxDuplicateNotices} more hashes are shared by several policies");
        }

        return notices;
    }

    /// <summary><paramref name="name"/>, or it with " #2", " #3", ... when taken; the name returned is added to <paramref name="taken"/>.</summary>
    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var k = 2; !taken.Add(candidate); k++)
        {
            candidate = $"{name} #{k}";
        }

        return candidate;
    }

    /// <summary>Rows of history the spec's policies need before the first investment (the longest covariance lookback or volatility window).</summary>
    public static int HistoryRows(PolicySet spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var rows = 0;
        foreach (var policy in spec.Policies)
        {
            rows = Math.Max(rows, RebalancePolicy.HistoryRowsOf(policy));
        }

        foreach (var baseline in spec.Baselines.IsDefault ? [] : spec.Baselines)
        {
            rows = Math.Max(rows, RebalancePolicy.HistoryRowsOf(baseline));
        }

        return rows;
    }

    /// <summary>A policy that is its own twin: buy and hold already, with the default execution.</summary>
    private static bool IsOwnTwin(PolicySpec policy) => policy.Trigger is NoTrigger && policy.Execution == ExecutionSpec.Default;

    /// <summary>
    /// What a buy-and-hold twin is made of (<see cref="BuyAndHold"/>: everything of its policy but the trigger and
    /// execution), by reference: the universe, weights, costs and lot objects, and the capital. Equal parts give
    /// byte-identical canonical forms (the records are immutable, the writer deterministic); different parts may still.
    /// </summary>
    private sealed class TwinParts(PolicySpec policy) : IEquatable<TwinParts>
    {
        private readonly string[] _universe = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(policy.Universe)!;
        private readonly WeightsSpec _weights = policy.Weights;
        private readonly CostSpec _costs = policy.Costs;
        private readonly double[] _lot = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(policy.Lot)!;
        private readonly double _capital = policy.Capital;

        public bool Equals(TwinParts? other) => other is not null && ReferenceEquals(_universe, other._universe) && ReferenceEquals(_weights, other._weights)
            && ReferenceEquals(_costs, other._costs) && ReferenceEquals(_lot, other._lot) && _capital.Equals(other._capital);

        public override bool Equals(object? obj) => Equals(obj as TwinParts);

        public override int GetHashCode() => HashCode.Combine(
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_universe), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_weights),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_costs), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_lot), _capital.GetHashCode());
    }

    /// <summary>What makes two runs one: the policy's hash and its capital.</summary>
    private sealed class Identity(PolicyHash hash, double capital) : IEquatable<Identity>
    {
        private readonly PolicyHash _hash = hash;
        private readonly double _capital = capital;

        public bool Equals(Identity? other) => other is not null && _hash.Equals(other._hash) && _capital.Equals(other._capital);

        public override bool Equals(object? obj) => Equals(obj as Identity);

        public override int GetHashCode() => HashCode.Combine(_hash.GetHashCode(), _capital.GetHashCode());
    }

    /// <summary>Buy-and-hold of a policy's universe, weights, costs and capital.</summary>
    public static PolicySpec BuyAndHold(PolicySpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template with { Name = BuyAndHoldName, Trigger = new NoTrigger(), Execution = ExecutionSpec.Default };
    }
}
