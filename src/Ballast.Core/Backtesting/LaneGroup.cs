using Ballast.Costs;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Backtesting;

/// <summary>
/// Runs up to <see cref="LaneScanner.Width"/> policies over one price table together, one per lane of a
/// <see cref="LaneScanner"/>: the rows where no policy is asked run for all of them at once, and on a row where some
/// are, each of those runs its own <see cref="PolicyStep"/> and <see cref="Trader"/> as a single run would. A policy's
/// numbers are the same bits whichever group it runs in (the lanes' arithmetic is independent).
/// </summary>
internal sealed class LaneGroup
{
    private static readonly TriggerReason InitialInvestment = new("initial", "initial investment");

    private readonly PriceTable _table;
    private readonly BacktestSettings _settings;
    private readonly LaneScanner _scanner;
    private readonly Lane?[] _lanes;

    private LaneGroup(PriceTable table, BacktestSettings settings, int assets)
    {
        _table = table;
        _settings = settings;
        _scanner = new LaneScanner(table.Prices, assets, settings.Kernel, Math.Pow(1 + settings.RiskFree, 1.0 / settings.PeriodsPerYear) - 1);
        _lanes = new Lane?[LaneScanner.Width];
    }

    /// <summary>
    /// Runs <paramref name="policies"/> (at most <see cref="LaneScanner.Width"/>, each with the table's columns as its
    /// universe) and sets, per policy, <c>runs[k]</c> or, when it failed, <c>failures[k]</c>.
    /// </summary>
    public static void Run(PriceTable table, ReadOnlySpan<RebalancePolicy> policies, BacktestSettings settings, Span<PolicyRun?> runs, Span<Exception?> failures)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(settings);
        if (policies.Length > LaneScanner.Width || runs.Length < policies.Length || failures.Length < policies.Length)
        {
            throw new ArgumentException($"a group runs 1 to {LaneScanner.Width} policies, with a run and a failure slot for each");
        }

        var group = new LaneGroup(table, settings, table.ColumnCount);
        for (var k = 0; k < policies.Length; k++)
        {
            try
            {
                group._lanes[k] = group.Start(k, policies[k]);
            }
#pragma warning disable CA1031 // One policy's failure is its own: recorded for the caller, who rethrows deterministically.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[k] = e;
            }
        }

        for (var k = 0; k < LaneScanner.Width; k++)
        {
            if (group._lanes[k] is null)
            {
                // An idle lane holds one unit of cash: finite numbers, never read.
                group._scanner.Start(k, 1, new double[table.ColumnCount], 1, new double[table.ColumnCount]);
            }
        }

        group.RunRows(failures);
        for (var k = 0; k < policies.Length; k++)
        {
            if (group._lanes[k] is { } lane && failures[k] is null)
            {
                runs[k] = group.Finish(k, lane);
            }
        }
    }

    /// <summary>Row 0 of lane <paramref name="k"/>: invest at the targets at the close, paying costs.</summary>
    private Lane Start(int k, RebalancePolicy policy)
    {
        Backtester.CheckColumns(_table, policy);
        var n = policy.AssetCount;
        var spec = policy.Spec;
        var record = _settings.Record;
        var step = PolicyStep.ForBacktest(policy, _table, _settings.PeriodsPerYear);
        var lane = new Lane(policy, step, new PortfolioState(n, spec.Capital), new double[n], new Trader(CostModel.FromSpec(spec.Costs, policy.Names.Count), spec.Lot, policy.Names, record ? new List<TradeRecord>() : null, _settings.Kernel), record ? new Recorder(_table.RowCount, n, policy.IsRiskBased) : null, record || policy.UsesMaxAbsDrift);
        var prices = _table.Prices.AsSpan(0, n);
        lane.Trader.Execute(lane.State, prices, spec.Capital, lane.Weights, step.TargetsPpm, new bool[n], 0, _table.Dates[0], InitialInvestment, out var initialCost, out _);
        lane.Recorder?.EstimateCovariance(spec, _table, 0);
        var nav = spec.Capital - initialCost;
        lane.Metrics.AddInitialCost(initialCost);
        lane.Recorder?.Record(0, nav, 0, lane.State.Units, prices);

        _scanner.Start(k, nav, lane.State.Units, lane.State.Cash, step.Targets);

        // The lane stops on every row when the run is recorded or the policy state observes each row; else on its
        // candidate rows where its band may be exceeded.
        _scanner.SetStops(k, record || step.State is not null, step.CandidateRows, policy.FiresOnlyAboveDrift);

        return lane;
    }

    /// <summary>Rows 1 … T−1: scan to the next row where some lane is asked, run those lanes' steps there, book the row.</summary>
    private void RunRows(Span<Exception?> failures)
    {
        var rows = _table.RowCount;
        var n = _table.ColumnCount;
        var navAfter = new double[LaneScanner.Width];
        var drifts = new double[LaneScanner.Width];
        for (var t = 1; t < rows; t++)
        {
            t = _scanner.Scan(t, rows, out var events);
            if (t == rows)
            {
                break;
            }

            var p = _table.Prices.AsSpan(t * n, n);
            for (var k = 0; k < LaneScanner.Width; k++)
            {
                navAfter[k] = _scanner.Value(k);

                if ((events & (1 << k)) != 0)
                {
                    try
                    {
                        navAfter[k] = Step(k, _lanes[k]!, t, p, out drifts[k]);
                    }
#pragma warning disable CA1031 // One policy's failure is its own: its lane stops, the others go on.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        failures[k] = e;
                        _scanner.Deactivate(k);
                        events &= ~(1 << k);
                    }
                }
            }

            _scanner.Book(navAfter);
            for (var k = 0; k < LaneScanner.Width; k++)
            {
                if ((events & (1 << k)) != 0 && _lanes[k]!.Recorder is { } recorder)
                {
                    recorder.Record(t, navAfter[k], drifts[k], _lanes[k]!.State.Units, p);
                }
            }
        }
    }

    /// <summary>
    /// Lane <paramref name="k"/>'s step on row <paramref name="t"/>: the <see cref="PolicyStep"/> observes, decides and
    /// plans, the trader executes the plan. Returns the row's NAV after its trades and costs.
    /// </summary>
    private double Step(int k, Lane lane, int t, ReadOnlySpan<double> p, out double driftMax)
    {
        var value = _scanner.Value(k);
        var exact = _scanner.StopWeights(k, t, lane.Weights);
        driftMax = lane.RowMax ? exact : double.NaN;
        var plan = lane.Step.Step(new HoldingsOnRow(t, lane.Weights, value, driftMax));
        plan?.ThrowIfFailed();
        if (plan is { Trades: true } && lane.Trader.Execute(lane.State, p, value, lane.Weights, plan.WeightsPpm, plan.Held, t, _table.Dates[t], plan.Reason, out var cost, out var traded))
        {
            lane.Step.Traded(t);
            lane.Metrics.AddRebalance(traded, cost, _scanner.Scale(k));
            lane.Recorder?.EstimateCovariance(lane.Policy.Spec, _table, t);
            _scanner.SetHoldings(k, lane.State.Units, lane.State.Cash);
            if (lane.Policy.IsRiskBased || lane.Policy.RetargetsByRegime)
            {
                // Only these policies' targets in force change when they trade (PolicyStep.Traded).
                _scanner.SetTargets(k, lane.Step.Targets);
            }

            return value - cost;
        }

        return value;
    }

    private PolicyRun Finish(int k, Lane lane)
    {
        var rows = _table.RowCount;
        var (driftSum, driftMax) = _scanner.DriftTotals(k);
        lane.Metrics.AddDrift(driftSum, (long)(rows - 1) * lane.Policy.AssetCount, driftMax);
        var result = lane.Metrics.Finish(lane.Policy.Spec.Capital, _scanner.Nav(k), _table.Dates[0], _table.Dates[^1], _settings.PeriodsPerYear, _scanner.Returns(k));
        var recorder = lane.Recorder;
        return new PolicyRun(lane.Policy, result, recorder?.Equity, recorder?.Weights, recorder?.Drift, lane.Trader.Trades, recorder?.RiskContributions);
    }

    /// <summary>What one lane's run carries besides the scanner's lanes.</summary>
    private sealed class Lane(RebalancePolicy policy, PolicyStep step, PortfolioState state, double[] weights, Trader trader, Recorder? recorder, bool rowMax)
    {
        public RebalancePolicy Policy { get; } = policy;

        public PolicyStep Step { get; } = step;

        public PortfolioState State { get; } = state;

        public double[] Weights { get; } = weights;

        public Trader Trader { get; } = trader;

        public Recorder? Recorder { get; } = recorder;

        public bool RowMax { get; } = rowMax;

#pragma warning disable SA1401 // A mutable struct updated in place.
        public MetricsAccumulator Metrics;
#pragma warning restore SA1401
    }
}
