using Ballast.Data;

namespace Ballast.Policies;

/// <summary>
/// A policy compiled for evaluation. <see cref="Decide"/> and <c>PlanTargets</c> are pure functions of the
/// context: the backtester and the live vault engine call exactly this code.
/// </summary>
public sealed class RebalancePolicy
{
    private readonly TriggerRule _trigger;
    private readonly int[] _targetPpm;
    private readonly double[] _targets;
    private readonly int[] _tieOrder;
    private readonly DriftTrigger? _band;
    private readonly RiskWeights? _risk;
    private readonly VolatilityTrigger? _volatility;
    private readonly int[]? _highTargetPpm;
    private readonly double[]? _highTargets;

    /// <summary>Compiles a resolved spec: its canonical JSON and hash, the fixed targets in parts per million, the trigger rules.</summary>
    /// <param name="spec">A fully resolved policy, as the spec loader returns it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is null.</exception>
    /// <exception cref="ArgumentException">Execution to band-edge without a drift trigger to define the bands.</exception>
    /// <exception cref="NotSupportedException">The weights spec is of a kind this engine does not know.</exception>
    public RebalancePolicy(PolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        var targets = TargetsOf(spec);
        Names = targets.Names;
        _tieOrder = targets.TieOrder;
        _targets = targets.Targets;
        _targetPpm = targets.TargetPpm;
        _risk = spec.Weights as RiskWeights;
        _volatility = FindVolatility(spec.Trigger);

        if (_volatility?.HighWeights is { } highWeights)
        {
            if (_risk is not null)
            {
                throw new ArgumentException("targets for the high-volatility regime need fixed weights (scheme fixed or equal), not a risk-based scheme", nameof(spec));
            }

            if (highWeights.Targets.Length != _targets.Length)
            {
                throw new ArgumentException($"{highWeights.Targets.Length} high-regime targets for a policy of {_targets.Length} assets", nameof(spec));
            }

            _highTargetPpm = PartsPerMillion.Round([.. highWeights.Targets], _tieOrder);
            _highTargets = [.. _highTargetPpm.Select(p => p / (double)PartsPerMillion.One)];
        }

        _trigger = TriggerRule.Compile(spec.Trigger, Names, spec.Weights as RiskWeights, _highTargets is null ? null : new RegimeTargets(_targets, _highTargets));
        var absolute = false;
        _band = FirstDrift(spec.Trigger, ref absolute);
        UsesMaxAbsDrift = absolute;
        FiresOnlyAboveDrift = spec.Trigger switch
        {
            // A zero band fires on every check, drifted or not: no shortcut.
            DriftTrigger { Measure: DriftMeasure.Absolute, Band: > 0 } d => d.Band,
            CooldownTrigger { Inner: DriftTrigger { Measure: DriftMeasure.Absolute, Band: > 0 } d } => d.Band,
            _ => null,
        };
        if (spec.Execution.To == ExecutionTarget.BandEdge && _band is null)
        {
            throw new ArgumentException("execution to: band-edge needs a drift trigger to define the bands", nameof(spec));
        }
    }

    /// <summary>
    /// A buy-and-hold policy compiled from this one's parts: <paramref name="twin"/> is this policy's spec with
    /// <c>trigger: none</c> and the default execution (any name). Its targets are this policy's (shared, not computed
    /// again) and its canonical form is this one's with those two values replaced (<see cref="CanonicalForm.BuyAndHold"/>),
    /// so it equals <c>new RebalancePolicy(twin)</c> in every decision, its canonical JSON and its hash, at a fraction of the cost.
    /// </summary>
    /// <param name="twin">This policy's spec with trigger none and the default execution.</param>
    /// <param name="form">
    /// The twin's canonical form when the caller already has it (<see cref="CanonicalForm.BuyAndHold"/> of this
    /// policy's, or of another policy with the same twin): checked byte for byte and kept, not spliced and hashed again.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="twin"/> is not this policy's spec without rebalancing, or <paramref name="form"/> not its twin's canonical form.</exception>
    public RebalancePolicy BuyAndHold(PolicySpec twin, CanonicalForm? form = null)
    {
        ArgumentNullException.ThrowIfNull(twin);
        if (form is not null && !Identity.IsBuyAndHold(form))
        {
            throw new ArgumentException("not the canonical form of this policy's buy-and-hold twin", nameof(form));
        }

        var spec = Spec;
        if (twin.Trigger is not NoTrigger || twin.Execution != ExecutionSpec.Default || twin.Universe != spec.Universe || !ReferenceEquals(twin.Weights, spec.Weights)
            || !ReferenceEquals(twin.Costs, spec.Costs) || twin.Lot != spec.Lot || !twin.Capital.Equals(spec.Capital))
        {
            throw new ArgumentException("not this policy's spec with trigger none and the default execution (the same universe, weights, costs, lots and capital)", nameof(twin));
        }

        return new RebalancePolicy(this, twin, form ?? Identity.BuyAndHold());
    }

    /// <summary>The twin of <see cref="BuyAndHold"/>: <paramref name="policy"/>'s targets, no trigger, the canonical form spliced from the policy's.</summary>
    private RebalancePolicy(RebalancePolicy policy, PolicySpec twin, CanonicalForm form)
    {
        Spec = twin;
        Names = policy.Names;
        _tieOrder = policy._tieOrder;
        _targets = policy._targets;
        _targetPpm = policy._targetPpm;
        _risk = policy._risk;
        _trigger = TriggerRule.Compile(twin.Trigger, Names);
        _identity = form;
    }

    /// <summary>
    /// The universe's tie order and the targets (as exact parts per million and as their fractions) of a spec's
    /// weights. Never written after they are made, so policies with the very same weights and universe objects (the
    /// policies of a list or the cells of a sweep share their bound blocks) share them: this thread's last ones are kept.
    /// </summary>
    private static CompiledTargets TargetsOf(PolicySpec spec)
    {
        var universe = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(spec.Universe);
        if (_lastTargets is { } last && ReferenceEquals(last.Weights, spec.Weights) && ReferenceEquals(last.Universe, universe))
        {
            return last;
        }

        IReadOnlyList<string> names = spec.Universe;
        var tieOrder = PartsPerMillion.OrdinalRanks(names);
        var targets = spec.Weights switch
        {
            FixedWeights f => [.. f.Targets],

            // Risk-based targets come from the data at each rebalance; equal weights stand in until then.
            RiskWeights => Uniform(spec.Universe.Length),
            _ => throw new NotSupportedException($"weights scheme {spec.Weights.GetType().Name} is not supported"),
        };
        var targetPpm = PartsPerMillion.Round(targets, tieOrder);
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = targetPpm[i] / (double)PartsPerMillion.One;
        }

        _lastTargets = new CompiledTargets(spec.Weights, universe, names, tieOrder, targets, targetPpm);
        return _lastTargets;
    }

    [ThreadStatic]
    private static CompiledTargets? _lastTargets;

    private sealed record CompiledTargets(WeightsSpec Weights, string[]? Universe, IReadOnlyList<string> Names, int[] TieOrder, double[] Targets, int[] TargetPpm);

    /// <summary>The resolved spec the policy was compiled from.</summary>
    public PolicySpec Spec { get; }

    /// <summary>True when targets are recomputed from a covariance estimate at each rebalance.</summary>
    public bool IsRiskBased => _risk is not null;

    /// <summary>Rows of price history the policy needs before its first decision (the covariance lookback or the volatility window), or 0.</summary>
    public int HistoryRows => HistoryRowsOf(Spec);

    /// <summary>Rows of price history a policy spec needs before its first decision, without compiling it.</summary>
    public static int HistoryRowsOf(PolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Math.Max(spec.Weights is RiskWeights r ? r.Covariance.Lookback : 0, FindVolatility(spec.Trigger)?.Window ?? 0);
    }

    /// <summary>True when the policy carries a volatility regime: the caller calls <see cref="Observe"/> on every row.</summary>
    public bool ObservesVolatility => _volatility is not null;

    /// <summary>
    /// True when the volatility regime sets the targets (the trigger's high regime has weights of its own): the targets
    /// in force then change when a rebalance trades, as a risk-based policy's do.
    /// </summary>
    public bool RetargetsByRegime => _highTargetPpm is not null;

    /// <summary>The fixed targets of a regime in parts per million: the high regime's when <paramref name="high"/> (and the policy has them), else the policy's own.</summary>
    public ReadOnlySpan<int> RegimeTargetsPpm(bool high) => high && _highTargetPpm is not null ? _highTargetPpm : _targetPpm;

    /// <summary>True when decisions read the price history (risk-based targets or a volatility trigger).</summary>
    public bool NeedsPrices => _risk is not null || _volatility is not null;

    /// <summary>
    /// Updates the volatility regime from the row's realised volatility: annualised sample standard deviation of the
    /// last <c>window</c> simple returns ending at the row (the portfolio with the row's weights, or the most volatile
    /// asset). High above <c>above</c>, back to normal only below <c>below</c>. Rows without a full window keep the
    /// regime as it is. Called once per row, before <see cref="Decide"/>.
    /// </summary>
    public void Observe(in PolicyContext context, PolicyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_volatility is not { } v || context.Prices is not { } prices || prices.RowsUpTo(context.Row) < v.Window + 1)
        {
            return;
        }

        var returns = prices.ReturnsEndingAt(context.Row, v.Window);
        var n = AssetCount;
        double volatility;
        if (v.Scope == VolatilityScope.Portfolio)
        {
            Span<double> series = v.Window <= 512 ? stackalloc double[v.Window] : new double[v.Window];
            for (var k = 0; k < v.Window; k++)
            {
                var r = 0.0;
                for (var i = 0; i < n; i++)
                {
                    r += context.Weights[i] * returns[k, i];
                }

                series[k] = r;
            }

            volatility = StandardDeviation(series);
        }
        else
        {
            volatility = 0;
            Span<double> series = v.Window <= 512 ? stackalloc double[v.Window] : new double[v.Window];
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < v.Window; k++)
                {
                    series[k] = returns[k, i];
                }

                volatility = Math.Max(volatility, StandardDeviation(series));
            }
        }

        volatility *= Math.Sqrt(context.PeriodsPerYear);
        state.Volatility = volatility;
        if (!state.HighVolatility && volatility > v.Above)
        {
            state.HighVolatility = true;
        }
        else if (state.HighVolatility && volatility < v.Below)
        {
            state.HighVolatility = false;
        }
    }

    private static double StandardDeviation(ReadOnlySpan<double> x)
    {
        var mean = 0.0;
        foreach (var value in x)
        {
            mean += value;
        }

        mean /= x.Length;
        var sum = 0.0;
        foreach (var value in x)
        {
            sum += (value - mean) * (value - mean);
        }

        return Math.Sqrt(sum / (x.Length - 1));
    }

    /// <summary>
    /// When the trigger is an absolute drift band (possibly with a check frequency or a cooldown), the band: nothing
    /// can fire on a row whose largest |weight − target| is not above it, so a caller that knows that number may skip
    /// <see cref="Decide"/> there. Null when no such shortcut holds. An optimisation only, never a change of decision.
    /// </summary>
    public double? FiresOnlyAboveDrift { get; }

    /// <summary>
    /// True when every rebalance plans exactly <see cref="TargetPpm"/> and holds nothing: fixed targets executed
    /// plainly to target (no band edge, partial move, turnover cap or minimum trade). <see cref="PlanTargets(in PolicyContext, Span{int}, Span{bool})"/>
    /// would return those targets every time, so a caller may plan them once. An optimisation only.
    /// </summary>
    public bool PlansFixedTargets => _risk is null && Spec.Execution is { To: ExecutionTarget.Target, Partial: null, MaxTurnover: null, MinTrade: null };

    /// <summary>True when a trigger can use <see cref="PolicyContext.MaxAbsDrift"/> (an absolute drift band), so callers know to compute it.</summary>
    public bool UsesMaxAbsDrift { get; }

    /// <summary>The policy's content hash (its published identity): SHA-256 of <see cref="CanonicalJson"/>.</summary>
    public PolicyHash Hash => Identity.Hash;

    /// <summary>The policy's canonical JSON, computed once, when first asked for.</summary>
    public string CanonicalJson => Identity.Json;

    /// <summary>The policy's canonical form (UTF-8 bytes, hash, where execution and trigger lie), computed once, when first asked for.</summary>
    public CanonicalForm Canonical => Identity;

    /// <summary>
    /// The canonical JSON and hash, computed on first use: a caller that never asks (<c>ballast weights --covariance</c>)
    /// loads neither the JSON writer nor the cryptography library (OpenSSL), a tenth of a short call's time. Two
    /// threads asking at once may both compute it, to the same value; the reference is written whole.
    /// </summary>
    private CanonicalForm Identity => _identity ??= CanonicalPolicy.Form(Spec);

    private CanonicalForm? _identity;

    /// <summary>The universe: the series the policy holds, in the order of every per-asset array.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of assets in the universe.</summary>
    public int AssetCount => _targets.Length;

    /// <summary>Target weights in parts per million (summing to 1,000,000).</summary>
    public ReadOnlySpan<int> TargetPpm => _targetPpm;

    /// <summary>Fixed target weights as fractions (exactly <see cref="TargetPpm"/> / 10^6); equal weights for a risk-based policy, whose targets come from <see cref="ComputeTargets"/>.</summary>
    public ReadOnlySpan<double> Targets => _targets;

    /// <summary>
    /// The rows of <paramref name="calendar"/> on which <see cref="Decide"/> can fire at all, or null when any row can.
    /// Skipping the other rows changes no decision; the backtester uses it to stay off rows where nothing can happen.
    /// <paramref name="periodsPerYear"/> is the data's rhythm, as in the decisions' context (period-end schedules read it).
    /// </summary>
    public bool[]? CandidateRows(MarketCalendar calendar, int periodsPerYear = 252)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return _trigger.Candidates(calendar, periodsPerYear);
    }

    /// <summary>Whether this row rebalances, and why. Never fires on the last row of a window.</summary>
    public TriggerReason? Decide(in PolicyContext context) =>
        context.IsLastRow || context.Row == 0 ? null : _trigger.Evaluate(context, TargetsOf(context));

    /// <summary>
    /// The targets this policy sets on the context's row, in exact parts per million: the fixed targets, or for a
    /// risk-based scheme the weights solved from the covariance of the lookback returns ending at that row (never
    /// later rows), or from <see cref="PolicyContext.GivenCovariance"/> when the context carries one.
    /// </summary>
    public void ComputeTargets(in PolicyContext context, Span<int> targetPpm) => ComputeTargetsAndSolution(context, targetPpm, default);

    /// <summary>
    /// <see cref="ComputeTargets"/>, also writing to <paramref name="solved"/> (when it is
    /// not empty: one entry per asset) the weights before they are rounded to parts per million: what the risk-based
    /// scheme solved (whose risk contributions are the ones it equalises or budgets), or the fixed targets as fractions.
    /// </summary>
    public void ComputeTargetsAndSolution(in PolicyContext context, Span<int> targetPpm, Span<double> solved)
    {
        if (!solved.IsEmpty && solved.Length != AssetCount)
        {
            throw new ArgumentException($"{solved.Length} solved weights for a policy of {AssetCount} assets", nameof(solved));
        }

        if (_risk is null)
        {
            _targetPpm.CopyTo(targetPpm);
            if (!solved.IsEmpty)
            {
                _targets.CopyTo(solved);
            }

            return;
        }

        var prices = context.Prices;
        var given = context.GivenCovariance;
        var covariance = given ?? Estimate(_risk.Covariance, prices ?? throw new InvalidOperationException("a risk-based policy needs the price history (or a given covariance) in its context"), context.Row);
        var n = AssetCount;
        if (covariance.RowCount != n || covariance.ColumnCount != n)
        {
            throw new ArgumentException($"a {covariance.RowCount}×{covariance.ColumnCount} covariance for a policy of {n} assets", nameof(context));
        }

        var scheme = RiskWeights.SchemeNames[(int)_risk.Scheme];
        var date = given is null ? prices!.FormatDate(context.Date) : null;
        var lookback = _risk.Covariance.Lookback;
        string Where() => given is null
            ? $"policy '{Spec.Name}' on {date}: cannot compute {scheme} targets from the {lookback} returns ending that day"
            : $"policy '{Spec.Name}': cannot compute {scheme} targets from the given covariance";
        PriceTable History(string what) => prices ?? throw new BallastInputException($"{Where()}: {what} come from the price history, which a given covariance does not carry; give the prices instead (a spec, or --data FILE --at DATE)");
        for (var i = 0; i < n; i++)
        {
            if (!(covariance[i, i] > 0))
            {
                throw new BallastInputException($"{Where()}: '{Names[i]}' has no variance there (a constant price?); drop it from the universe or use another scheme");
            }
        }

        double[] weights;
        try
        {
            weights = _risk.Scheme switch
            {
                RiskScheme.InverseVolatility => Optimisation.RiskBudgeting.InverseVolatility(covariance),
                RiskScheme.RiskParity when _risk.HasBounds => Optimisation.BoundedRiskBudgeting.Solve(covariance, Uniform(n), Bound(_risk.Lower, 0), Bound(_risk.Upper, 1), Names),
                RiskScheme.RiskBudget when _risk.HasBounds => Optimisation.BoundedRiskBudgeting.Solve(covariance, _risk.Budgets, Bound(_risk.Lower, 0), Bound(_risk.Upper, 1), Names),
                RiskScheme.RiskParity => Optimisation.RiskBudgeting.Solve(covariance, Uniform(n)),
                RiskScheme.RiskBudget => Optimisation.RiskBudgeting.Solve(covariance, _risk.Budgets),
                RiskScheme.MeanVariance => Optimisation.MinimumVariance.MeanVariance(covariance, MeanReturns(History("mean-variance's expected returns (the mean lookback returns)"), context.Row, lookback), _risk.RiskAversion, Constraints(context, History, covariance), Names),
                _ => Optimisation.MinimumVariance.Solve(covariance, Constraints(context, History, covariance), Names),
            };
        }
        catch (Optimisation.InfeasibleConstraintsException e)
        {
            throw new BallastInputException($"{Where()}: {e.Message} (the policy's constraints admit no portfolio that day; relax one of those named)", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new BallastInputException($"{Where()}: {e.Message} (the estimate is numerically degenerate there: nearly identical assets, or too few returns for the number of assets; a longer lookback or ledoit-wolf helps)", e);
        }

        PartsPerMillion.Round(weights, targetPpm, _tieOrder);
        if (!solved.IsEmpty)
        {
            weights.CopyTo(solved);
        }
    }

    /// <summary>n weights of 1/n (a loop: LINQ's Repeat over doubles is compiled at run time, see RiskBudgeting).</summary>
    private static double[] Uniform(int n)
    {
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = 1.0 / n;
        }

        return weights;
    }

    private double[] Bound(System.Collections.Immutable.ImmutableArray<double> values, double fallback) =>
        values.IsDefaultOrEmpty ? [.. Enumerable.Repeat(fallback, AssetCount)] : [.. values];

    /// <summary>
    /// The optimiser's constraints on this row: bounds, groups, a cap per correlation cluster of this row's estimate,
    /// the beta limit from this row's lookback returns, and the turnover limit from the current weights (not on the
    /// initial allocation, when nothing is held yet).
    /// </summary>
    private Optimisation.PortfolioConstraints Constraints(in PolicyContext context, Func<string, PriceTable> history, MathNet.Numerics.LinearAlgebra.Matrix<double> covariance)
    {
        var limits = _risk!.Constraints;
        var bounds = new Optimisation.PortfolioConstraints { Lower = _risk.Lower, Upper = _risk.Upper };
        if (limits.IsEmpty)
        {
            return bounds;
        }

        var n = AssetCount;
        var linear = System.Collections.Immutable.ImmutableArray.CreateBuilder<Optimisation.LinearConstraint>();
        foreach (var group in limits.Groups)
        {
            linear.Add(Optimisation.ConstraintBuilder.Group(group.Name, group.Members, Names, n, group.Min, group.Max));
        }

        if (limits.Clusters is { } clusters)
        {
            foreach (var cluster in Optimisation.ConstraintBuilder.CorrelationClusters(covariance, clusters.Threshold))
            {
                linear.Add(Optimisation.ConstraintBuilder.ClusterCap(cluster, Names, n, clusters.Threshold, clusters.MaxWeight));
            }
        }

        if (limits.Beta is { } beta)
        {
            var lookback = _risk.Covariance.Lookback;
            var prices = history($"the betas of beta_limit (against {beta.Reference})");
            var betas = Optimisation.ConstraintBuilder.Betas(prices.ReturnsEndingAt(context.Row, lookback), prices.SeriesReturnsEndingAt(beta.Reference, context.Row, lookback));
            linear.Add(Optimisation.ConstraintBuilder.Beta(beta.Reference, betas, beta.Min ?? double.NegativeInfinity, beta.Max));
        }

        var invested = 0.0;
        foreach (var w in context.Weights)
        {
            invested += w;
        }

        var turnover = limits.MaxTurnover is { } t && invested > 0.5;
        return bounds with
        {
            Linear = linear.ToImmutable(),
            Current = turnover ? [.. context.Weights] : default,
            MaxTurnover = turnover ? limits.MaxTurnover : null,
        };
    }

    /// <summary>The covariance estimate of the lookback returns ending at <paramref name="row"/> (never later rows).</summary>
    public static MathNet.Numerics.LinearAlgebra.Matrix<double> Estimate(CovarianceSpec spec, PriceTable prices, int row)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(prices);
        var returns = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(prices.ReturnsEndingAt(row, spec.Lookback));
        return spec.Method switch
        {
            CovarianceMethod.Sample => Optimisation.CovarianceEstimators.Sample(returns),
            CovarianceMethod.Ewma => Optimisation.CovarianceEstimators.Ewma(returns, spec.Halflife ?? 63),
            _ when spec.Target == ShrinkageTarget.ConstantCorrelation => Optimisation.CovarianceEstimators.LedoitWolfConstantCorrelation(returns).Covariance,
            _ => Optimisation.CovarianceEstimators.LedoitWolf(returns).Covariance,
        };
    }

    /// <summary>Sample mean of each asset's lookback returns ending at the row (the expected returns of mean-variance).</summary>
    private static double[] MeanReturns(PriceTable prices, int row, int lookback)
    {
        var returns = prices.ReturnsEndingAt(row, lookback);
        var means = new double[returns.GetLength(1)];
        for (var k = 0; k < lookback; k++)
        {
            for (var i = 0; i < means.Length; i++)
            {
                means[i] += returns[k, i] / lookback;
            }
        }

        return means;
    }

    private ReadOnlySpan<double> TargetsOf(in PolicyContext context) => context.Targets.IsEmpty ? _targets : context.Targets;

    /// <summary>
    /// The weights a fired rebalance moves to, as exact parts per million. Steps, in order: the execution target
    /// (targets, or band edges for breaching assets with the rest absorbing pro rata to their targets); a partial
    /// move; the max-turnover cap; the minimum trade (assets whose move is too small keep their weight and the
    /// trading assets absorb the difference pro rata to their planned weights). Returns false when nothing is left
    /// to trade.
    /// </summary>
    public bool PlanTargets(in PolicyContext context, Span<int> targetPpm)
    {
        Span<bool> hold = AssetCount <= 256 ? stackalloc bool[AssetCount] : new bool[AssetCount];
        return PlanTargets(context, targetPpm, hold);
    }

    /// <summary>
    /// As <see cref="PlanTargets(in PolicyContext, Span{int})"/>, and also says which assets must not trade at all
    /// (<paramref name="hold"/>: those the minimum-trade rule keeps where they are), so that executing the plan does
    /// not nudge them to pay for costs.
    /// </summary>
    public bool PlanTargets(in PolicyContext context, Span<int> targetPpm, Span<bool> hold)
    {
        var n = AssetCount;
        hold.Clear();
        var current = context.Weights;
        var execution = Spec.Execution;
        var targets = TargetsOf(context);
        if (execution.To == ExecutionTarget.Target && execution.Partial is null && execution.MaxTurnover is null && execution.MinTrade is null)
        {
            // Plain to-target: the exact targets, already rounded (targets in force are ppm values already).
            if (context.Targets.IsEmpty)
            {
                _targetPpm.CopyTo(targetPpm);
            }
            else
            {
                PartsPerMillion.Round(targets, targetPpm, _tieOrder);
            }

            return true;
        }

        Span<double> plan = n <= 128 ? stackalloc double[n] : new double[n];
        targets.CopyTo(plan);

        if (Spec.Execution.To == ExecutionTarget.BandEdge && !BandEdge(current, targets, plan))
        {
            return false;
        }

        if (Spec.Execution.Partial is { } fraction)
        {
            for (var i = 0; i < n; i++)
            {
                plan[i] = current[i] + (fraction * (plan[i] - current[i]));
            }
        }

        if (Spec.Execution.MaxTurnover is { } cap)
        {
            var turnover = 0.0;
            for (var i = 0; i < n; i++)
            {
                turnover += Math.Abs(plan[i] - current[i]);
            }

            turnover /= 2;
            if (turnover > cap)
            {
                var scale = cap / turnover;
                for (var i = 0; i < n; i++)
                {
                    plan[i] = current[i] + (scale * (plan[i] - current[i]));
                }
            }
        }

        if (Spec.Execution.MinTrade is { } minTrade && !ApplyMinTrade(minTrade, context.Nav, current, plan, hold))
        {
            return false;
        }

        for (var i = 0; i < n; i++)
        {
            plan[i] = Math.Max(0, plan[i]);
        }

        PartsPerMillion.Round(plan, targetPpm, _tieOrder);
        return true;
    }

    private bool BandEdge(ReadOnlySpan<double> current, ReadOnlySpan<double> targets, Span<double> plan)
    {
        unchecked
        {
            var band = _band!;
            var n = AssetCount;
            Span<bool> breach = n <= 256 ? stackalloc bool[n] : new bool[n];
            var any = false;
            var fixedSum = 0.0;
            var absorbWeights = 0.0;
            var absorbTargets = 0.0;
            for (var i = 0; i < n; i++)
            {
                var width = band.Measure == DriftMeasure.Absolute ? band.Band : band.Band * targets[i];
                if (current[i] > targets[i] + width)
                {
                    plan[i] = targets[i] + width;
                    breach[i] = true;
                }
                else if (current[i] < targets[i] - width)
                {
                    plan[i] = Math.Max(0, targets[i] - width);
                    breach[i] = true;
                }

                if (breach[i])
                {
                    any = true;
                    fixedSum += plan[i];
                }
                else
                {
                    absorbWeights += current[i];
                    absorbTargets += targets[i];
                }
            }

            if (!any)
            {
                return false;
            }

            var residual = 1 - fixedSum - absorbWeights;
            if (absorbTargets <= 0)
            {
                // Every asset with a target is outside its band (always so with two assets and an absolute band): each
                // goes to its nearest edge, and whatever those edges leave over or under 1 is spread pro rata to targets.
                for (var i = 0; i < n; i++)
                {
                    plan[i] += residual * targets[i];
                }

                return true;
            }

            for (var i = 0; i < n; i++)
            {
                if (!breach[i])
                {
                    plan[i] = current[i] + (residual * targets[i] / absorbTargets);
                }
            }

            return true;
        }
    }

    private static bool ApplyMinTrade(MinTrade minTrade, double nav, ReadOnlySpan<double> current, Span<double> plan, Span<bool> keep)
    {
        unchecked
        {
            var n = plan.Length;
            var kept = 0.0;
            var trading = 0.0;
            var anyTrade = false;
            for (var i = 0; i < n; i++)
            {
                var move = Math.Abs(plan[i] - current[i]);
                keep[i] = (minTrade.Weight is { } w && move < w) || (minTrade.Value is { } v && move * nav < v);
                if (keep[i])
                {
                    kept += current[i];
                }
                else
                {
                    trading += plan[i];
                    anyTrade = true;
                }
            }

            if (!anyTrade || trading <= 0)
            {
                return false;
            }

            var scale = (1 - kept) / trading;
            for (var i = 0; i < n; i++)
            {
                plan[i] = keep[i] ? current[i] : plan[i] * scale;
            }

            return true;
        }
    }

    /// <summary>The first drift trigger of the tree in <see cref="TriggerTree.Walk"/>'s order; <paramref name="absolute"/> set when any drift trigger in it is absolute.</summary>
    private static DriftTrigger? FirstDrift(TriggerSpec trigger, ref bool absolute)
    {
        switch (trigger)
        {
            case DriftTrigger d:
                absolute |= d.Measure == DriftMeasure.Absolute;
                return d;
            case AnyTrigger { Triggers: var children }:
                return FirstDrift(children, ref absolute);
            case AllTrigger { Triggers: var children }:
                return FirstDrift(children, ref absolute);
            case CooldownTrigger c:
                return FirstDrift(c.Inner, ref absolute);
            case VolatilityTrigger v:
                var normal = FirstDrift(v.Normal, ref absolute);
                var high = FirstDrift(v.High, ref absolute);
                return normal ?? high;
            default:
                return null;
        }
    }

    private static DriftTrigger? FirstDrift(System.Collections.Immutable.ImmutableArray<TriggerSpec> children, ref bool absolute)
    {
        DriftTrigger? first = null;
        foreach (var child in children)
        {
            var found = FirstDrift(child, ref absolute);
            first ??= found;
        }

        return first;
    }

    private static VolatilityTrigger? FindVolatility(TriggerSpec trigger) => trigger switch
    {
        VolatilityTrigger v => v,
        CooldownTrigger c => FindVolatility(c.Inner),
        _ => null,
    };
}
