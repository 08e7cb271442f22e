using System.Globalization;
using Ballast.Data;

namespace Ballast.Policies;

/// <summary>A compiled trigger: evaluated once per row, allocation-free unless it fires.</summary>
internal abstract class TriggerRule
{
    /// <summary>The reason the trigger fires on this row, or null.</summary>
    public abstract TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets);

    /// <summary>
    /// The rows on which this trigger can fire at all (null: any row). <see cref="Evaluate"/> returns null on every other
    /// row, so a caller may skip them; this is an optimisation only, never a change of decision.
    /// </summary>
    public abstract bool[]? Candidates(MarketCalendar calendar, int periodsPerYear);

    private static bool[]? Union(IEnumerable<bool[]?> sets)
    {
        bool[]? result = null;
        foreach (var set in sets)
        {
            if (set is null)
            {
                return null;
            }

            result ??= new bool[set.Length];
            for (var i = 0; i < set.Length; i++)
            {
                result[i] |= set[i];
            }
        }

        return result;
    }

    private static bool[]? Intersection(IEnumerable<bool[]?> sets)
    {
        bool[]? result = null;
        foreach (var set in sets)
        {
            if (set is null)
            {
                continue;
            }

            if (result is null)
            {
                result = (bool[])set.Clone();
                continue;
            }

            for (var i = 0; i < set.Length; i++)
            {
                result[i] &= set[i];
            }
        }

        return result;
    }

    public static TriggerRule Compile(TriggerSpec spec, IReadOnlyList<string> names, RiskWeights? risk = null, RegimeTargets? regimes = null) => spec switch
    {
        NoTrigger => NeverRule.Instance,
        CalendarTrigger c => new CalendarRule(c.Schedule),
        DriftTrigger d => new DriftRule(d, names),
        RiskDriftTrigger r => new RiskDriftRule(r, names, risk ?? throw new ArgumentException("a risk-drift trigger needs risk-parity or risk-budget weights", nameof(risk))),
        AnyTrigger a => new AnyRule([.. a.Triggers.Select(t => Compile(t, names, risk))]),
        AllTrigger a => new AllRule([.. a.Triggers.Select(t => Compile(t, names, risk))]),
        CooldownTrigger c => new CooldownRule(Compile(c.Inner, names, risk, regimes), c.Rows, c.Days),
        VolatilityTrigger v => new VolatilityRule(v, Compile(v.Normal, names, risk), Compile(v.High, names, risk), regimes),
        _ => throw new NotSupportedException($"unknown trigger {spec.GetType().Name}"),
    };

    /// <summary>Never fires: one instance for every buy-and-hold policy (it keeps nothing of its policy).</summary>
    private sealed class NeverRule : TriggerRule
    {
        public static readonly NeverRule Instance = new();

        // No candidate row, for the last calendar asked about: one array shared by every policy that never trades
        // (a backtest's twins all run on one calendar), swapped as one reference. Callers only read candidate rows,
        // as they read a calendar's cached period starts.
        private Tuple<MarketCalendar, bool[]>? _none;

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets) => null;

        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear)
        {
            var none = _none;
            if (none is null || !ReferenceEquals(none.Item1, calendar) || none.Item2.Length != calendar.Count)
            {
                none = Tuple.Create(calendar, new bool[calendar.Count]);
                _none = none;
            }

            return none.Item2;
        }
    }

    private sealed class CalendarRule(CalendarSchedule schedule) : TriggerRule
    {
        // Described when a firing's text is first read, not for every policy compiled.
        private readonly TriggerReason _reason = new("calendar", () => schedule.Describe("calendar"));

        // The period-start flags of the last calendar seen, swapped as one reference (safe if shared across threads).
        private Tuple<MarketCalendar, bool[]>? _cache;

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            if (!schedule.IsPlain)
            {
                // A period end or a shifted phase: the row's date and the previous row's decide, O(1) per row.
                return schedule.Fires(context.Calendar.Dates, context.Row, context.PeriodsPerYear) ? _reason : null;
            }

            var cache = _cache;
            if (cache is null || !ReferenceEquals(cache.Item1, context.Calendar))
            {
                cache = Tuple.Create(context.Calendar, context.Calendar.Starts(schedule.Frequency));
                _cache = cache;
            }

            return cache.Item2[context.Row] ? _reason : null;
        }

        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) =>
            schedule.IsPlain ? calendar.Starts(schedule.Frequency) : schedule.FiringRows(calendar.Dates, periodsPerYear);
    }

    private sealed class DriftRule(DriftTrigger spec, IReadOnlyList<string> names) : TriggerRule
    {
        private readonly double _band = spec.Band;
        private readonly bool _absolute = spec.Measure == DriftMeasure.Absolute;
        private readonly CalendarRule? _check = spec.CheckSchedule is { } check ? new CalendarRule(check) : null;
        private readonly TriggerReason _everyCheck = new("drift", () => spec.CheckSchedule is { } check ? $"drift band 0: rebalance on every row of {check.Describe("check")}" : "drift band 0: rebalance on every row");

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            if (_check is not null && _check.Evaluate(context, targets) is null)
            {
                return null;
            }

            if (_band == 0)
            {
                // A zero band rebalances at every check, drifted or not.
                return _everyCheck;
            }

            // Fast path: the caller already knows the largest absolute drift.
            if (_absolute && !(context.MaxAbsDrift > _band) && !double.IsNaN(context.MaxAbsDrift))
            {
                return null;
            }

            var weights = context.Weights;
            var worst = -1;
            var worstExcess = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                var band = _absolute ? _band : _band * targets[i];
                var excess = Math.Abs(weights[i] - targets[i]) - band;
                if (excess > 0 && (worst < 0 || excess > worstExcess))
                {
                    worst = i;
                    worstExcess = excess;
                }
            }

            return worst < 0 ? null : Describe(worst, weights[worst], targets[worst]);
        }

        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) => _check?.Candidates(calendar, periodsPerYear);

        private DriftReason Describe(int asset, double weight, double target) => new(names[asset], weight, target, _band, _absolute);
    }

    /// <summary>A drift reason: one small object per firing, its text formatted only if someone reads it.</summary>
    private sealed class DriftReason(string asset, double weight, double target, double band, bool absolute) : TriggerReason("drift")
    {
        protected override string Describe()
        {
            var inv = CultureInfo.InvariantCulture;
            var drift = weight - target;
            return absolute
                ? string.Format(inv, "drift {0} {1:+0.00;-0.00}pp outside ±{2:0.##}pp (absolute)", asset, drift * 100, band * 100)
                : string.Format(inv, "drift {0} {1:+0.0;-0.0}% of target outside ±{2:0.##}% (relative)", asset, target > 0 ? drift / target * 100 : double.PositiveInfinity, band * 100);
        }
    }

    private sealed class RiskDriftRule(RiskDriftTrigger spec, IReadOnlyList<string> names, RiskWeights risk) : TriggerRule
    {
        private readonly CalendarRule? _check = spec.CheckSchedule is { } check ? new CalendarRule(check) : null;

        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) => _check?.Candidates(calendar, periodsPerYear);

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            if ((_check is not null && _check.Evaluate(context, targets) is null) || context.Prices is not { } prices
                || prices.RowsUpTo(context.Row) < risk.Covariance.Lookback + 1)
            {
                return null;
            }

            var covariance = RebalancePolicy.Estimate(risk.Covariance, prices, context.Row);
            var n = names.Count;
            var weights = new double[n];
            var invested = 0.0;
            for (var i = 0; i < n; i++)
            {
                weights[i] = context.Weights[i];
                invested += weights[i];
            }

            if (!(invested > 0))
            {
                return null;
            }

            var contributions = Optimisation.RiskBudgeting.RiskContributions(covariance, weights);
            var worst = -1;
            var worstExcess = 0.0;
            for (var i = 0; i < n; i++)
            {
                var budget = risk.Scheme == RiskScheme.RiskBudget ? risk.Budgets[i] : 1.0 / n;
                var band = spec.Measure == DriftMeasure.Absolute ? spec.Band : spec.Band * budget;
                var excess = Math.Abs(contributions[i] - budget) - band;
                if (excess > 0 && (worst < 0 || excess > worstExcess))
                {
                    worst = i;
                    worstExcess = excess;
                }
            }

            if (worst < 0)
            {
                return null;
            }

            var asset = names[worst];
            var rc = contributions[worst];
            var b = risk.Scheme == RiskScheme.RiskBudget ? risk.Budgets[worst] : 1.0 / n;
            return new TriggerReason("risk-drift", () => string.Format(CultureInfo.InvariantCulture, "risk drift {0}: contribution {1:0.0}% vs budget {2:0.0}% (band {3})", asset, rc * 100, b * 100, spec.Measure == DriftMeasure.Absolute ? string.Create(CultureInfo.InvariantCulture, $"±{spec.Band * 100:0.##}pp") : string.Create(CultureInfo.InvariantCulture, $"±{spec.Band * 100:0.##}% of budget")));
        }
    }

    private sealed class AnyRule(TriggerRule[] children) : TriggerRule
    {
        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) => Union(children.Select(c => c.Candidates(calendar, periodsPerYear)));

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            foreach (var child in children)
            {
                if (child.Evaluate(context, targets) is { } reason)
                {
                    return reason;
                }
            }

            return null;
        }
    }

    private sealed class AllRule(TriggerRule[] children) : TriggerRule
    {
        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) => Intersection(children.Select(c => c.Candidates(calendar, periodsPerYear)));

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            TriggerReason? first = null;
            List<string>? texts = null;
            foreach (var child in children)
            {
                var reason = child.Evaluate(context, targets);
                if (reason is null)
                {
                    return null;
                }

                if (first is null)
                {
                    first = reason;
                }
                else
                {
                    texts ??= [first.Text];
                    texts.Add(reason.Text);
                }
            }

            return texts is null ? first : new TriggerReason("all", string.Join(" and ", texts));
        }
    }

    private sealed class VolatilityRule(VolatilityTrigger spec, TriggerRule normal, TriggerRule high, RegimeTargets? regimes) : TriggerRule
    {
        // With targets per regime, a regime change can fire on any row.
        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) =>
            regimes is not null ? null : Union([normal.Candidates(calendar, periodsPerYear), high.Candidates(calendar, periodsPerYear)]);

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            var state = context.State;
            if (regimes is not null && !targets.SequenceEqual(state is { HighVolatility: true } ? regimes.High : regimes.Normal))
            {
                // The regime's targets are not those in force: the regime changed since the last rebalance that traded.
                var entered = state is { HighVolatility: true };
                var level = state?.Volatility ?? double.NaN;
                return new TriggerReason("regime", () => entered
                    ? string.Format(CultureInfo.InvariantCulture, "entered the high-volatility regime (volatility {0:0.0}% above {1:0.#}%): re-targeting to the regime's weights", level * 100, spec.Above * 100)
                    : string.Format(CultureInfo.InvariantCulture, "left the high-volatility regime (volatility {0:0.0}% below {1:0.#}%): back to the policy's targets", level * 100, spec.Below * 100));
            }

            if (state is null || !state.HighVolatility)
            {
                return normal.Evaluate(context, targets);
            }

            var reason = high.Evaluate(context, targets);
            if (reason is null)
            {
                return null;
            }

            var volatility = state.Volatility;
            return new TriggerReason(reason.Kind, () => string.Format(CultureInfo.InvariantCulture, "high-volatility regime (volatility {0:0.0}%; entered above {1:0.#}%, ends below {2:0.#}%): {3}", volatility * 100, spec.Above * 100, spec.Below * 100, reason.Text));
        }
    }

    private sealed class CooldownRule(TriggerRule inner, int? rows, int? days) : TriggerRule
    {
        public override bool[]? Candidates(MarketCalendar calendar, int periodsPerYear) => inner.Candidates(calendar, periodsPerYear);

        public override TriggerReason? Evaluate(in PolicyContext context, ReadOnlySpan<double> targets)
        {
            if (rows is { } r && context.Row - context.LastRebalanceRow < r)
            {
                return null;
            }

            if (days is { } d && context.Date.DayNumber - context.Calendar.Dates[context.LastRebalanceRow].DayNumber < d)
            {
                return null;
            }

            return inner.Evaluate(context, targets);
        }
    }
}

/// <summary>The fixed targets of each volatility regime, as fractions of exact parts per million (universe order).</summary>
/// <param name="Normal">The policy's own targets, in force outside the high regime.</param>
/// <param name="High">The high regime's targets.</param>
internal sealed record RegimeTargets(double[] Normal, double[] High);
