using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.ConstraintsBinder;
using static Ballast.Io.Specs.CovarianceBinder;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds a policy's <c>weights</c> block: the scheme, fixed targets, risk budgets and bounds (schemas/policy-spec.schema.json, $defs/weights).</summary>
internal static class WeightsBinder
{
    /// <summary>
    /// The weights block at <paramref name="map"/>. With <paramref name="covarianceGiven"/> (<c>ballast weights
    /// --covariance</c>) the matrix comes from outside: no estimator is bound and none of its checks apply.
    /// </summary>
    internal static WeightsSpec BindWeights(MapNode map, string path, ImmutableArray<string> universe, SpecNode? covarianceNode, string covariancePath, bool covarianceGiven = false)
    {
        var schemeNode = Get(map, "scheme") ?? throw Fail(map, $"{path}.scheme", $"missing scheme; expected one of: {string.Join(", ", Schemes)}");
        var scheme = Choice(schemeNode, $"{path}.scheme", Schemes);
        var riskIndex = RiskWeights.SchemeNames.ToList().IndexOf(scheme);
        foreach (var (key, only) in new[] { ("budgets", "risk-budget"), ("bounds", "min-variance"), ("risk_aversion", "mean-variance") })
        {
            if (Get(map, key) is { } misplaced && scheme != only && !(key == "bounds" && scheme is "mean-variance" or "risk-parity" or "risk-budget"))
            {
                throw Fail(misplaced, $"{path}.{key}", key == "bounds" ? "bounds applies only to schemes risk-parity, risk-budget, min-variance and mean-variance" : $"{key} applies only to scheme {only}");
            }
        }

        foreach (var key in new[] { "groups", "correlation_clusters", "beta_limit", "max_turnover" })
        {
            if (Get(map, key) is { } misplaced && scheme is not ("min-variance" or "mean-variance"))
            {
                throw Fail(misplaced, $"{path}.{key}", $"{key} applies only to schemes min-variance and mean-variance (the optimisers that take linear constraints)");
            }
        }

        if (riskIndex < 0 && covarianceNode is not null)
        {
            // Not used by fixed weights, but a typo in it must not pass silently.
            _ = BindCovariance(covarianceNode, covariancePath);
        }

        if (riskIndex >= 0)
        {
            if (Get(map, "targets") is { } targetsGiven)
            {
                throw Fail(targetsGiven, $"{path}.targets", $"scheme {scheme} sets its targets from the covariance estimate; remove targets or use scheme fixed");
            }

            var covariance = covarianceNode is null ? CovarianceSpec.Default : BindCovariance(covarianceNode, covariancePath);
            if (!covarianceGiven && covariance.Method != CovarianceMethod.LedoitWolf && covariance.Lookback < universe.Length + 1)
            {
                throw Fail(covarianceNode ?? schemeNode, covarianceNode is null ? path : Join(covariancePath, "lookback"), $"{(covariance.Method == CovarianceMethod.Sample ? "a sample" : "an EWMA")} covariance of {universe.Length} assets needs a lookback of at least {universe.Length + 1} returns to be non-singular, got {covariance.Lookback}; lengthen it or use method ledoit-wolf");
            }
            var budgets = ImmutableArray<double>.Empty;
            if (scheme == "risk-budget")
            {
                var budgetsNode = Get(map, "budgets") ?? throw Fail(map, $"{path}.budgets", "scheme risk-budget needs budgets: { ASSET: share of risk, ... } summing to 1");
                budgets = PositiveShares(budgetsNode, $"{path}.budgets", universe, "budget");
            }

            var (lower, upper) = (ImmutableArray<double>.Empty, ImmutableArray<double>.Empty);
            if (Get(map, "bounds") is { } boundsNode)
            {
                (lower, upper) = BindBounds(boundsNode, $"{path}.bounds", universe);
            }

            var riskAversion = 0.0;
            if (scheme == "mean-variance")
            {
                var aversionNode = Get(map, "risk_aversion") ?? throw Fail(map, $"{path}.risk_aversion", "scheme mean-variance needs risk_aversion (λ > 0 in max μ'w − λ/2 w'Σw; larger is closer to minimum variance)");
                riskAversion = NonNegativeNumber(aversionNode, $"{path}.risk_aversion", positive: true);
            }

            return new RiskWeights((RiskScheme)riskIndex, covariance, budgets, lower, upper, riskAversion) { Constraints = BindConstraints(map, path, universe, lower, upper) };
        }

        if (scheme == "equal")
        {
            if (Get(map, "targets") is { } extra)
            {
                throw Fail(extra, $"{path}.targets", "scheme equal takes no targets");
            }

            return new FixedWeights([.. Enumerable.Repeat(1.0 / universe.Length, universe.Length)]);
        }

        var targetsNode = Get(map, "targets") ?? throw Fail(map, $"{path}.targets", "scheme fixed needs targets: { ASSET: weight, ... } summing to 1");
        var targets = AsMap(targetsNode, $"{path}.targets");
        var values = new double[universe.Length];
        var given = new bool[universe.Length];
        foreach (var (key, value) in targets.Entries)
        {
            var index = AssetIndex(key, $"{path}.targets", universe);

            var weight = Number(value, $"{path}.targets.{key.Text}");
            if (weight < 0)
            {
                throw Fail(value, $"{path}.targets.{key.Text}", $"target weights must be >= 0, got {Fmt(weight)}");
            }

            values[index] = weight;
            given[index] = true;
        }

        for (var i = 0; i < universe.Length; i++)
        {
            if (!given[i])
            {
                throw Fail(targetsNode, $"{path}.targets", $"no target for '{universe[i]}'; every asset of the universe needs one (0 to hold none)");
            }
        }

        var sum = Total(values);
        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw Fail(targetsNode, $"{path}.targets", $"targets must sum to 1 (within 1e-9), they sum to {Fmt(sum)}");
        }

        return new FixedWeights([.. values]);
    }


    /// <summary>A map of asset to positive share, covering the universe and summing to 1.</summary>
    internal static ImmutableArray<double> PositiveShares(SpecNode node, string path, ImmutableArray<string> universe, string what)
    {
        var map = AsMap(node, path);
        var values = new double[universe.Length];
        var given = new bool[universe.Length];
        foreach (var (key, value) in map.Entries)
        {
            var index = AssetIndex(key, path, universe);

            values[index] = NonNegativeNumber(value, $"{path}.{key.Text}", positive: true);
            given[index] = true;
        }

        var missing = universe.Where((_, i) => !given[i]).ToList();
        if (missing.Count > 0)
        {
            throw Fail(node, path, $"no {what} for {string.Join(", ", missing.Select(m => $"'{m}'"))}; every asset needs one");
        }

        if (Math.Abs(Total(values) - 1) > 1e-9)
        {
            throw Fail(node, path, $"{what}s must sum to 1 (within 1e-9), they sum to {Fmt(Total(values))}");
        }

        return [.. values];
    }

    /// <summary>groups, correlation_clusters, beta_limit and max_turnover of an optimising scheme.</summary>

    /// <summary>Bounds: [lo, hi] for every asset, or a map of asset to [lo, hi] (unlisted assets [0, 1]).</summary>
    internal static (ImmutableArray<double> Lower, ImmutableArray<double> Upper) BindBounds(SpecNode node, string path, ImmutableArray<string> universe)
    {
        var lower = new double[universe.Length];
        var upper = Enumerable.Repeat(1.0, universe.Length).ToArray();
        (double Lo, double Hi) Pair(SpecNode pairNode, string pairPath)
        {
            var list = AsList(pairNode, pairPath);
            if (list.Items.Count != 2)
            {
                throw Fail(pairNode, pairPath, "expected [lower, upper], e.g. [0.05, 0.5]");
            }

            var lo = Number(list.Items[0], $"{pairPath}[0]");
            var hi = Number(list.Items[1], $"{pairPath}[1]");
            if (lo < 0 || hi > 1 || lo > hi)
            {
                throw Fail(pairNode, pairPath, $"bounds must satisfy 0 <= lower <= upper <= 1, got [{Fmt(lo)}, {Fmt(hi)}]");
            }

            return (lo, hi);
        }

        if (node is MapNode map)
        {
            foreach (var (key, value) in map.Entries)
            {
                var index = AssetIndex(key, path, universe);

                (lower[index], upper[index]) = Pair(value, $"{path}.{key.Text}");
            }
        }
        else
        {
            var (lo, hi) = Pair(node, path);
            Array.Fill(lower, lo);
            Array.Fill(upper, hi);
        }

        if (Total(lower) > 1 + 1e-12)
        {
            throw Fail(node, path, $"lower bounds sum to {Fmt(Total(lower))} > 1: no portfolio can meet them (weights sum to 1)");
        }

        if (Total(upper) < 1 - 1e-12)
        {
            throw Fail(node, path, $"upper bounds sum to {Fmt(Total(upper))} < 1: no portfolio can meet them (weights sum to 1)");
        }

        return ([.. lower], [.. upper]);
    }

    /// <summary>The sum in order, as LINQ's Sum adds doubles (a loop: LINQ's generic Sum is compiled at run time).</summary>
    private static double Total(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }
}
