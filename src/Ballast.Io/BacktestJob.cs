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
}

/// <summary>What a backtest is about to run, for a sink that writes its runs as they come: the window, every policy in order (baseline included) and the baseline's index.</summary>
public sealed record BacktestPlan(PriceTable Table, IReadOnlyList<RebalancePolicy> Policies, int BaselineIndex);

/// <summary>
/// The main job: a spec plus data gives every policy's run, with buy-and-hold always alongside. The baseline is
/// buy-and-hold of the spec's first policy (its universe, weights, costs, lots and capital): the first policy equal to
/// it (same hash and capital) is marked as the baseline, otherwise a run named "buy-and-hold" is added at the end.
/// </summary>
public static class BacktestJob
{
    public const string BuyAndHoldName = "buy-and-hold";

    public static BacktestOutcome Run(PolicySet spec, MarketData data, BacktestOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default, Func<BacktestPlan, IRunSink>? sink = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var series = spec.AllSeries();
        var table = PriceWindow.Build(data, series, options.From, options.To, options.Fill, name => spec.UniverseLocations.TryGetValue(name, out var l) ? l : null, HistoryRows(spec));
        return Run(spec, table, data.Source, options, progress, cancellationToken, sink);
    }

    public static BacktestOutcome Run(PolicySet spec, PriceTable table, string dataSource, BacktestOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default, Func<BacktestPlan, IRunSink>? sink = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        table = table.WithHistory(HistoryRows(spec));
        // Compiling a policy (its canonical form and hash) is pure: thousands compile in parallel, kept in spec order;
        // a policy that does not compile fails the job with its own error, the first in spec order.
        var compiled = new RebalancePolicy[spec.Policies.Length];
        var failures = new Exception?[compiled.Length];
        Parallel.For(0, compiled.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                compiled[i] = new RebalancePolicy(spec.Policies[i]);
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

        var policies = new List<RebalancePolicy>(compiled.Length + 1);
        policies.AddRange(compiled);

        var baseline = BuyAndHold(spec.Policies[0]);
        var baselineHash = baseline.Hash;
        var baselineIndex = -1;
        for (var i = 0; i < policies.Count; i++)
        {
            if (policies[i].Hash == baselineHash && spec.Policies[i].Capital == baseline.Capital)
            {
                baselineIndex = i;
                break;
            }
        }

        if (baselineIndex < 0)
        {
            if (spec.Policies.Any(p => p.Name == BuyAndHoldName))
            {
                baseline = baseline with { Name = BuyAndHoldName + " (baseline)" };
            }

            policies.Add(new RebalancePolicy(baseline));
            baselineIndex = policies.Count - 1;
        }

        var periods = spec.PeriodsPerYear ?? table.InferPeriodsPerYear();
        var riskFree = options.RiskFree ?? spec.RiskFree;
        var settings = new BacktestSettings(periods, riskFree, options.Record);
        var runs = Backtester.RunAll(table, policies, settings, baselineIndex, progress, cancellationToken, sink?.Invoke(new BacktestPlan(table, policies, baselineIndex)));
        return new BacktestOutcome(spec, table, dataSource, periods, spec.PeriodsPerYear is null, riskFree, runs, baselineIndex);
    }

    /// <summary>Rows of history the spec's policies need before the first investment (the longest covariance lookback or volatility window).</summary>
    public static int HistoryRows(PolicySet spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Policies.Select(RebalancePolicy.HistoryRowsOf).DefaultIfEmpty(0).Max();
    }

    /// <summary>Buy-and-hold of a policy's universe, weights, costs and capital.</summary>
    public static PolicySpec BuyAndHold(PolicySpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template with { Name = BuyAndHoldName, Trigger = new NoTrigger(), Execution = ExecutionSpec.Default };
    }
}
