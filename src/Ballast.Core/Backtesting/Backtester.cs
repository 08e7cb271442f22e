using Ballast.Costs;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>
/// The close-to-close backtest engine (semantics in docs/backtest-semantics.md). One policy runs on one thread with
/// no allocation per row; many policies run in parallel on all cores.
/// </summary>
public static class Backtester
{
    /// <summary>A trade smaller than half a part per million of NAV is not executed: it is inside the rounding grid of the targets.</summary>
    internal const double NoTradeFraction = 0.5e-6;

    private static readonly TriggerReason InitialInvestment = new("initial", "initial investment");

    /// <summary>
    /// Runs every policy on the table (each on the columns of its universe), in parallel, and fills in the
    /// rebalancing premium against <paramref name="baselineIndex"/> (buy and hold) for every policy. Results are in policy order.
    /// </summary>
    /// <remarks>
    /// With a <c>sink</c>, each policy's run (null for a policy that failed) goes to it as soon as it is done, on the
    /// thread that ran it; policies are then started in spec order, one at a time per thread, so a sink that holds
    /// out-of-order runs back can bound what it holds (see <see cref="IRunSink"/>).
    /// </remarks>
    public static PolicyRun[] RunAll(PriceTable table, IReadOnlyList<RebalancePolicy> policies, BacktestSettings settings, int baselineIndex, IProgress<int>? progress = null, CancellationToken cancellationToken = default, IRunSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return RunAll(table, policies, settings, Enumerable.Repeat(baselineIndex, policies.Count).ToArray(), progress, cancellationToken, sink);
    }

    /// <summary>
    /// Runs every policy on the table, in parallel, and fills in each policy's rebalancing premium against its own
    /// buy-and-hold twin, <c>runs[twins[i]]</c> (<see cref="PolicyComparison.Compare"/>; a negative index leaves it
    /// unset). Results are in policy order. The policies run where <paramref name="runner"/> runs them (default: in
    /// parallel on this machine, <see cref="ParallelPolicyRunner"/>).
    /// </summary>
    public static PolicyRun[] RunAll(PriceTable table, IReadOnlyList<RebalancePolicy> policies, BacktestSettings settings, IReadOnlyList<int> twins, IProgress<int>? progress = null, CancellationToken cancellationToken = default, IRunSink? sink = null, IPolicyRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(twins);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(settings);
        var runs = new PolicyRun[policies.Count];
        var failures = new Exception?[policies.Count];
        (runner ?? ParallelPolicyRunner.Instance).RunEach(table, policies, twins, settings, runs, failures, progress, sink, cancellationToken);
        if (Array.FindIndex(failures, f => f is not null) is var first and >= 0)
        {
            // Every policy runs, so the report is deterministic: the first bad-input failure in spec order (what the
            // user can act on), else the first failure.
            var chosen = failures.FirstOrDefault(f => f is BallastInputException) ?? failures[first]!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(chosen).Throw();
        }

        // Every premium is computed from the runs as they finished, before any is set.
        var premiums = new double?[runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            premiums[i] = twins[i] >= 0 ? PolicyComparison.Compare(runs[i], runs[twins[i]]).CagrDifference : null;
        }

        for (var i = 0; i < runs.Length; i++)
        {
            runs[i].Metrics = runs[i].Metrics with { RebalancingPremium = premiums[i] };
        }

        return runs;
    }

    /// <summary>
    /// Runs one policy. The table's columns must be the policy's universe, in order. Row 0 invests at the targets;
    /// then each row the scanner values the holdings (skipping rows where the policy cannot act), the
    /// <see cref="PolicyStep"/> observes, decides and plans, and the trader executes the plan.
    /// </summary>
    public static PolicyRun Run(PriceTable table, RebalancePolicy policy, BacktestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(settings);
        CheckColumns(table, policy);

        var n = policy.AssetCount;
        var rows = table.RowCount;
        var prices = table.Prices;
        var spec = policy.Spec;
        var record = settings.Record;
        var step = PolicyStep.ForBacktest(policy, table, settings.PeriodsPerYear);

        var state = new PortfolioState(n, spec.Capital);
        var weights = new double[n];
        var trader = new Trader(CostModel.FromSpec(spec.Costs, policy.Names.Count), spec.Lot, policy.Names, record ? new List<TradeRecord>() : null, settings.Kernel);
        var recorder = record ? new Recorder(rows, n, policy.IsRiskBased) : null;
        var riskFreePerPeriod = Math.Pow(1 + settings.RiskFree, 1.0 / settings.PeriodsPerYear) - 1;
        var metrics = default(MetricsAccumulator);

        // Row 0: invest at the targets at the close, paying costs.
        trader.Execute(state, prices.AsSpan(0, n), spec.Capital, weights, step.TargetsPpm, new bool[n], 0, table.Dates[0], InitialInvestment, out var initialCost, out _);
        recorder?.EstimateCovariance(spec, table, 0);
        var nav = spec.Capital - initialCost;
        metrics.AddInitialCost(initialCost);
        recorder?.Record(0, nav, 0, state.Units, prices.AsSpan(0, n));

        var units = state.Units;
        var scanner = new RowScanner(prices, n, settings.Kernel);
        scanner.Start(nav, riskFreePerPeriod, units, state.Cash);
        var band = policy.FiresOnlyAboveDrift;
        var rowMax = record || policy.UsesMaxAbsDrift;

        // The scanner skips rows where the policy cannot act in one tight loop; it stops on every row when the run is
        // recorded or the policy state observes each row.
        var everyRow = record || step.State is not null;
        for (var t = 1; t < rows; t++)
        {
            t = scanner.Scan(t, rows, units, state.Cash, step.Targets, weights, step.CandidateRows, band is not null, band ?? 0, rowMax, everyRow, out var value, out var inverse, out var driftMax);
            if (t == rows)
            {
                break;
            }

            var p = prices.AsSpan(t * n, n);
            var navAfter = value;
            var plan = step.Step(new HoldingsOnRow(t, weights, value, driftMax));
            plan?.ThrowIfFailed();
            if (plan is { Trades: true } && trader.Execute(state, p, value, weights, plan.WeightsPpm, plan.Held, t, table.Dates[t], plan.Reason, out var cost, out var traded))
            {
                step.Traded(t);
                navAfter = value - cost;
                metrics.AddRebalance(traded, cost, inverse);
                recorder?.EstimateCovariance(spec, table, t);
            }

            scanner.Book(navAfter, value, inverse);
            recorder?.Record(t, navAfter, driftMax, units, p);
        }

        var (driftSum, driftMaxAll) = scanner.DriftTotals();
        metrics.AddDrift(driftSum, (long)(rows - 1) * n, driftMaxAll);
        var result = metrics.Finish(spec.Capital, scanner.Nav, table.Dates[0], table.Dates[^1], settings.PeriodsPerYear, scanner.Returns);
        return new PolicyRun(policy, result, recorder?.Equity, recorder?.Weights, recorder?.Drift, trader.Trades, recorder?.RiskContributions);
    }

    /// <summary>The table holds the policy's universe as columns, in order, with the lookback rows a risk-based policy needs.</summary>
    private static void CheckColumns(PriceTable table, RebalancePolicy policy)
    {
        if (table.ColumnCount != policy.AssetCount)
        {
            throw new ArgumentException($"the table has {table.ColumnCount} columns but policy '{policy.Spec.Name}' has {policy.AssetCount} assets", nameof(table));
        }

        for (var i = 0; i < policy.AssetCount; i++)
        {
            if (!string.Equals(table.Names[i], policy.Names[i], StringComparison.Ordinal))
            {
                throw new ArgumentException($"column {i} is '{table.Names[i]}' but the policy expects '{policy.Names[i]}'", nameof(table));
            }
        }

        if (policy.IsRiskBased && table.RowsUpTo(0) <= policy.HistoryRows)
        {
            throw new ArgumentException($"policy '{policy.Spec.Name}' needs {policy.HistoryRows} rows of history before the first row; build the table with PriceWindow (historyRows) or PriceTable.WithHistory", nameof(table));
        }
    }
}

/// <summary>Per-row series of a recorded run.</summary>
internal sealed class Recorder(int rows, int assets, bool riskBased)
{
    /// <summary>The covariance estimated at the last rebalance of a risk-based policy (for its risk contributions).</summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double>? Covariance { get; private set; }

    /// <summary>Keeps the covariance a risk-based policy estimated on <paramref name="row"/>, where it rebalanced.</summary>
    public void EstimateCovariance(PolicySpec spec, PriceTable table, int row)
    {
        if (spec.Weights is RiskWeights risk)
        {
            Covariance = RebalancePolicy.Estimate(risk.Covariance, table, row);
        }
    }

    public double[]? RiskContributions { get; } = riskBased ? new double[rows * assets] : null;

    public double[] Equity { get; } = new double[rows];

    public double[] Weights { get; } = new double[rows * assets];

    public double[] Drift { get; } = new double[rows];

    public void Record(int row, double nav, double drift, ReadOnlySpan<double> units, ReadOnlySpan<double> prices)
    {
        Equity[row] = nav;
        Drift[row] = drift;
        for (var i = 0; i < assets; i++)
        {
            Weights[(row * assets) + i] = units[i] * prices[i] / nav;
        }

        if (RiskContributions is not null && Covariance is not null)
        {
            var rc = Optimisation.RiskBudgeting.RiskContributions(Covariance, Weights.AsSpan(row * assets, assets).ToArray());
            rc.CopyTo(RiskContributions, row * assets);
        }
    }
}
