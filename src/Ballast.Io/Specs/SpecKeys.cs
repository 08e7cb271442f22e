namespace Ballast.Io.Specs;

/// <summary>
/// The keys and the enumerated values a policy spec accepts, block by block: what the binders check and what
/// schemas/policy-spec.schema.json must list (SchemaTests holds the two equal, so they cannot drift).
/// </summary>
internal static class SpecKeys
{
    internal static readonly string[] TopKeys = ["name", "description", "universe", "capital", "periods_per_year", "risk_free", "weights", "covariance", "costs", "lot", "trigger", "execution", "policies", "sweep", "baselines"];
    internal static readonly string[] PolicyKeys = ["name", "description", "universe", "capital", "weights", "covariance", "costs", "lot", "trigger", "execution"];
    internal static readonly string[] WeightKeys = ["scheme", "targets", "budgets", "bounds", "risk_aversion", "groups", "correlation_clusters", "beta_limit", "max_turnover"];
    internal static readonly string[] GroupKeys = ["assets", "min", "max"];
    internal static readonly string[] ClusterKeys = ["threshold", "max_weight"];
    internal static readonly string[] BetaKeys = ["reference", "max", "min"];
    internal static readonly string[] Schemes = ["fixed", "equal", "inverse-vol", "risk-parity", "risk-budget", "min-variance", "mean-variance"];
    internal static readonly string[] CovarianceKeys = ["method", "lookback", "halflife", "target"];
    internal static readonly string[] ShrinkageTargets = ["identity", "constant-correlation"];
    internal static readonly string[] CovarianceMethods = ["sample", "ewma", "ledoit-wolf"];
    internal static readonly string[] CostKeys = ["proportional_bps", "spread_bps", "fixed_per_trade"];
    internal static readonly string[] ExecutionKeys = ["to", "partial", "min_trade", "max_turnover"];
    internal static readonly string[] ExecutionTargets = ["target", "band-edge"];
    internal static readonly string[] MinTradeKeys = ["value", "weight"];
    internal static readonly string[] TriggerKeys = ["calendar", "drift", "risk_drift", "any", "all", "check", "anchor", "offset", "cooldown", "volatility"];
    internal static readonly string[] VolatilityKeys = ["window", "above", "below", "then", "scope", "weights"];
    internal static readonly string[] VolatilityScopes = ["portfolio", "any-asset"];
    internal static readonly string[] DriftKeys = ["absolute", "relative"];
    internal static readonly string[] CooldownKeys = ["rows", "days"];
    internal static readonly string[] SweepParameterKeys = ["path", "values", "range", "simplex", "labels"];
    internal static readonly string[] RangeKeys = ["from", "to", "step"];
    internal static readonly string[] SimplexKeys = ["assets", "step", "bounds"];
    internal static readonly string[] BaselineKeys = [.. PolicyKeys, "spec", "policy"];
}
