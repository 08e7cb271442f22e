using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>Settings shared by every policy of one backtest run.</summary>
/// <param name="PeriodsPerYear">Rows per year, for annualising volatility, Sharpe and Sortino.</param>
/// <param name="RiskFree">Annual risk-free rate for Sharpe and Sortino.</param>
/// <param name="Record">Keep per-row equity, weights, drift and the trade list (needed for output files and reports).</param>
/// <param name="Kernel">
/// The engine's kernels (row scan and trade step): <see cref="EngineKernel.Auto"/> (the default) picks vectors where they
/// can run; <see cref="EngineKernel.Scalar"/> forces the scalar fallback; <see cref="EngineKernel.Vector"/> forces vectors
/// and is refused (<see cref="ArgumentException"/>) where they cannot run (fewer assets than one vector, no vector hardware, lots, or costs that differ by direction).
/// </param>
public sealed record BacktestSettings(int PeriodsPerYear, double RiskFree = 0, bool Record = false, EngineKernel Kernel = EngineKernel.Auto);

/// <summary>One executed trade in one asset.</summary>
/// <param name="Row">The window row the trade executed on (at its close).</param>
/// <param name="Date">That row's date.</param>
/// <param name="Asset">The asset's series name.</param>
/// <param name="Price">The asset's price at the close, in currency per unit.</param>
/// <param name="UnitsBefore">Units held before the trade.</param>
/// <param name="UnitsAfter">Units held after it (whole lots when the asset has a lot size).</param>
/// <param name="Value">Signed value traded, in currency: positive for a buy, negative for a sale.</param>
/// <param name="Cost">The trade's cost, in currency, paid out of NAV.</param>
/// <param name="WeightBefore">The asset's weight of NAV before the row's trades.</param>
/// <param name="WeightAfter">Its weight of NAV after the row's trades and costs.</param>
/// <param name="Reason">Why the rebalance fired (the trigger's one-line explanation).</param>
public sealed record TradeRecord(
    int Row,
    DateOnly Date,
    string Asset,
    double Price,
    double UnitsBefore,
    double UnitsAfter,
    double Value,
    double Cost,
    double WeightBefore,
    double WeightAfter,
    string Reason);

/// <summary>The outcome of one policy over one window.</summary>
public sealed class PolicyRun
{
    internal PolicyRun(RebalancePolicy policy, BacktestMetrics metrics, double[]? equity, double[]? weights, double[]? drift, IReadOnlyList<TradeRecord>? trades, double[]? riskContributions = null)
    {
        RiskContributions = riskContributions;
        Policy = policy;
        Metrics = metrics;
        Equity = equity;
        Weights = weights;
        MaxDrift = drift;
        Trades = trades;
    }

    /// <summary>
    /// A run made elsewhere (a worker of a cluster), put back together from its parts: the compiled policy on this side,
    /// and the metrics, series and trades the worker computed, bit for bit.
    /// </summary>
    public static PolicyRun FromParts(RebalancePolicy policy, BacktestMetrics metrics, double[]? equity, double[]? weights, double[]? drift, IReadOnlyList<TradeRecord>? trades, double[]? riskContributions) =>
        new(policy, metrics, equity, weights, drift, trades, riskContributions);

    /// <summary>The compiled policy that was run.</summary>
    public RebalancePolicy Policy { get; }

    /// <summary>The policy's name from its spec.</summary>
    public string Name => Policy.Spec.Name;

    /// <summary>The policy's hash: the SHA-256 of its canonical JSON, lower-case hex, its published identity.</summary>
    public PolicyHash Hash => Policy.Hash;

    /// <summary>The run's metrics (see docs/metrics.md); the rebalancing premium is set once the baseline has run.</summary>
    public BacktestMetrics Metrics { get; internal set; }

    /// <summary>NAV at each row's close, after that row's trades and costs (recorded runs only).</summary>
    public double[]? Equity { get; private set; }

    /// <summary>Row-major weights after each row's trades (recorded runs only).</summary>
    public double[]? Weights { get; private set; }

    /// <summary>Largest absolute drift from target at each row's close, before trades (recorded runs only).</summary>
    public double[]? MaxDrift { get; private set; }

    /// <summary>
    /// Row-major risk contributions after each row's trades, from the covariance estimated at the policy's last
    /// rebalance (recorded runs of risk-based policies only).
    /// </summary>
    public double[]? RiskContributions { get; private set; }

    /// <summary>Every trade, including the initial investment on row 0 (recorded runs only).</summary>
    public IReadOnlyList<TradeRecord>? Trades { get; private set; }

    /// <summary>
    /// Drops the per-row series and the trade list (the metrics stay), once a <see cref="IRunSink"/> has written them:
    /// a sweep of any size then holds only the runs it still needs.
    /// </summary>
    public void ReleaseSeries()
    {
        Equity = null;
        Weights = null;
        MaxDrift = null;
        RiskContributions = null;
        Trades = null;
    }
}
