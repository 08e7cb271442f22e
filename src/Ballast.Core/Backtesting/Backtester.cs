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
    /// <see cref="PolicyStep"/> observes, decides and plans, and the trader executes the plan. The run is the same, bit
    /// for bit, as the policy's run in a group of others (<see cref="RunGroup"/>).
    /// </summary>
    public static PolicyRun Run(PriceTable table, RebalancePolicy policy, BacktestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(settings);
        var runs = new PolicyRun?[1];
        var failures = new Exception?[1];
        LaneGroup.Run(table, [policy], settings, runs, failures);
        if (failures[0] is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return runs[0]!;
    }

    /// <summary>
    /// Runs up to <see cref="GroupSize"/> policies over one table together (each with the table's columns as its
    /// universe), the rows where none of them is asked scanned for all at once: per policy, <c>runs[k]</c> or, when it
    /// failed, <c>failures[k]</c>. Each run is the same, bit for bit, as <see cref="Run"/> of its policy alone.
    /// </summary>
    public static void RunGroup(PriceTable table, ReadOnlySpan<RebalancePolicy> policies, BacktestSettings settings, Span<PolicyRun?> runs, Span<Exception?> failures) =>
        LaneGroup.Run(table, policies, settings, runs, failures);

    /// <summary>How many policies <see cref="RunGroup"/> runs together: the vector width in doubles.</summary>
    public static int GroupSize => LaneScanner.Width;

    /// <summary>The table holds the policy's universe as columns, in order, with the lookback rows a risk-based policy needs.</summary>
    internal static void CheckColumns(PriceTable table, RebalancePolicy policy)
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
