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

    public RebalancePolicy(PolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        CanonicalJson = CanonicalPolicy.Json(spec);
        Hash = CanonicalPolicy.HashOf(CanonicalJson);
        Names = spec.Universe;
        _tieOrder = PartsPerMillion.OrdinalRanks(Names);
        _targets = spec.Weights switch
        {
            FixedWeights f => [.. f.Targets],
            _ => throw new NotSupportedException($"weights scheme {spec.Weights.GetType().Name} is not supported"),
        };
        _targetPpm = PartsPerMillion.Round(_targets, _tieOrder);
        for (var i = 0; i < _targets.Length; i++)
        {
            _targets[i] = _targetPpm[i] / (double)PartsPerMillion.One;
        }

        _trigger = TriggerRule.Compile(spec.Trigger, Names);
        _band = FindDrift(spec.Trigger);
        UsesMaxAbsDrift = HasAbsoluteDrift(spec.Trigger);
        if (spec.Execution.To == ExecutionTarget.BandEdge && _band is null)
        {
            throw new ArgumentException("execution to: band-edge needs a drift trigger to define the bands", nameof(spec));
        }
    }

    public PolicySpec Spec { get; }

    /// <summary>True when a trigger can use <see cref="PolicyContext.MaxAbsDrift"/> (an absolute drift band), so callers know to compute it.</summary>
    public bool UsesMaxAbsDrift { get; }

    /// <summary>The policy's content hash (its published identity): SHA-256 of <see cref="CanonicalJson"/>.</summary>
    public string Hash { get; }

    /// <summary>The policy's canonical JSON, computed once.</summary>
    public string CanonicalJson { get; }

    public IReadOnlyList<string> Names { get; }

    public int AssetCount => _targets.Length;

    /// <summary>Target weights in parts per million (summing to 1,000,000).</summary>
    public ReadOnlySpan<int> TargetPpm => _targetPpm;

    /// <summary>Target weights as fractions (exactly <see cref="TargetPpm"/> / 10^6).</summary>
    public ReadOnlySpan<double> Targets => _targets;

    /// <summary>
    /// The rows of <paramref name="calendar"/> on which <see cref="Decide"/> can fire at all, or null when any row can.
    /// Skipping the other rows changes no decision; the backtester uses it to stay off rows where nothing can happen.
    /// </summary>
    public bool[]? CandidateRows(MarketCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return _trigger.Candidates(calendar);
    }

    /// <summary>Whether this row rebalances, and why. Never fires on the last row of a window.</summary>
    public TriggerReason? Decide(in PolicyContext context) =>
        context.IsLastRow || context.Row == 0 ? null : _trigger.Evaluate(context, _targets);

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
        if (execution.To == ExecutionTarget.Target && execution.Partial is null && execution.MaxTurnover is null && execution.MinTrade is null)
        {
            // Plain to-target: the exact targets, already rounded.
            _targetPpm.CopyTo(targetPpm);
            return true;
        }

        Span<double> plan = n <= 128 ? stackalloc double[n] : new double[n];
        _targets.CopyTo(plan);

        if (Spec.Execution.To == ExecutionTarget.BandEdge && !BandEdge(current, plan))
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

    private bool BandEdge(ReadOnlySpan<double> current, Span<double> plan)
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
                var width = band.Measure == DriftMeasure.Absolute ? band.Band : band.Band * _targets[i];
                if (current[i] > _targets[i] + width)
                {
                    plan[i] = _targets[i] + width;
                    breach[i] = true;
                }
                else if (current[i] < _targets[i] - width)
                {
                    plan[i] = Math.Max(0, _targets[i] - width);
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
                    absorbTargets += _targets[i];
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
                    plan[i] += residual * _targets[i];
                }

                return true;
            }

            for (var i = 0; i < n; i++)
            {
                if (!breach[i])
                {
                    plan[i] = current[i] + (residual * _targets[i] / absorbTargets);
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

    private static bool HasAbsoluteDrift(TriggerSpec trigger) => trigger switch
    {
        DriftTrigger d => d.Measure == DriftMeasure.Absolute,
        AnyTrigger a => a.Triggers.Any(HasAbsoluteDrift),
        AllTrigger a => a.Triggers.Any(HasAbsoluteDrift),
        CooldownTrigger c => HasAbsoluteDrift(c.Inner),
        _ => false,
    };

    private static DriftTrigger? FindDrift(TriggerSpec trigger) => trigger switch
    {
        DriftTrigger d => d,
        AnyTrigger a => a.Triggers.Select(FindDrift).FirstOrDefault(d => d is not null),
        AllTrigger a => a.Triggers.Select(FindDrift).FirstOrDefault(d => d is not null),
        CooldownTrigger c => FindDrift(c.Inner),
        _ => null,
    };
}
