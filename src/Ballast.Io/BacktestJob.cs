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
        var hashes = new TwinHashes();
        var compiled = new RebalancePolicy[count];
        var twinSpecs = new PolicySpec?[count];
        var failures = new Exception?[count];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                compiled[i] = new RebalancePolicy(spec.Policies[i]);
                var isOwnTwin = spec.Policies[i].Trigger is NoTrigger && spec.Policies[i].Execution == ExecutionSpec.Default;
                twinSpecs[i] = isOwnTwin ? null : BuyAndHold(spec.Policies[i]);
                twinHashes[i] = isOwnTwin ? compiled[i].Hash : hashes.HashOf(compiled[i].Canonical);
            }
#pragma warning disable CA1031 // Rethrown below, deterministically.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        var policies = new List<RebalancePolicy>(count + 1);
        policies.AddRange(compiled);
        var byIdentity = new Dictionary<(PolicyHash Hash, double Capital), int>();
        for (var i = 0; i < count; i++)
        {
            byIdentity.TryAdd((compiled[i].Hash, spec.Policies[i].Capital), i);
        }

        // Twins not among the policies are added after them, in order of first use, then named.
        var twinOf = new int[count];
        var added = new List<(int FirstUser, PolicySpec Twin)>();
        for (var i = 0; i < count; i++)
        {
            var key = (twinHashes[i], spec.Policies[i].Capital);
            if (!byIdentity.TryGetValue(key, out var index))
            {
                index = count + added.Count;
                added.Add((i, twinSpecs[i]!));
                byIdentity[key] = index;
            }

            twinOf[i] = index;
        }

        var names = new HashSet<string>(spec.Policies.Select(p => p.Name), StringComparer.Ordinal);
        var twinNames = TwinNames.For(spec, twinOf, added.Select(a => a.FirstUser).ToArray(), names);
        var twins = new List<int>(twinOf);
        for (var k = 0; k < added.Count; k++)
        {
            var name = Unique(twinNames[k], names);
            policies.Add(new RebalancePolicy(added[k].Twin with { Name = name }));
            twins.Add(count + k);
        }

        var baselines = new List<NamedBaseline>();
        foreach (var baseline in spec.Baselines)
        {
            var compiledBaseline = new RebalancePolicy(baseline);
            if (!byIdentity.TryGetValue((compiledBaseline.Hash, baseline.Capital), out var index))
            {
                index = policies.Count;
                var name = names.Add(baseline.Name) ? baseline.Name : Unique(baseline.Name + " (baseline)", names);
                policies.Add(name == baseline.Name ? compiledBaseline : new RebalancePolicy(baseline with { Name = name }));
                twins.Add(-1);
                byIdentity[(compiledBaseline.Hash, baseline.Capital)] = index;
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
        var groups = new Dictionary<PolicyHash, List<string>>();
        var order = new List<PolicyHash>();
        for (var i = 0; i < compiled.Count; i++)
        {
            if (!groups.TryGetValue(compiled[i].Hash, out var group))
            {
                group = [];
                groups[compiled[i].Hash] = group;
                order.Add(compiled[i].Hash);
            }

            group.Add(compiled[i].Spec.Name);
        }

        var duplicates = order.Where(h => groups[h].Count > 1).ToList();
        var notices = new List<string>();
        foreach (var hash in duplicates.Take(MaxDuplicateNotices))
        {
            var group = groups[hash];
            var shown = string.Join(", ", group.Take(5).Select(n => $"'{n}'"));
            notices.Add($"{group.Count} policies have one hash ({hash.ToString()[..12]}), the same rules under different names: {shown}{(group.Count > 5 ? ", ..." : string.Empty)}");
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
        return spec.Policies.Concat(spec.Baselines.IsDefault ? [] : spec.Baselines).Select(RebalancePolicy.HistoryRowsOf).DefaultIfEmpty(0).Max();
    }

    /// <summary>Buy-and-hold of a policy's universe, weights, costs and capital.</summary>
    public static PolicySpec BuyAndHold(PolicySpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template with { Name = BuyAndHoldName, Trigger = new NoTrigger(), Execution = ExecutionSpec.Default };
    }
}
