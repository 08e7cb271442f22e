using System.Collections.Immutable;
using System.Globalization;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Io.Specs;

/// <summary>
/// Loads a policy spec (YAML or JSON, one schema: schemas/policy-spec.schema.json) into a validated
/// <see cref="PolicySet"/>. Top-level values are defaults each policy may override; an override replaces the whole
/// block. Every error names file, line, column and the field path, and unknown keys get a suggestion when one is close.
/// </summary>
public static class SpecLoader
{
    internal static readonly string[] TopKeys = ["name", "description", "universe", "capital", "periods_per_year", "risk_free", "weights", "covariance", "costs", "lot", "trigger", "execution", "policies"];
    internal static readonly string[] PolicyKeys = ["name", "description", "universe", "capital", "weights", "covariance", "costs", "lot", "trigger", "execution"];
    private static readonly string[] WeightKeys = ["scheme", "targets", "budgets", "bounds", "risk_aversion", "groups", "correlation_clusters", "beta_limit", "max_turnover"];

    private static readonly string[] GroupKeys = ["assets", "min", "max"];

    private static readonly string[] ClusterKeys = ["threshold", "max_weight"];

    private static readonly string[] BetaKeys = ["reference", "max", "min"];
    private static readonly string[] Schemes = ["fixed", "equal", "inverse-vol", "risk-parity", "risk-budget", "min-variance", "mean-variance"];
    private static readonly string[] CovarianceKeys = ["method", "lookback", "halflife", "target"];
    private static readonly string[] ShrinkageTargets = ["identity", "constant-correlation"];
    private static readonly string[] CovarianceMethods = ["sample", "ewma", "ledoit-wolf"];
    private static readonly string[] CostKeys = ["proportional_bps", "spread_bps", "fixed_per_trade"];
    private static readonly string[] ExecutionKeys = ["to", "partial", "min_trade", "max_turnover"];
    private static readonly string[] ExecutionTargets = ["target", "band-edge"];
    private static readonly string[] MinTradeKeys = ["value", "weight"];
    private static readonly string[] TriggerKeys = ["calendar", "drift", "risk_drift", "any", "all", "check", "cooldown", "volatility"];
    private static readonly string[] VolatilityKeys = ["window", "above", "below", "then", "scope"];
    private static readonly string[] VolatilityScopes = ["portfolio", "any-asset"];
    private static readonly string[] DriftKeys = ["absolute", "relative"];
    private static readonly string[] CooldownKeys = ["rows", "days"];

    /// <summary>The longest lookback or window accepted (rows).</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>The default capital when a spec gives none.</summary>
    public const double DefaultCapital = 1_000_000;

    public static PolicySet LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "spec"), path);
    }

    /// <summary>Parses and validates a spec. <paramref name="source"/> names it in messages and picks the syntax (.json or .yaml/.yml).</summary>
    public static PolicySet Load(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var root = SpecDocument.Parse(text, source);
        var top = AsMap(root, "the spec");
        CheckKeys(top, TopKeys, string.Empty);

        var setName = Get(top, "name") is { } setNameNode ? String(setNameNode, "name") : Path.GetFileNameWithoutExtension(source);
        var periods = Get(top, "periods_per_year") is { } p ? PositiveInt(p, "periods_per_year") : (int?)null;
        var riskFree = Get(top, "risk_free") is { } rf ? Number(rf, "risk_free") : 0;
        if (riskFree <= -1)
        {
            throw Error(Get(top, "risk_free")!, "risk_free", $"must be greater than -1, got {riskFree}");
        }

        var locations = new Dictionary<string, InputLocation>(StringComparer.Ordinal);
        var policies = new List<PolicySpec>();
        if (Get(top, "policies") is { } list)
        {
            var items = AsList(list, "policies");
            if (items.Items.Count == 0)
            {
                throw Error(list, "policies", "the list is empty; give at least one policy");
            }

            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < items.Items.Count; i++)
            {
                var path = $"policies[{i}]";
                var map = AsMap(items.Items[i], path);
                CheckKeys(map, PolicyKeys, path);
                var nameNode = Get(map, "name") ?? throw Error(map, $"{path}.name", "every policy needs a name");
                var name = String(nameNode, $"{path}.name");
                if (name.Length == 0)
                {
                    throw Error(nameNode, $"{path}.name", "the name is empty");
                }

                if (!names.TryAdd(name, i))
                {
                    throw Error(nameNode, $"{path}.name", $"duplicate policy name '{name}' (also policies[{names[name]}])");
                }

                policies.Add(BindPolicy(name, map, top, path, locations));
            }
        }
        else
        {
            policies.Add(BindPolicy(setName, top, top, string.Empty, locations));
        }

        return new PolicySet
        {
            Name = setName,
            Source = source,
            Policies = [.. policies],
            PeriodsPerYear = periods,
            RiskFree = riskFree,
            UniverseLocations = locations,
        };
    }

    private static PolicySpec BindPolicy(string name, MapNode map, MapNode top, string path, Dictionary<string, InputLocation> locations)
    {
        // A key on the policy overrides the top-level one; field paths name where the value came from.
        (SpecNode? Node, string Path) Pick(string key)
        {
            if (!ReferenceEquals(map, top) && Get(map, key) is { } own)
            {
                return (own, Join(path, key));
            }

            return Get(top, key) is { } shared ? (shared, key) : (null, Join(path, key));
        }

        var (universeNode, universePath) = Pick("universe");
        var (weightsNode, weightsPath) = Pick("weights");
        if (weightsNode is null)
        {
            throw Error(map, weightsPath, $"policy '{name}' has no weights; give weights: {{ scheme: fixed, targets: {{...}} }} here or at the top level");
        }

        var weightsMap = AsMap(weightsNode, weightsPath);
        CheckKeys(weightsMap, WeightKeys, weightsPath);
        ImmutableArray<string> universe;
        if (universeNode is not null)
        {
            var list = AsList(universeNode, universePath);
            if (list.Items.Count == 0)
            {
                throw Error(universeNode, universePath, "the universe is empty; name at least one column of the data file");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var builder = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < list.Items.Count; i++)
            {
                var asset = String(list.Items[i], $"{universePath}[{i}]");
                if (asset.Length == 0 || !seen.Add(asset))
                {
                    throw Error(list.Items[i], $"{universePath}[{i}]", asset.Length == 0 ? "empty series name" : $"'{asset}' is listed twice");
                }

                builder.Add(asset);
                locations.TryAdd(asset, list.Items[i].Location with { Field = $"{universePath}[{i}]" });
            }

            universe = builder.ToImmutable();
        }
        else if (Get(weightsMap, "targets") is MapNode targetsOnly)
        {
            universe = [.. targetsOnly.Entries.Select(e => e.Key.Text)];
            foreach (var entry in targetsOnly.Entries)
            {
                locations.TryAdd(entry.Key.Text, entry.Key.Location with { Field = $"{weightsPath}.targets.{entry.Key.Text}" });
            }
        }
        else
        {
            throw Error(map, universePath, $"policy '{name}' has no universe; list the data columns it holds, e.g. universe: [SPY, AGG]");
        }

        var (covarianceNode, covariancePath) = Pick("covariance");
        var weights = Inherited(name, weightsPath, path, universe, () => BindWeights(weightsMap, weightsPath, universe, covarianceNode, covariancePath));
        if (weights is RiskWeights { Constraints.Beta: { } betaLimit } && Get(weightsMap, "beta_limit") is MapNode betaMap && Get(betaMap, "reference") is { } referenceNode)
        {
            locations.TryAdd(betaLimit.Reference, referenceNode.Location with { Field = $"{weightsPath}.beta_limit.reference" });
        }

        var (capitalNode, capitalPath) = Pick("capital");
        var capital = capitalNode is null ? DefaultCapital : Number(capitalNode, capitalPath);
        if (!(capital > 0))
        {
            throw Error(capitalNode!, capitalPath, $"capital must be positive, got {Fmt(capital)}");
        }

        var (costsNode, costsPath) = Pick("costs");
        var costs = costsNode is null ? CostSpec.Zero(universe.Length) : Inherited(name, costsPath, path, universe, () => BindCosts(costsNode, costsPath, universe));
        var (lotNode, lotPath) = Pick("lot");
        var lot = lotNode is null ? [.. new double[universe.Length]] : Inherited(name, lotPath, path, universe, () => PerAsset(lotNode, lotPath, universe, positive: true));
        var (triggerNode, triggerPath) = Pick("trigger");
        if (triggerNode is null)
        {
            throw Error(map, triggerPath, $"policy '{name}' has no trigger; write trigger: none for buy and hold, or e.g. trigger: {{ calendar: monthly }}");
        }

        var trigger = BindTrigger(triggerNode, triggerPath, allowNone: true);
        var (executionNode, executionPath) = Pick("execution");
        var execution = executionNode is null ? ExecutionSpec.Default : BindExecution(executionNode, executionPath);
        if (trigger.Walk().Any(t => t is RiskDriftTrigger) && weights is not RiskWeights { Scheme: RiskScheme.RiskParity or RiskScheme.RiskBudget })
        {
            throw Error(triggerNode, triggerPath, "risk_drift compares risk contributions with risk budgets, so it needs weights with scheme risk-parity or risk-budget");
        }

        if (execution.To == ExecutionTarget.BandEdge && !trigger.Walk().Any(t => t is DriftTrigger))
        {
            throw Error(executionNode!, $"{executionPath}.to", "band-edge needs a drift trigger to define the bands; add trigger: { drift: { absolute: 0.05 } } or use to: target");
        }

        return new PolicySpec
        {
            Name = name,
            Universe = universe,
            Capital = capital,
            Weights = weights,
            Costs = costs,
            Lot = lot,
            Trigger = trigger,
            Execution = execution,
        };
    }

    /// <summary>Binds a block; when it was inherited from the top level, an error also names the policy it was applied to.</summary>
    private static T Inherited<T>(string policy, string blockPath, string policyPath, ImmutableArray<string> universe, Func<T> bind)
    {
        try
        {
            return bind();
        }
        catch (BallastInputException e) when (policyPath.Length > 0 && !blockPath.StartsWith(policyPath, StringComparison.Ordinal) && e.Location is not null
            && !(e.Location.Field ?? string.Empty).StartsWith(policyPath + ".", StringComparison.Ordinal))
        {
            throw new BallastInputException(e.Location, $"{e.Detail} (the top-level value applied to policy '{policy}', whose universe is [{string.Join(", ", universe)}])");
        }
    }

    private static WeightsSpec BindWeights(MapNode map, string path, ImmutableArray<string> universe, SpecNode? covarianceNode, string covariancePath)
    {
        var schemeNode = Get(map, "scheme") ?? throw Error(map, $"{path}.scheme", $"missing scheme; expected one of: {string.Join(", ", Schemes)}");
        var scheme = Choice(schemeNode, $"{path}.scheme", Schemes);
        var riskIndex = RiskWeights.SchemeNames.ToList().IndexOf(scheme);
        foreach (var (key, only) in new[] { ("budgets", "risk-budget"), ("bounds", "min-variance"), ("risk_aversion", "mean-variance") })
        {
            if (Get(map, key) is { } misplaced && scheme != only && !(key == "bounds" && scheme is "mean-variance" or "risk-parity" or "risk-budget"))
            {
                throw Error(misplaced, $"{path}.{key}", key == "bounds" ? "bounds applies only to schemes risk-parity, risk-budget, min-variance and mean-variance" : $"{key} applies only to scheme {only}");
            }
        }

        foreach (var key in new[] { "groups", "correlation_clusters", "beta_limit", "max_turnover" })
        {
            if (Get(map, key) is { } misplaced && scheme is not ("min-variance" or "mean-variance"))
            {
                throw Error(misplaced, $"{path}.{key}", $"{key} applies only to schemes min-variance and mean-variance (the optimisers that take linear constraints)");
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
                throw Error(targetsGiven, $"{path}.targets", $"scheme {scheme} sets its targets from the covariance estimate; remove targets or use scheme fixed");
            }

            var covariance = covarianceNode is null ? CovarianceSpec.Default : BindCovariance(covarianceNode, covariancePath);
            if (covariance.Method != CovarianceMethod.LedoitWolf && covariance.Lookback < universe.Length + 1)
            {
                throw Error(covarianceNode ?? schemeNode, covarianceNode is null ? path : Join(covariancePath, "lookback"), $"{(covariance.Method == CovarianceMethod.Sample ? "a sample" : "an EWMA")} covariance of {universe.Length} assets needs a lookback of at least {universe.Length + 1} returns to be non-singular, got {covariance.Lookback}; lengthen it or use method ledoit-wolf");
            }
            var budgets = ImmutableArray<double>.Empty;
            if (scheme == "risk-budget")
            {
                var budgetsNode = Get(map, "budgets") ?? throw Error(map, $"{path}.budgets", "scheme risk-budget needs budgets: { ASSET: share of risk, ... } summing to 1");
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
                var aversionNode = Get(map, "risk_aversion") ?? throw Error(map, $"{path}.risk_aversion", "scheme mean-variance needs risk_aversion (λ > 0 in max μ'w − λ/2 w'Σw; larger is closer to minimum variance)");
                riskAversion = NonNegative(aversionNode, $"{path}.risk_aversion", positive: true);
            }

            return new RiskWeights((RiskScheme)riskIndex, covariance, budgets, lower, upper, riskAversion) { Constraints = BindConstraints(map, path, universe, lower, upper) };
        }

        if (scheme == "equal")
        {
            if (Get(map, "targets") is { } extra)
            {
                throw Error(extra, $"{path}.targets", "scheme equal takes no targets");
            }

            return new FixedWeights([.. Enumerable.Repeat(1.0 / universe.Length, universe.Length)]);
        }

        var targetsNode = Get(map, "targets") ?? throw Error(map, $"{path}.targets", "scheme fixed needs targets: { ASSET: weight, ... } summing to 1");
        var targets = AsMap(targetsNode, $"{path}.targets");
        var values = new double[universe.Length];
        var given = new bool[universe.Length];
        foreach (var (key, value) in targets.Entries)
        {
            var index = AssetIndex(key, $"{path}.targets", universe);

            var weight = Number(value, $"{path}.targets.{key.Text}");
            if (weight < 0)
            {
                throw Error(value, $"{path}.targets.{key.Text}", $"target weights must be >= 0, got {Fmt(weight)}");
            }

            values[index] = weight;
            given[index] = true;
        }

        for (var i = 0; i < universe.Length; i++)
        {
            if (!given[i])
            {
                throw Error(targetsNode, $"{path}.targets", $"no target for '{universe[i]}'; every asset of the universe needs one (0 to hold none)");
            }
        }

        var sum = values.Sum();
        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw Error(targetsNode, $"{path}.targets", $"targets must sum to 1 (within 1e-9), they sum to {Fmt(sum)}");
        }

        return new FixedWeights([.. values]);
    }

    private static CovarianceSpec BindCovariance(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, CovarianceKeys, path);
        var methodName = Get(map, "method") is { } m ? Choice(m, $"{path}.method", CovarianceMethods) : "sample";
        var method = methodName switch
        {
            "sample" => CovarianceMethod.Sample,
            "ewma" => CovarianceMethod.Ewma,
            _ => CovarianceMethod.LedoitWolf,
        };
        var lookback = Get(map, "lookback") is { } l ? PositiveInt(l, $"{path}.lookback") : CovarianceSpec.Default.Lookback;
        if (lookback < 2 || lookback > MaxRows)
        {
            throw Error(Get(map, "lookback")!, $"{path}.lookback", lookback < 2 ? "a covariance needs at least 2 returns" : $"at most {MaxRows:N0} returns");
        }

        double? halflife = null;
        if (Get(map, "halflife") is { } h)
        {
            if (method != CovarianceMethod.Ewma)
            {
                throw Error(h, $"{path}.halflife", "halflife applies only to method ewma");
            }

            halflife = NonNegative(h, $"{path}.halflife", positive: true);
            if (halflife < 1)
            {
                throw Error(h, $"{path}.halflife", $"a half-life under one row ({Fmt(halflife.Value)}) leaves almost all the weight on the newest return; use 1 or more");
            }
        }
        else if (method == CovarianceMethod.Ewma)
        {
            halflife = 63;
        }

        var target = ShrinkageTarget.Identity;
        if (Get(map, "target") is { } targetNode)
        {
            if (method != CovarianceMethod.LedoitWolf)
            {
                throw Error(targetNode, $"{path}.target", "target applies only to method ledoit-wolf (the shrinkage target)");
            }

            target = Choice(targetNode, $"{path}.target", ShrinkageTargets) == "identity" ? ShrinkageTarget.Identity : ShrinkageTarget.ConstantCorrelation;
        }

        return new CovarianceSpec(method, lookback, halflife, target);
    }

    /// <summary>A map of asset to positive share, covering the universe and summing to 1.</summary>
    private static ImmutableArray<double> PositiveShares(SpecNode node, string path, ImmutableArray<string> universe, string what)
    {
        var map = AsMap(node, path);
        var values = new double[universe.Length];
        var given = new bool[universe.Length];
        foreach (var (key, value) in map.Entries)
        {
            var index = AssetIndex(key, path, universe);

            values[index] = NonNegative(value, $"{path}.{key.Text}", positive: true);
            given[index] = true;
        }

        var missing = universe.Where((_, i) => !given[i]).ToList();
        if (missing.Count > 0)
        {
            throw Error(node, path, $"no {what} for {string.Join(", ", missing.Select(m => $"'{m}'"))}; every asset needs one");
        }

        if (Math.Abs(values.Sum() - 1) > 1e-9)
        {
            throw Error(node, path, $"{what}s must sum to 1 (within 1e-9), they sum to {Fmt(values.Sum())}");
        }

        return [.. values];
    }

    /// <summary>groups, correlation_clusters, beta_limit and max_turnover of an optimising scheme.</summary>
    private static WeightConstraints BindConstraints(MapNode map, string path, ImmutableArray<string> universe, ImmutableArray<double> lower, ImmutableArray<double> upper)
    {
        var groups = ImmutableArray.CreateBuilder<GroupLimit>();
        if (Get(map, "groups") is { } groupsNode)
        {
            var groupsPath = $"{path}.groups";
            var groupsMap = AsMap(groupsNode, groupsPath);
            if (groupsMap.Entries.Count == 0)
            {
                throw Error(groupsNode, groupsPath, "no groups given; write e.g. groups: { equity: { assets: [SPY, EFA], max: 0.6 } } or remove the key");
            }

            foreach (var (key, value) in groupsMap.Entries)
            {
                var groupPath = $"{groupsPath}.{key.Text}";
                var group = AsMap(value, groupPath);
                CheckKeys(group, GroupKeys, groupPath);
                var assetsNode = Get(group, "assets") ?? throw Error(group, $"{groupPath}.assets", "a group needs assets: [NAME, ...] from the universe");
                var list = AsList(assetsNode, $"{groupPath}.assets");
                if (list.Items.Count == 0)
                {
                    throw Error(assetsNode, $"{groupPath}.assets", "the group has no assets");
                }

                var members = new List<int>();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var itemPath = $"{groupPath}.assets[{i}]";
                    var asset = String(list.Items[i], itemPath);
                    var index = universe.IndexOf(asset);
                    if (index < 0)
                    {
                        throw Error(list.Items[i], itemPath, $"'{asset}' is not in the universe{SuggestText(asset, universe)}; the universe is [{string.Join(", ", universe)}]");
                    }

                    if (members.Contains(index))
                    {
                        throw Error(list.Items[i], itemPath, $"'{asset}' is listed twice in the group");
                    }

                    members.Add(index);
                }

                var min = Get(group, "min") is { } minNode ? Number(minNode, $"{groupPath}.min") : 0;
                var max = Get(group, "max") is { } maxNode ? Number(maxNode, $"{groupPath}.max") : 1;
                if (Get(group, "min") is null && Get(group, "max") is null)
                {
                    throw Error(group, groupPath, "a group needs min, max or both (total weight of its assets)");
                }

                if (min < 0 || max > 1 || min > max)
                {
                    throw Error(group, groupPath, $"group limits must satisfy 0 <= min <= max <= 1, got min {Fmt(min)}, max {Fmt(max)}");
                }

                var lowest = members.Sum(i => lower.IsDefaultOrEmpty ? 0 : lower[i]);
                var highest = members.Sum(i => upper.IsDefaultOrEmpty ? 1 : upper[i]);
                if (lowest > max + 1e-12 || highest < min - 1e-12)
                {
                    throw Error(group, groupPath, $"group '{key.Text}' [{Fmt(min)}, {Fmt(max)}] conflicts with the bounds of its assets, which allow a total in [{Fmt(lowest)}, {Fmt(Math.Min(1, highest))}]");
                }

                groups.Add(new GroupLimit(key.Text, [.. members], min, max));
            }
        }

        ClusterLimit? clusters = null;
        if (Get(map, "correlation_clusters") is { } clustersNode)
        {
            var clustersPath = $"{path}.correlation_clusters";
            var clustersMap = AsMap(clustersNode, clustersPath);
            CheckKeys(clustersMap, ClusterKeys, clustersPath);
            var thresholdNode = Get(clustersMap, "threshold") ?? throw Error(clustersMap, $"{clustersPath}.threshold", "correlation_clusters needs threshold (a correlation in (-1, 1), e.g. 0.8)");
            var threshold = Number(thresholdNode, $"{clustersPath}.threshold");
            if (threshold is <= -1 or >= 1)
            {
                throw Error(thresholdNode, $"{clustersPath}.threshold", $"threshold must be a correlation strictly between -1 and 1, got {Fmt(threshold)}");
            }

            var capNode = Get(clustersMap, "max_weight") ?? throw Error(clustersMap, $"{clustersPath}.max_weight", "correlation_clusters needs max_weight (the cap on each cluster's total weight, in (0, 1])");
            var cap = Number(capNode, $"{clustersPath}.max_weight");
            if (cap is <= 0 or > 1)
            {
                throw Error(capNode, $"{clustersPath}.max_weight", $"max_weight must be in (0, 1], got {Fmt(cap)}");
            }

            clusters = new ClusterLimit(threshold, cap);
        }

        BetaLimit? beta = null;
        if (Get(map, "beta_limit") is { } betaNode)
        {
            var betaPath = $"{path}.beta_limit";
            var betaMap = AsMap(betaNode, betaPath);
            CheckKeys(betaMap, BetaKeys, betaPath);
            var referenceNode = Get(betaMap, "reference") ?? throw Error(betaMap, $"{betaPath}.reference", "beta_limit needs reference: the data column to measure beta against, e.g. SPY");
            var reference = String(referenceNode, $"{betaPath}.reference");
            var maxNode = Get(betaMap, "max") ?? throw Error(betaMap, $"{betaPath}.max", "beta_limit needs max (the highest portfolio beta allowed, e.g. 0.6)");
            var max = Number(maxNode, $"{betaPath}.max");
            double? min = Get(betaMap, "min") is { } minNode ? Number(minNode, $"{betaPath}.min") : null;
            if (min > max)
            {
                throw Error(betaMap, betaPath, $"beta_limit min {Fmt(min.Value)} is above max {Fmt(max)}");
            }

            beta = new BetaLimit(reference, max, min);
        }

        double? turnover = null;
        if (Get(map, "max_turnover") is { } turnoverNode)
        {
            turnover = Number(turnoverNode, $"{path}.max_turnover");
            if (turnover is <= 0 or > 2)
            {
                throw Error(turnoverNode, $"{path}.max_turnover", $"max_turnover is an L1 distance between weight vectors, in (0, 2]; got {Fmt(turnover.Value)}");
            }
        }

        return new WeightConstraints { Groups = groups.ToImmutable(), Clusters = clusters, Beta = beta, MaxTurnover = turnover };
    }

    /// <summary>Bounds: [lo, hi] for every asset, or a map of asset to [lo, hi] (unlisted assets [0, 1]).</summary>
    private static (ImmutableArray<double> Lower, ImmutableArray<double> Upper) BindBounds(SpecNode node, string path, ImmutableArray<string> universe)
    {
        var lower = new double[universe.Length];
        var upper = Enumerable.Repeat(1.0, universe.Length).ToArray();
        (double Lo, double Hi) Pair(SpecNode pairNode, string pairPath)
        {
            var list = AsList(pairNode, pairPath);
            if (list.Items.Count != 2)
            {
                throw Error(pairNode, pairPath, "expected [lower, upper], e.g. [0.05, 0.5]");
            }

            var lo = Number(list.Items[0], $"{pairPath}[0]");
            var hi = Number(list.Items[1], $"{pairPath}[1]");
            if (lo < 0 || hi > 1 || lo > hi)
            {
                throw Error(pairNode, pairPath, $"bounds must satisfy 0 <= lower <= upper <= 1, got [{Fmt(lo)}, {Fmt(hi)}]");
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

        if (lower.Sum() > 1 + 1e-12)
        {
            throw Error(node, path, $"lower bounds sum to {Fmt(lower.Sum())} > 1: no portfolio can meet them (weights sum to 1)");
        }

        if (upper.Sum() < 1 - 1e-12)
        {
            throw Error(node, path, $"upper bounds sum to {Fmt(upper.Sum())} < 1: no portfolio can meet them (weights sum to 1)");
        }

        return ([.. lower], [.. upper]);
    }

    private static CostSpec BindCosts(SpecNode node, string path, ImmutableArray<string> universe)
    {
        var map = AsMap(node, path);
        CheckKeys(map, CostKeys, path);
        var proportional = Get(map, "proportional_bps") is { } pb ? PerAsset(pb, $"{path}.proportional_bps", universe, positive: false, max: 10_000) : [.. new double[universe.Length]];
        var spread = Get(map, "spread_bps") is { } sb ? PerAsset(sb, $"{path}.spread_bps", universe, positive: false, max: 10_000) : [.. new double[universe.Length]];
        var fixedCost = Get(map, "fixed_per_trade") is { } f ? Number(f, $"{path}.fixed_per_trade") : 0;
        if (fixedCost < 0)
        {
            throw Error(Get(map, "fixed_per_trade")!, $"{path}.fixed_per_trade", $"must be >= 0, got {Fmt(fixedCost)}");
        }

        return new CostSpec(proportional, spread, fixedCost);
    }

    /// <summary>A number for every asset, or a map of asset to number (unlisted assets get 0).</summary>
    private static ImmutableArray<double> PerAsset(SpecNode node, string path, ImmutableArray<string> universe, bool positive, double max = double.PositiveInfinity)
    {
        var values = new double[universe.Length];
        if (node is MapNode map)
        {
            foreach (var (key, value) in map.Entries)
            {
                var index = AssetIndex(key, path, universe);

                values[index] = Bounded(value, $"{path}.{key.Text}", positive, max);
            }
        }
        else
        {
            Array.Fill(values, Bounded(node, path, positive, max));
        }

        return [.. values];
    }

    private static double Bounded(SpecNode node, string path, bool positive, double max)
    {
        var value = NonNegative(node, path, positive);
        if (value > max)
        {
            throw Error(node, path, $"must be at most {Fmt(max)} (100 %), got {Fmt(value)}");
        }

        return value;
    }

    private static double NonNegative(SpecNode node, string path, bool positive)
    {
        var value = Number(node, path);
        if (positive ? !(value > 0) : value < 0)
        {
            throw Error(node, path, $"must be {(positive ? "> 0" : ">= 0")}, got {Fmt(value)}");
        }

        return value;
    }

    private static ExecutionSpec BindExecution(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, ExecutionKeys, path);
        var to = Get(map, "to") is { } toNode ? Choice(toNode, $"{path}.to", ExecutionTargets) : "target";
        double? partial = null;
        if (Get(map, "partial") is { } partialNode)
        {
            partial = Number(partialNode, $"{path}.partial");
            if (!(partial > 0 && partial <= 1))
            {
                throw Error(partialNode, $"{path}.partial", $"must be in (0, 1], the fraction of the way to move; got {Fmt(partial.Value)}");
            }
        }

        MinTrade? minTrade = null;
        if (Get(map, "min_trade") is { } minNode)
        {
            var minMap = AsMap(minNode, $"{path}.min_trade");
            CheckKeys(minMap, MinTradeKeys, $"{path}.min_trade");
            var value = Get(minMap, "value") is { } v ? NonNegative(v, $"{path}.min_trade.value", positive: true) : (double?)null;
            var weight = Get(minMap, "weight") is { } w ? NonNegative(w, $"{path}.min_trade.weight", positive: true) : (double?)null;
            if (value is null && weight is null)
            {
                throw Error(minNode, $"{path}.min_trade", "give value (currency) or weight (fraction of NAV)");
            }

            if (weight >= 1)
            {
                throw Error(Get(minMap, "weight")!, $"{path}.min_trade.weight", $"must be < 1, got {Fmt(weight.Value)}");
            }

            minTrade = new MinTrade(value, weight);
        }

        double? maxTurnover = null;
        if (Get(map, "max_turnover") is { } maxNode)
        {
            maxTurnover = Number(maxNode, $"{path}.max_turnover");
            if (!(maxTurnover > 0 && maxTurnover <= 1))
            {
                throw Error(maxNode, $"{path}.max_turnover", $"must be in (0, 1], the one-way turnover allowed per rebalance; got {Fmt(maxTurnover.Value)}");
            }
        }

        return new ExecutionSpec(to == "target" ? ExecutionTarget.Target : ExecutionTarget.BandEdge, partial, minTrade, maxTurnover);
    }

    private static TriggerSpec BindTrigger(SpecNode node, string path, bool allowNone)
    {
        if (node is ScalarNode scalar)
        {
            if (allowNone && scalar.Text == "none")
            {
                return new NoTrigger();
            }

            throw Error(node, path, allowNone ? $"expected none or a mapping such as {{ calendar: monthly }}, found {node.Describe}" : $"expected a trigger mapping such as {{ calendar: monthly }}, found {node.Describe}");
        }

        var map = AsMap(node, path);
        CheckKeys(map, TriggerKeys, path);
        var kinds = map.Entries.Where(e => e.Key.Text is "calendar" or "drift" or "risk_drift" or "any" or "all").ToList();
        var volatilityNode = Get(map, "volatility");
        if (volatilityNode is not null && !allowNone)
        {
            // One regime per policy: a volatility block inside any/all or inside another's then would need state of its own.
            throw Error(volatilityNode, Join(path, "volatility"), "volatility applies only to a policy's top-level trigger, not inside any, all or then; put it on the outer trigger");
        }
        if (kinds.Count == 0 && volatilityNode is not null)
        {
            // Only a volatility regime: nothing happens in calm markets, the `then` trigger applies in turbulent ones.
            var calm = WrapVolatility(new NoTrigger(), volatilityNode, Join(path, "volatility"));
            return Get(map, "cooldown") is { } c ? Cooldown(calm, c, Join(path, "cooldown")) : calm;
        }

        if (kinds.Count != 1)
        {
            throw Error(map, path, kinds.Count == 0
                ? "a trigger needs exactly one of calendar, drift, risk_drift, any, all"
                : $"a trigger takes exactly one of calendar, drift, risk_drift, any, all; found {string.Join(" and ", kinds.Select(k => k.Key.Text))} (combine them with any: [...] or all: [...])");
        }

        var (kindKey, body) = (kinds[0].Key.Text, kinds[0].Value);
        var bodyPath = Join(path, kindKey);
        var checkNode = Get(map, "check");
        if (checkNode is not null && kindKey is not ("drift" or "risk_drift"))
        {
            throw Error(checkNode, Join(path, "check"), "check applies only to drift triggers (how often drift is checked)");
        }

        TriggerSpec trigger;
        switch (kindKey)
        {
            case "calendar":
                trigger = new CalendarTrigger(Frequency(body, bodyPath));
                break;
            case "drift" or "risk_drift":
                var drift = AsMap(body, bodyPath);
                CheckKeys(drift, DriftKeys, bodyPath);
                if (drift.Entries.Count != 1)
                {
                    throw Error(drift, bodyPath, kindKey == "drift"
                        ? "give exactly one of absolute (weight points, e.g. 0.05) or relative (fraction of target, e.g. 0.25)"
                        : "give exactly one of absolute (points of risk contribution, e.g. 0.05) or relative (fraction of the risk budget, e.g. 0.25)");
                }

                var (measureKey, bandNode) = (drift.Entries[0].Key.Text, drift.Entries[0].Value);
                var band = Number(bandNode, Join(bodyPath, measureKey));
                if (!(band > 0))
                {
                    throw Error(bandNode, Join(bodyPath, measureKey), $"the band must be > 0, got {Fmt(band)}");
                }

                if (measureKey == "absolute" && band >= 1)
                {
                    throw Error(bandNode, Join(bodyPath, measureKey), $"an absolute band is in {(kindKey == "drift" ? "weight points" : "points of risk contribution")} and must be < 1 (0.05 = 5 points), got {Fmt(band)}");
                }

                CalendarFrequency? check = checkNode is null ? null : Frequency(checkNode, Join(path, "check"));
                var measure = measureKey == "absolute" ? DriftMeasure.Absolute : DriftMeasure.Relative;
                trigger = kindKey == "drift" ? new DriftTrigger(measure, band, check) : new RiskDriftTrigger(measure, band, check);
                break;
            default:
                var list = AsList(body, bodyPath);
                if (list.Items.Count == 0)
                {
                    throw Error(body, bodyPath, $"{kindKey} needs at least one trigger");
                }

                var children = list.Items.Select((item, i) => BindTrigger(item, $"{bodyPath}[{i}]", allowNone: false)).ToImmutableArray();
                trigger = kindKey == "any" ? new AnyTrigger(children) : new AllTrigger(children);
                break;
        }

        if (volatilityNode is not null)
        {
            trigger = WrapVolatility(trigger, volatilityNode, Join(path, "volatility"));
        }

        return Get(map, "cooldown") is { } cooldownNode ? Cooldown(trigger, cooldownNode, Join(path, "cooldown")) : trigger;
    }

    private static TriggerSpec WrapVolatility(TriggerSpec normal, SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, VolatilityKeys, path);
        var window = Get(map, "window") is { } w ? PositiveInt(w, Join(path, "window")) : 21;
        if (window > MaxRows)
        {
            throw Error(Get(map, "window")!, Join(path, "window"), $"at most {MaxRows:N0} returns");
        }

        if (window < 2)
        {
            throw Error(Get(map, "window")!, Join(path, "window"), "a realised volatility needs a window of at least 2 returns");
        }

        var aboveNode = Get(map, "above") ?? throw Error(map, Join(path, "above"), "give above: the annualised volatility (e.g. 0.25) above which the high-volatility regime starts");
        var above = NonNegative(aboveNode, Join(path, "above"), positive: true);
        // Rounded so the default and the same value written out (0.2 → 0.16) are one number and one hash.
        var below = Math.Round(above * 0.8, 12, MidpointRounding.AwayFromZero);
        if (Get(map, "below") is { } belowNode)
        {
            below = NonNegative(belowNode, Join(path, "below"), positive: true);
            if (below > above)
            {
                throw Error(belowNode, Join(path, "below"), $"below ({Fmt(below)}) must not exceed above ({Fmt(above)}): the regime ends when volatility falls back under it");
            }
        }

        var thenNode = Get(map, "then") ?? throw Error(map, Join(path, "then"), "give then: the trigger of the high-volatility regime, a frequency (e.g. weekly) or a trigger mapping (e.g. { drift: { absolute: 0.02 } })");
        var high = thenNode is ScalarNode scalar && CalendarFrequencies.TryParse(scalar.Text, out var frequency)
            ? new CalendarTrigger(frequency)
            : BindTrigger(thenNode, Join(path, "then"), allowNone: false);
        var scope = Get(map, "scope") is { } s ? Choice(s, Join(path, "scope"), VolatilityScopes) : "portfolio";
        return new VolatilityTrigger(normal, window, above, below, high, scope == "portfolio" ? VolatilityScope.Portfolio : VolatilityScope.AnyAsset);
    }

    private static TriggerSpec Cooldown(TriggerSpec trigger, SpecNode cooldownNode, string cooldownPath)
    {
        int? rows = null;
        int? days = null;
        if (cooldownNode is MapNode cooldownMap)
        {
            CheckKeys(cooldownMap, CooldownKeys, cooldownPath);
            rows = Get(cooldownMap, "rows") is { } r ? PositiveInt(r, Join(cooldownPath, "rows")) : null;
            days = Get(cooldownMap, "days") is { } d ? PositiveInt(d, Join(cooldownPath, "days")) : null;
            if (rows is null && days is null)
            {
                throw Error(cooldownNode, cooldownPath, "give rows, days or both");
            }
        }
        else
        {
            rows = PositiveInt(cooldownNode, cooldownPath);
        }

        return new CooldownTrigger(trigger, rows, days);
    }

    private static CalendarFrequency Frequency(SpecNode node, string path)
    {
        var text = Choice(node, path, CalendarFrequencies.Names);
        CalendarFrequencies.TryParse(text, out var frequency);
        return frequency;
    }

    // ---- primitives -------------------------------------------------------------------------------------------

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static SpecNode? Get(MapNode map, string key)
    {
        foreach (var (k, v) in map.Entries)
        {
            if (k.Text == key)
            {
                return v;
            }
        }

        return null;
    }

    private static void CheckKeys(MapNode map, string[] known, string path)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (Array.IndexOf(known, key.Text) < 0)
            {
                var suggestion = Text.Suggest(key.Text, known);
                var hint = suggestion is null ? $"known keys here: {string.Join(", ", known)}" : $"did you mean '{suggestion}'?";
                throw Error(key, Join(path, key.Text), $"unknown key '{key.Text}'; {hint}");
            }
        }
    }

    private static MapNode AsMap(SpecNode node, string path) =>
        node as MapNode ?? throw Error(node, path, $"expected a mapping (key: value), found {node.Describe}");

    private static ListNode AsList(SpecNode node, string path) =>
        node as ListNode ?? throw Error(node, path, $"expected a list, found {node.Describe}");

    private static string String(SpecNode node, string path) =>
        node is ScalarNode { IsNull: false } scalar ? scalar.Text : throw Error(node, path, $"expected a name, found {node.Describe}");

    private static string Choice(SpecNode node, string path, IReadOnlyList<string> choices)
    {
        var text = String(node, path);
        if (choices.Contains(text))
        {
            return text;
        }

        var suggestion = Text.Suggest(text, choices);
        throw Error(node, path, $"unknown value '{text}'; expected one of: {string.Join(", ", choices)}{(suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")}");
    }

    private static double Number(SpecNode node, string path)
    {
        if (node is ScalarNode { Plain: true, IsNull: false } scalar
            && double.TryParse(scalar.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
        {
            return value;
        }

        throw Error(node, path, $"expected a finite number, found {node.Describe}");
    }

    private static int PositiveInt(SpecNode node, string path)
    {
        var value = Number(node, path);
        if (value != Math.Floor(value) || value < 1 || value > int.MaxValue)
        {
            throw Error(node, path, $"expected a whole number >= 1, found {node.Describe}");
        }

        return (int)value;
    }

    /// <summary>The universe index of an asset named as a map key, or an error naming the key and the universe.</summary>
    private static int AssetIndex(ScalarNode key, string path, ImmutableArray<string> universe)
    {
        var index = universe.IndexOf(key.Text);
        return index >= 0
            ? index
            : throw Error(key, $"{path}.{key.Text}", $"'{key.Text}' is not in the universe{SuggestText(key.Text, universe)}; the universe is [{string.Join(", ", universe)}]");
    }

    private static string SuggestText(string word, IEnumerable<string> candidates) =>
        Text.Suggest(word, candidates) is { } s ? $" (did you mean '{s}'?)" : string.Empty;

    private static string Fmt(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static BallastInputException Error(SpecNode node, string path, string message) =>
        new(node.Location with { Field = path.Length == 0 ? null : path }, message);
}
