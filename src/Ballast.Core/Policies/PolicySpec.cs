using System.Collections.Immutable;
using Ballast.Data;

namespace Ballast.Policies;

/// <summary>How drift from target is measured.</summary>
public enum DriftMeasure
{
    /// <summary>Weight points: |w − t| &gt; band.</summary>
    Absolute,

    /// <summary>Fraction of the target: |w − t| &gt; band · t.</summary>
    Relative,
}

/// <summary>When a policy rebalances. A tree: leaves are calendar and drift rules, nodes combine them.</summary>
public abstract record TriggerSpec;

/// <summary>Never rebalance (buy and hold).</summary>
public sealed record NoTrigger : TriggerSpec;

/// <summary>Fire on the first row of each new calendar period (the default), or on the last row of each period.</summary>
/// <param name="Frequency">The calendar period.</param>
/// <param name="Anchor">Period start (a row fires when its period differs from the previous row's) or period end (see <see cref="CalendarAnchor.PeriodEnd"/>).</param>
/// <param name="Offset">The phase of the periods (see <see cref="CalendarSchedule.Offset"/>); 0 for periods starting in January (quarters: January, April, July, October) or on Monday.</param>
public sealed record CalendarTrigger(CalendarFrequency Frequency, CalendarAnchor Anchor = CalendarAnchor.PeriodStart, int Offset = 0) : TriggerSpec
{
    /// <summary>The rows this trigger fires on, as a schedule.</summary>
    public CalendarSchedule Schedule => new(Frequency, Anchor, Offset);
}

/// <summary>
/// Fire when any asset's weight is outside its band; checked on every row, or only on the rows of a <see cref="Check"/>
/// schedule. A band of 0 fires on every check (rebalance at every check, whatever the drift).
/// </summary>
/// <param name="Measure">Absolute (weight points) or relative (a fraction of the target).</param>
/// <param name="Band">The band's half-width: weight points (0.05 = 5 pp) when absolute, a fraction of the target when relative; 0 to rebalance at every check.</param>
/// <param name="Check">Check only on rows starting (or, with <paramref name="CheckAnchor"/>, ending) a period of this frequency; null to check every row.</param>
/// <param name="CheckAnchor">Whether the checks fall on the first or the last row of each <see cref="Check"/> period.</param>
/// <param name="CheckOffset">The phase of the <see cref="Check"/> periods (see <see cref="CalendarSchedule.Offset"/>).</param>
public sealed record DriftTrigger(DriftMeasure Measure, double Band, CalendarFrequency? Check, CalendarAnchor CheckAnchor = CalendarAnchor.PeriodStart, int CheckOffset = 0) : TriggerSpec
{
    /// <summary>The rows drift is checked on, or null for every row.</summary>
    public CalendarSchedule? CheckSchedule => Check is { } frequency ? new(frequency, CheckAnchor, CheckOffset) : null;
}

/// <summary>
/// Fire when any asset's risk contribution (from the policy's covariance estimate on the row, with the current
/// weights) is outside its band around its risk budget: |RCᵢ − bᵢ| &gt; band (absolute) or &gt; band · bᵢ (relative).
/// Only for risk-parity and risk-budget weights. Checked on every row, or on rows that start a <see cref="Check"/> period.
/// </summary>
/// <param name="Measure">Absolute (contribution points) or relative (a fraction of the budget).</param>
/// <param name="Band">The band's half-width around each risk budget, as a fraction.</param>
/// <param name="Check">Check only on rows starting (or, with <paramref name="CheckAnchor"/>, ending) a period of this frequency; null to check every row.</param>
/// <param name="CheckAnchor">Whether the checks fall on the first or the last row of each <see cref="Check"/> period.</param>
/// <param name="CheckOffset">The phase of the <see cref="Check"/> periods (see <see cref="CalendarSchedule.Offset"/>).</param>
public sealed record RiskDriftTrigger(DriftMeasure Measure, double Band, CalendarFrequency? Check, CalendarAnchor CheckAnchor = CalendarAnchor.PeriodStart, int CheckOffset = 0) : TriggerSpec
{
    /// <summary>The rows risk contributions are checked on, or null for every row.</summary>
    public CalendarSchedule? CheckSchedule => Check is { } frequency ? new(frequency, CheckAnchor, CheckOffset) : null;
}

/// <summary>Fire when any child fires (the first one that fires gives the reason).</summary>
/// <param name="Triggers">The child triggers, in spec order (at least one).</param>
public sealed record AnyTrigger(ImmutableArray<TriggerSpec> Triggers) : TriggerSpec;

/// <summary>Fire when every child fires on the same row.</summary>
/// <param name="Triggers">The child triggers, in spec order (at least one).</param>
public sealed record AllTrigger(ImmutableArray<TriggerSpec> Triggers) : TriggerSpec;

/// <summary>Fire when <see cref="Inner"/> fires and at least <see cref="Rows"/> rows and <see cref="Days"/> calendar days have passed since the last rebalance.</summary>
/// <param name="Inner">The trigger that must fire.</param>
/// <param name="Rows">Rows that must have passed since the last rebalance; null for no row limit.</param>
/// <param name="Days">Calendar days that must have passed since the last rebalance; null for no day limit.</param>
public sealed record CooldownTrigger(TriggerSpec Inner, int? Rows, int? Days) : TriggerSpec;

/// <summary>Whose realised volatility a volatility trigger watches.</summary>
public enum VolatilityScope
{
    /// <summary>The portfolio as currently held: returns Σ wᵢ rᵢ over the window with today's weights.</summary>
    Portfolio,

    /// <summary>The most volatile single asset.</summary>
    AnyAsset,
}

/// <summary>
/// Volatility-aware triggering: while realised volatility (annualised sample standard deviation of the last
/// <see cref="Window"/> simple returns) is high the <see cref="High"/> trigger applies, otherwise <see cref="Normal"/>.
/// The regime turns high when volatility rises above <see cref="Above"/> and back to normal only when it falls below
/// <see cref="Below"/> (hysteresis).
/// </summary>
/// <param name="Normal">The trigger in force in the normal regime.</param>
/// <param name="Window">The number of simple returns the realised volatility is measured over (at least 2).</param>
/// <param name="Above">Annualised volatility above which the regime turns high, a fraction per year.</param>
/// <param name="Below">Annualised volatility below which the regime turns back to normal (at most <paramref name="Above"/>).</param>
/// <param name="High">The trigger in force in the high-volatility regime.</param>
/// <param name="Scope">Whose volatility is watched: the portfolio or the most volatile asset.</param>
/// <param name="HighWeights">
/// The fixed targets in force while the regime is high, or null to keep the policy's targets. When given, entering
/// the high regime re-targets to them and rebalances, and leaving it re-targets to the policy's own (fixed) targets
/// and rebalances; only for fixed-target policies.
/// </param>
public sealed record VolatilityTrigger(TriggerSpec Normal, int Window, double Above, double Below, TriggerSpec High, VolatilityScope Scope, FixedWeights? HighWeights = null) : TriggerSpec;

/// <summary>Walking a trigger tree.</summary>
public static class TriggerTree
{
    /// <summary>
    /// The trigger and every trigger nested in it, depth first in written order (any/all children in list order,
    /// a cooldown's inner trigger, a volatility regime's normal then high trigger).
    /// </summary>
    public static IEnumerable<TriggerSpec> Walk(this TriggerSpec trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        yield return trigger;
        IEnumerable<TriggerSpec> children = trigger switch
        {
            AnyTrigger a => a.Triggers,
            AllTrigger a => a.Triggers,
            CooldownTrigger c => [c.Inner],
            VolatilityTrigger v => [v.Normal, v.High],
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in child.Walk())
            {
                yield return descendant;
            }
        }
    }
}

/// <summary>Where a rebalance moves the weights.</summary>
public enum ExecutionTarget
{
    /// <summary>All the way to the targets.</summary>
    Target,

    /// <summary>Breaching assets to the nearest edge of their band; the others absorb the difference pro rata to their targets.</summary>
    BandEdge,
}

/// <summary>Skip trades smaller than a value (in currency) or a weight.</summary>
/// <param name="Value">Skip a trade whose value is below this, in currency; null for no value floor.</param>
/// <param name="Weight">Skip a trade whose size is below this weight (fraction of NAV); null for no weight floor.</param>
public sealed record MinTrade(double? Value, double? Weight);

/// <summary>How a fired rebalance is carried out.</summary>
/// <param name="To">How far a fired rebalance trades: to the targets, or breaching assets to their band edge.</param>
/// <param name="Partial">Fraction of the way to the execution target traded, in (0, 1]; null for all the way.</param>
/// <param name="MinTrade">Trades too small to make; null for none.</param>
/// <param name="MaxTurnover">The largest one-way turnover ½ Σ|Δw| of one rebalance, in (0, 1]; null for no cap.</param>
public sealed record ExecutionSpec(ExecutionTarget To = ExecutionTarget.Target, double? Partial = null, MinTrade? MinTrade = null, double? MaxTurnover = null)
{
    /// <summary>Trade all the way to the targets: no partial step, no minimum trade, no turnover cap.</summary>
    public static ExecutionSpec Default { get; } = new();
}

/// <summary>Transaction costs, per asset in universe order. Costs are paid out of NAV at the trade.</summary>
/// <param name="ProportionalBps">Proportional cost per asset, in bps of the value traded.</param>
/// <param name="SpreadBps">Bid-ask spread per asset in bps; half of it is paid on each trade.</param>
/// <param name="FixedPerTrade">Fixed cost, in currency, once for every asset whose holding changes on a row.</param>
public sealed record CostSpec(ImmutableArray<double> ProportionalBps, ImmutableArray<double> SpreadBps, double FixedPerTrade)
{
    /// <summary>No costs: zero proportional and spread bps for every asset and no fixed cost per trade.</summary>
    /// <param name="assets">The universe size (length of the per-asset arrays).</param>
    /// <returns>The zero cost spec.</returns>
    public static CostSpec Zero(int assets) => new([.. new double[assets]], [.. new double[assets]], 0);

    /// <summary>Cost per unit of traded value for one asset: proportional bps plus half the spread.</summary>
    public double Rate(int asset) => (ProportionalBps[asset] + (SpreadBps[asset] / 2)) / 10_000;
}

/// <summary>How target weights are set.</summary>
public abstract record WeightsSpec;

/// <summary>Fixed targets per asset, in universe order, summing to 1.</summary>
/// <param name="Targets">Target weight per asset in universe order, each ≥ 0, summing to 1.</param>
public sealed record FixedWeights(ImmutableArray<double> Targets) : WeightsSpec;

/// <summary>How the covariance of returns is estimated.</summary>
public enum CovarianceMethod
{
    /// <summary>Sample covariance, ddof = 1.</summary>
    Sample,

    /// <summary>Exponentially weighted, with a half-life in rows.</summary>
    Ewma,

    /// <summary>Ledoit-Wolf shrinkage towards the scaled identity.</summary>
    LedoitWolf,
}

/// <summary>The shrinkage target of Ledoit-Wolf.</summary>
public enum ShrinkageTarget
{
    /// <summary>The scaled identity μI (μ = average variance).</summary>
    Identity,

    /// <summary>Sample variances with every correlation set to the average sample correlation.</summary>
    ConstantCorrelation,
}

/// <summary>A covariance estimate over the <see cref="Lookback"/> simple returns ending at the decision row; <see cref="Target"/> applies to Ledoit-Wolf only.</summary>
/// <param name="Method">Sample, EWMA or Ledoit-Wolf.</param>
/// <param name="Lookback">The number of simple returns used, ending at the decision row.</param>
/// <param name="Halflife">The EWMA half-life in rows; null for the other methods.</param>
/// <param name="Target">Ledoit-Wolf's shrinkage target (ignored by the other methods).</param>
public sealed record CovarianceSpec(CovarianceMethod Method, int Lookback, double? Halflife, ShrinkageTarget Target = ShrinkageTarget.Identity)
{
    /// <summary>The sample covariance (ddof = 1) of the last 252 simple returns.</summary>
    public static CovarianceSpec Default { get; } = new(CovarianceMethod.Sample, 252, null);
}

/// <summary>Risk-based schemes: targets recomputed from the covariance estimate whenever the policy rebalances.</summary>
public enum RiskScheme
{
    /// <summary>Weights proportional to 1/σᵢ (correlations ignored).</summary>
    InverseVolatility,
    /// <summary>Equal risk contributions (equal risk budgets), long only.</summary>
    RiskParity,
    /// <summary>Risk contributions proportional to the spec's per-asset budgets.</summary>
    RiskBudget,
    /// <summary>The long-only weights of least portfolio variance within the bounds and constraints.</summary>
    MinimumVariance,
    /// <summary>Maximises μᵀw − (λ/2)·wᵀΣw within the bounds and constraints (λ = <see cref="RiskWeights.RiskAversion"/>, μ the sample mean returns).</summary>
    MeanVariance,
}

/// <summary>
/// Risk-based targets. <see cref="Budgets"/> (risk-budget) and <see cref="Lower"/>/<see cref="Upper"/>
/// (min-variance bounds) are per asset in universe order; empty where the scheme does not use them.
/// </summary>
/// <remarks><see cref="RiskAversion"/> (λ &gt; 0) is used by mean-variance only; expected returns are the sample means of the lookback returns.</remarks>
/// <param name="Scheme">How weights follow from the covariance estimate.</param>
/// <param name="Covariance">How the covariance is estimated.</param>
/// <param name="Budgets">Risk budget per asset (risk-budget only), each &gt; 0, summing to 1; empty otherwise.</param>
/// <param name="Lower">Lower weight bound per asset; empty for 0.</param>
/// <param name="Upper">Upper weight bound per asset; empty for 1.</param>
/// <param name="RiskAversion">λ &gt; 0 for mean-variance; 0 (unused) for the other schemes.</param>
public sealed record RiskWeights(RiskScheme Scheme, CovarianceSpec Covariance, ImmutableArray<double> Budgets, ImmutableArray<double> Lower, ImmutableArray<double> Upper, double RiskAversion = 0) : WeightsSpec
{
    /// <summary>The spec spelling of each scheme, in enum order.</summary>
    public static readonly IReadOnlyList<string> SchemeNames = ["inverse-vol", "risk-parity", "risk-budget", "min-variance", "mean-variance"];

    /// <summary>True for the optimising schemes (min-variance, mean-variance), whose bounds are always part of the canonical form.</summary>
    public bool TakesBounds => Scheme is RiskScheme.MinimumVariance or RiskScheme.MeanVariance;

    /// <summary>True when some bound differs from [0, 1] (risk-parity and risk-budget then solve the bounded problem).</summary>
    public bool HasBounds =>
        (!Lower.IsDefaultOrEmpty && Lower.Any(l => l > 0)) || (!Upper.IsDefaultOrEmpty && Upper.Any(u => u < 1));

    /// <summary>Constraints beyond bounds (min-variance and mean-variance only): groups, clusters, beta, turnover.</summary>
    public WeightConstraints Constraints { get; init; } = WeightConstraints.None;
}

/// <summary>
/// Linear constraints of the optimising schemes beyond per-asset bounds (see docs/policy-spec.md): named groups with
/// a total-weight range, a cap on each cluster of highly correlated assets, a limit on portfolio beta to a reference
/// series, and a limit on the L1 distance from the current weights.
/// </summary>
public sealed record WeightConstraints
{
    /// <summary>No constraint beyond the per-asset bounds.</summary>
    public static WeightConstraints None { get; } = new();

    /// <summary>Named groups whose total weight is kept within a range; empty for none.</summary>
    public ImmutableArray<GroupLimit> Groups { get; init; } = [];

    /// <summary>The cap on each cluster of highly correlated assets; null for none.</summary>
    public ClusterLimit? Clusters { get; init; }

    /// <summary>The limit on portfolio beta to a reference series; null for none.</summary>
    public BetaLimit? Beta { get; init; }

    /// <summary>Σ|wᵢ − currentᵢ| ≤ this at each rebalance (not applied to the initial allocation).</summary>
    public double? MaxTurnover { get; init; }

    /// <summary>True when no group, cluster, beta or turnover constraint is set (the problem has bounds only).</summary>
    public bool IsEmpty => Groups.IsDefaultOrEmpty && Clusters is null && Beta is null && MaxTurnover is null;
}

/// <summary>A named set of assets (universe indexes) whose total weight stays within [<see cref="Min"/>, <see cref="Max"/>].</summary>
/// <param name="Name">The group's name, used in messages.</param>
/// <param name="Members">The members' universe indexes.</param>
/// <param name="Min">Least total weight of the group, a fraction.</param>
/// <param name="Max">Most total weight of the group, a fraction.</param>
public sealed record GroupLimit(string Name, ImmutableArray<int> Members, double Min, double Max);

/// <summary>Assets whose pairwise correlation over the lookback exceeds <see cref="Threshold"/> form clusters (complete linkage); each cluster's total weight is at most <see cref="MaxWeight"/>.</summary>
/// <param name="Threshold">Pairwise correlation above which two assets are linked, −1 to 1.</param>
/// <param name="MaxWeight">Most total weight of any one cluster, a fraction.</param>
public sealed record ClusterLimit(double Threshold, double MaxWeight);

/// <summary>Portfolio beta to the <see cref="Reference"/> series (a data column, in the universe or not) within [<see cref="Min"/>, <see cref="Max"/>].</summary>
/// <param name="Reference">The name of the reference series (a data column).</param>
/// <param name="Max">Highest portfolio beta allowed.</param>
/// <param name="Min">Lowest portfolio beta allowed; null for no floor.</param>
public sealed record BetaLimit(string Reference, double Max, double? Min = null);

/// <summary>
/// One fully resolved policy: top-level defaults already merged in. Its <see cref="Hash"/> is the SHA-256 of its
/// canonical JSON (see <see cref="CanonicalPolicy"/>) and is the policy's published identity.
/// </summary>
public sealed record PolicySpec
{
    /// <summary>The policy's name, unique within its spec file; not part of its canonical form, so not of its hash.</summary>
    public required string Name { get; init; }

    /// <summary>The data series (columns) the policy holds, in the order every per-asset array follows.</summary>
    public required ImmutableArray<string> Universe { get; init; }

    /// <summary>Initial capital in currency units (a backtest starts fully invested at the first targets).</summary>
    public required double Capital { get; init; }

    /// <summary>How targets are set: <see cref="FixedWeights"/> or <see cref="RiskWeights"/>.</summary>
    public required WeightsSpec Weights { get; init; }

    /// <summary>Transaction costs per asset, paid out of NAV at each trade.</summary>
    public required CostSpec Costs { get; init; }

    /// <summary>When a rebalance fires (calendar, bands, volatility or risk-contribution drift, or a combination).</summary>
    public required TriggerSpec Trigger { get; init; }

    /// <summary>How a fired rebalance trades; <see cref="ExecutionSpec.Default"/> trades fully to the targets.</summary>
    public ExecutionSpec Execution { get; init; } = ExecutionSpec.Default;

    /// <summary>Lot size per asset in universe order; 0 = fractional units.</summary>
    public required ImmutableArray<double> Lot { get; init; }

    /// <summary>Series the policy reads but does not hold (a beta reference outside the universe).</summary>
    public IEnumerable<string> ReferenceSeries =>
        Weights is RiskWeights { Constraints.Beta: { } beta } && !Universe.Contains(beta.Reference) ? [beta.Reference] : [];

    /// <summary>The canonical JSON text (decision-relevant content only; see docs/policy-spec.md).</summary>
    public string CanonicalJson => CanonicalPolicy.Json(this);

    /// <summary>SHA-256 of <see cref="CanonicalJson"/>, lowercase hex.</summary>
    public PolicyHash Hash => CanonicalPolicy.Hash(this);
}

/// <summary>A spec file: a named set of policies sharing data settings.</summary>
public sealed record PolicySet
{
    /// <summary>The spec's name (its top-level <c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Where the spec was read from (a file path or a label), used in error messages and reports.</summary>
    public required string Source { get; init; }

    /// <summary>The policies, in file order, each with the top-level defaults merged in.</summary>
    public required ImmutableArray<PolicySpec> Policies { get; init; }

    /// <summary>Periods per year for annualisation; null = infer from the dates.</summary>
    public int? PeriodsPerYear { get; init; }

    /// <summary>Annual risk-free rate for Sharpe and Sortino (default 0).</summary>
    public double RiskFree { get; init; }

    /// <summary>Where each universe entry was written in the spec, for messages about the data.</summary>
    public IReadOnlyDictionary<string, InputLocation> UniverseLocations { get; init; } = new Dictionary<string, InputLocation>();

    /// <summary>How the spec's <c>sweep</c> block expanded into <see cref="Policies"/>; null when it has none.</summary>
    public SweepTable? Sweep { get; init; }

    /// <summary>Named baselines (the spec's <c>baselines</c>) every policy is compared with, beside its buy-and-hold twin.</summary>
    public ImmutableArray<PolicySpec> Baselines { get; init; } = [];

    /// <summary>Every series any policy or baseline uses (universes and references), in first-use order.</summary>
    public IReadOnlyList<string> AllSeries()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var policy in Baselines.IsDefaultOrEmpty ? Policies : Policies.AddRange(Baselines))
        {
            foreach (var name in policy.Universe.Concat(policy.ReferenceSeries))
            {
                if (seen.Add(name))
                {
                    list.Add(name);
                }
            }
        }

        return list;
    }
}
