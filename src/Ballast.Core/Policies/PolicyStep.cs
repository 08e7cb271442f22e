using Ballast.Data;

namespace Ballast.Policies;

/// <summary>
/// The one sequence that runs a policy on a row, shared by the backtester, the protocol's keeper and
/// <c>ballast weights</c>: observe (advance the policy state by the row), decide (the trigger), propose targets (the
/// fixed ones, or those a risk-based scheme solves from the lookback ending at the row), plan the execution (band
/// edge, partial, turnover cap, minimum trade). It carries what a policy carries from row to row: the targets in
/// force, the row of the last rebalance and the <see cref="PolicyState"/>. One step per run (or per keeper call); not
/// thread-safe.
/// </summary>
public sealed class PolicyStep
{
    private readonly PriceTable _table;
    private readonly PriceTable? _prices;
    private readonly int _periodsPerYear;
    private readonly bool _windowEndsAtLastRow;
    private readonly bool _risk;
    private readonly bool _retarget;
    private readonly int[] _targetPpm;
    private readonly double[] _targets;
    private readonly int[] _proposedPpm;
    private readonly double[] _proposed;
    private readonly RebalancePlan _plan;
    private readonly bool[]? _candidates;
    private readonly double? _band;

    private PolicyStep(RebalancePolicy policy, PriceTable table, int periodsPerYear, bool windowEndsAtLastRow, ReadOnlySpan<int> targetsInForcePpm, int lastRebalanceRow, PolicyState? state, bool[]? candidates)
    {
        Policy = policy;
        _table = table;
        _prices = policy.NeedsPrices ? table : null;
        _periodsPerYear = periodsPerYear;
        _windowEndsAtLastRow = windowEndsAtLastRow;
        _risk = policy.IsRiskBased;
        _retarget = policy.RetargetsByRegime;
        var n = policy.AssetCount;
        _targetPpm = new int[n];
        _targets = new double[n];
        _proposedPpm = new int[n];
        _proposed = new double[n];
        _plan = new RebalancePlan(n);
        SetTargets(targetsInForcePpm, _targetPpm, _targets);
        LastRebalanceRow = lastRebalanceRow;
        State = policy.ObservesVolatility ? state ?? new PolicyState() : null;
        _candidates = candidates;
        _band = policy.FiresOnlyAboveDrift;
    }

    /// <summary>
    /// Why a portfolio is first invested: the backtest's row 0, and a live vault's first deposit (the keeper sets an
    /// empty vault's targets to <see cref="InitialTargets"/> so the deposit is invested the same way).
    /// </summary>
    public static TriggerReason InitialInvestment { get; } = new("initial", "initial investment");

    /// <summary>The policy this step runs.</summary>
    public RebalancePolicy Policy { get; }

    /// <summary>What the policy carries from row to row (its volatility regime), or null for a policy that carries nothing.</summary>
    public PolicyState? State { get; }

    /// <summary>The row of the last rebalance that traded (the initial investment counts, at row 0).</summary>
    public int LastRebalanceRow { get; private set; }

    /// <summary>The targets in force, in parts per million (universe order).</summary>
    public ReadOnlySpan<int> TargetsPpm => _targetPpm;

    /// <summary>The targets in force as fractions (exactly <see cref="TargetsPpm"/> / 10^6); drift is measured against them.</summary>
    public ReadOnlySpan<double> Targets => _targets;

    /// <summary>The rows on which the trigger can fire at all (null: any row, or not computed); skipping the others changes no decision.</summary>
    public bool[]? CandidateRows => _candidates;

    /// <summary>
    /// A step for a backtest over <paramref name="table"/> (the policy's universe as columns, with lookback rows
    /// before the window when the policy needs them): the targets the policy sets on row 0 with nothing held come
    /// into force there (the initial investment), and nothing fires on the window's last row.
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed on row 0 (infeasible or degenerate estimate).</exception>
    public static PolicyStep ForBacktest(RebalancePolicy policy, PriceTable table, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        var initial = InitialTargets(policy, table, 0, periodsPerYear);
        return new PolicyStep(policy, table, periodsPerYear, windowEndsAtLastRow: true, initial, 0, null, policy.CandidateRows(table.Calendar, periodsPerYear));
    }

    /// <summary>
    /// A step for a live vault: <paramref name="table"/> ends today (its last row is the one the keeper decides on and
    /// may trade), with the targets in force, the row of the last rebalance and the policy state the vault's journal
    /// carries (null: a fresh state). The step advances its own copy of <paramref name="state"/>.
    /// </summary>
    public static PolicyStep ForVault(RebalancePolicy policy, PriceTable table, int periodsPerYear, ReadOnlySpan<int> targetsInForcePpm, int lastRebalanceRow, PolicyState? state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        if (targetsInForcePpm.Length != policy.AssetCount)
        {
            throw new ArgumentException($"{targetsInForcePpm.Length} targets for a policy of {policy.AssetCount} assets", nameof(targetsInForcePpm));
        }

        return new PolicyStep(policy, table, periodsPerYear, windowEndsAtLastRow: false, targetsInForcePpm, lastRebalanceRow, state?.Copy(), null);
    }

    /// <summary>
    /// The targets a portfolio holding nothing is first invested at on row <paramref name="row"/> of
    /// <paramref name="table"/> (its lookback ending there; nothing after it read), in parts per million summing to
    /// 1,000,000: the policy's fixed targets, or those its risk-based scheme solves from nothing held. The backtest
    /// invests its row 0 at them; the keeper sets them on an empty vault, so a first deposit is invested at them.
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed there (infeasible or degenerate estimate).</exception>
    public static int[] InitialTargets(RebalancePolicy policy, PriceTable table, int row, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        var initial = new int[policy.AssetCount];
        ProposeTargets(policy, table, row, new double[policy.AssetCount], 1, periodsPerYear, initial, default);
        return initial;
    }

    /// <summary>
    /// The targets <paramref name="policy"/> would set on the last row of <paramref name="table"/> from
    /// <paramref name="weights"/> (value / NAV per asset, universe order; all zero when nothing is held, as for an
    /// initial allocation), in parts per million summing to 1,000,000. The table holds the policy's universe as
    /// columns, with enough rows before its last one for the policy's lookback. This is what <c>ballast weights</c>
    /// prints: the same computation a vault or a backtest runs when the policy rebalances on that row.
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed there (infeasible constraints, degenerate estimate, an asset without variance).</exception>
    public static int[] TargetsOnLastRow(RebalancePolicy policy, PriceTable table, ReadOnlySpan<double> weights, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(table);
        return TargetsOnRow(policy, table, table.RowCount - 1, weights, periodsPerYear);
    }

    /// <summary>
    /// <see cref="TargetsOnLastRow"/> on row <paramref name="row"/> of <paramref name="table"/> (the rows before it
    /// are its lookback; the rows after it are not read): what <c>ballast weights SPEC --at DATE</c> prints.
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed there.</exception>
    public static int[] TargetsOnRow(RebalancePolicy policy, PriceTable table, int row, ReadOnlySpan<double> weights, int periodsPerYear) =>
        TargetsOnRow(policy, table, row, weights, periodsPerYear, default);

    /// <summary>
    /// <see cref="TargetsOnRow(RebalancePolicy, PriceTable, int, ReadOnlySpan{double}, int)"/>, also writing to
    /// <paramref name="solved"/> (one entry per asset, or empty) the weights before rounding to parts per million
    /// (<see cref="RebalancePolicy.ComputeTargetsAndSolution"/>).
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed there.</exception>
    public static int[] TargetsOnRow(RebalancePolicy policy, PriceTable table, int row, ReadOnlySpan<double> weights, int periodsPerYear, Span<double> solved)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, table.RowCount);
        if (weights.Length != policy.AssetCount)
        {
            throw new ArgumentException($"{weights.Length} weights for a policy of {policy.AssetCount} assets", nameof(weights));
        }

        var targets = new int[policy.AssetCount];
        var invested = 0.0;
        foreach (var w in weights)
        {
            invested += w;
        }

        ProposeTargets(policy, table, row, weights, invested > 0 ? invested : 1, periodsPerYear, targets, solved);
        return targets;
    }

    /// <summary>
    /// The targets <paramref name="policy"/> sets from a covariance matrix given as is (universe order) instead of one
    /// it estimates, with <paramref name="weights"/> held (all zero: an initial allocation): the same proposal as
    /// <see cref="TargetsOnRow(RebalancePolicy, PriceTable, int, ReadOnlySpan{double}, int)"/>, for <c>ballast weights --covariance</c>. What needs the price history itself
    /// (mean-variance's expected returns, a beta limit's betas) is a bad-input error naming it.
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed from that matrix.</exception>
    public static int[] TargetsFromCovariance(RebalancePolicy policy, MathNet.Numerics.LinearAlgebra.Matrix<double> covariance, ReadOnlySpan<double> weights) =>
        TargetsFromCovariance(policy, covariance, weights, default);

    /// <summary>
    /// <see cref="TargetsFromCovariance(RebalancePolicy, MathNet.Numerics.LinearAlgebra.Matrix{double}, ReadOnlySpan{double})"/>,
    /// also writing to <paramref name="solved"/> (one entry per asset, or empty) the weights before rounding to parts
    /// per million (<see cref="RebalancePolicy.ComputeTargetsAndSolution"/>).
    /// </summary>
    /// <exception cref="BallastInputException">The targets cannot be computed from that matrix.</exception>
    public static int[] TargetsFromCovariance(RebalancePolicy policy, MathNet.Numerics.LinearAlgebra.Matrix<double> covariance, ReadOnlySpan<double> weights, Span<double> solved)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(covariance);
        if (weights.Length != policy.AssetCount)
        {
            throw new ArgumentException($"{weights.Length} weights for a policy of {policy.AssetCount} assets", nameof(weights));
        }

        var invested = 0.0;
        foreach (var w in weights)
        {
            invested += w;
        }

        // A covariance has no date: the context's calendar is a single placeholder row that nothing reads.
        var targets = new int[policy.AssetCount];
        policy.ComputeTargetsAndSolution(new PolicyContext(new MarketCalendar([DateOnly.MinValue]), 0, weights, invested > 0 ? invested : 1, 0, false) { GivenCovariance = covariance }, targets, solved);
        return targets;
    }

    /// <summary>
    /// Runs the whole step on one row: <see cref="Observe"/>, then (where the trigger can fire at all)
    /// <see cref="Decide"/>, then <see cref="Plan"/>. Null when nothing fired.
    /// </summary>
    public RebalancePlan? Step(in HoldingsOnRow holdings)
    {
        Observe(holdings);
        return DecideAndPlan(holdings);
    }

    /// <summary>
    /// The step without <see cref="Observe"/>, for a row already observed (a keeper called again on the same row):
    /// <see cref="Decide"/> where the trigger can fire at all, then <see cref="Plan"/>. Null when nothing fired.
    /// </summary>
    public RebalancePlan? DecideAndPlan(in HoldingsOnRow holdings) =>
        CanFire(holdings) && Decide(holdings) is { } reason ? Plan(holdings, reason) : null;

    /// <summary>Advances the policy state by the row (the volatility regime from the row's realised volatility with these weights). Call it once per row, in order.</summary>
    public void Observe(in HoldingsOnRow holdings)
    {
        if (State is { } state)
        {
            Policy.Observe(Context(holdings, default), state);
        }
    }

    /// <summary>Whether the trigger fires on the row, and why (after <see cref="Observe"/> on that row).</summary>
    public TriggerReason? Decide(in HoldingsOnRow holdings) => Policy.Decide(Context(holdings, _risk || _retarget ? _targets : default));

    /// <summary>
    /// The plan of a rebalance that fired on the row: propose the targets (fixed, or solved from the lookback ending
    /// at the row; a solver failure is caught here and returned as <see cref="RebalancePlan.Failure"/>), then plan the
    /// execution towards them. The plan's targets come into force only when the caller reports that it traded
    /// (<see cref="Traded"/>).
    /// </summary>
    public RebalancePlan Plan(in HoldingsOnRow holdings, TriggerReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var plan = _plan;
        plan.Reason = reason;
        plan.Failure = null;
        plan.Trades = false;
        Array.Clear(plan.Held);
        if (!_risk)
        {
            // Fixed targets: the policy's, or with targets per volatility regime those of the regime the row is in.
            var targets = _retarget ? Policy.RegimeTargetsPpm(State is { HighVolatility: true }) : _targetPpm;
            targets.CopyTo(plan.TargetsPpm);
            if (Policy.PlansFixedTargets)
            {
                // Fixed targets executed plainly: the plan is the targets, holding nothing.
                targets.CopyTo(plan.WeightsPpm);
                plan.Trades = true;
                return plan;
            }

            if (_retarget)
            {
                SetTargets(targets, _proposedPpm, _proposed);
                plan.Trades = Policy.PlanTargets(Context(holdings, _proposed), plan.WeightsPpm, plan.Held);
                return plan;
            }

            plan.Trades = Policy.PlanTargets(Context(holdings, default), plan.WeightsPpm, plan.Held);
            return plan;
        }

        try
        {
            Policy.ComputeTargets(Context(holdings, _targets), _proposedPpm);
        }
        catch (BallastInputException e)
        {
            plan.Failure = e;
            return plan;
        }

        SetTargets(_proposedPpm, plan.TargetsPpm, _proposed);
        plan.Trades = Policy.PlanTargets(Context(holdings, _proposed), plan.WeightsPpm, plan.Held);
        return plan;
    }

    /// <summary>The last plan traded on <paramref name="row"/>: its targets come into force and the row becomes the last rebalance.</summary>
    public void Traded(int row)
    {
        if (_risk || _retarget)
        {
            SetTargets(_plan.TargetsPpm, _targetPpm, _targets);
        }

        LastRebalanceRow = row;
    }

    /// <summary>False on rows where the trigger cannot fire (not a candidate row, or an absolute band not exceeded): an optimisation only.</summary>
    private bool CanFire(in HoldingsOnRow holdings) =>
        (_candidates is null || _candidates[holdings.Row]) && (_band is not { } band || !(holdings.MaxAbsDrift <= band));

    /// <summary>The only place a policy context is built from the step's run and one row's holdings.</summary>
    private PolicyContext Context(in HoldingsOnRow holdings, ReadOnlySpan<double> targets) =>
        new(_table.Calendar, holdings.Row, holdings.Weights, holdings.Nav, LastRebalanceRow, _windowEndsAtLastRow && holdings.Row == _table.RowCount - 1, holdings.MaxAbsDrift, targets, _prices, State, _periodsPerYear);

    private static void ProposeTargets(RebalancePolicy policy, PriceTable table, int row, ReadOnlySpan<double> weights, double nav, int periodsPerYear, Span<int> targetPpm, Span<double> solved) =>
        policy.ComputeTargetsAndSolution(new PolicyContext(table.Calendar, row, weights, nav, 0, false, prices: table, periodsPerYear: periodsPerYear), targetPpm, solved);

    private static void SetTargets(ReadOnlySpan<int> ppm, Span<int> targetPpm, Span<double> targets)
    {
        ppm.CopyTo(targetPpm);
        for (var i = 0; i < ppm.Length; i++)
        {
            targets[i] = ppm[i] / (double)PartsPerMillion.One;
        }
    }
}
