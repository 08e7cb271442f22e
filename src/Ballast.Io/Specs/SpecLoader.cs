using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.CostBinder;
using static Ballast.Io.Specs.ExecutionBinder;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;
using static Ballast.Io.Specs.TriggerBinder;
using static Ballast.Io.Specs.WeightsBinder;

namespace Ballast.Io.Specs;

/// <summary>
/// Loads a policy spec (YAML or JSON, one schema: schemas/policy-spec.schema.json) into a validated
/// <see cref="PolicySet"/>. Top-level values are defaults each policy may override; an override replaces the whole
/// block. Every error names file, line, column and the field path, and unknown keys get a suggestion when one is close.
/// The document is read by <see cref="SpecDocument"/> and <see cref="NodeReader"/> (shared with scenarios and
/// proposal files); each block has its binder (<see cref="WeightsBinder"/>, <see cref="TriggerBinder"/>, ...).
/// </summary>
public static class SpecLoader
{
    /// <summary>The longest lookback or window accepted (rows).</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>The default capital when a spec gives none.</summary>
    public const double DefaultCapital = 1_000_000;

    /// <summary>Reads and validates a spec file of at most <see cref="DocumentLimits.MaxSize"/> bytes.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the spec, naming file, line, column and field.</exception>
    public static PolicySet LoadFile(string path) => LoadFile(path, []);

    /// <summary>Reads a spec file with command-line overrides (<c>--set key=v1,v2</c>) applied before it is bound.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the spec or an override, naming where.</exception>
    public static PolicySet LoadFile(string path, IReadOnlyList<SpecOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "spec"), path, overrides);
    }

    /// <summary>Parses and validates a spec. <paramref name="source"/> names it in messages and picks the syntax (.json or .yaml/.yml).</summary>
    public static PolicySet Load(string text, string source) => Load(text, source, []);

    /// <summary>
    /// Parses and validates a spec with <paramref name="overrides"/> applied to its tree first. A <c>sweep</c> block
    /// expands every policy entry into one policy per cell of its grid (see docs/policy-spec.md#sweeps).
    /// </summary>
    public static PolicySet Load(string text, string source, IReadOnlyList<SpecOverride> overrides) => Load(text, source, overrides, memoise: true);

    /// <summary>
    /// <see cref="Load(string, string, IReadOnlyList{SpecOverride})"/>; with <paramref name="memoise"/> false every
    /// policy binds every block itself (the reference the memoised binding is tested against).
    /// </summary>
    internal static PolicySet Load(string text, string source, IReadOnlyList<SpecOverride> overrides, bool memoise)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(overrides);
        var root = SpecDocument.Parse(text, source);
        var top = AsMap(root, "the spec");
        CheckKeys(top, TopKeys, string.Empty);
        var sweep = Get(top, "sweep") is { } sweepNode ? SweepBinder.Bind(sweepNode) : null;
        if (overrides.Count > 0)
        {
            (top, sweep) = SpecOverride.Apply(overrides, top, sweep);
        }

        var setName = Get(top, "name") is { } setNameNode ? Text(setNameNode, "name") : Path.GetFileNameWithoutExtension(source);
        if (Get(top, "name") is { } writtenName)
        {
            NameRule.Check(writtenName, "name", setName);
        }

        var periods = Get(top, "periods_per_year") is { } p ? PositiveInt(p, "periods_per_year") : (int?)null;
        var riskFree = Get(top, "risk_free") is { } rf ? Number(rf, "risk_free") : 0;
        if (riskFree <= -1)
        {
            throw Fail(Get(top, "risk_free")!, "risk_free", $"must be greater than -1, got {riskFree}");
        }

        var memo = memoise ? new BindMemo(cells: sweep is not null) : null;
        PolicyBinder bind = memo is null ? BindPolicy : (name, map, policyTop, path, found) => BindPolicy(name, map, policyTop, path, found, memo);
        var entries = Entries(top, setName);
        var locations = new Dictionary<string, InputLocation>(StringComparer.Ordinal);
        ImmutableArray<PolicySpec> policies;
        SweepTable? table = null;
        if (sweep is null)
        {
            policies = BindList(entries, top, locations, bind);
        }
        else
        {
            (policies, table) = SweepExpansion.Expand(sweep, entries, top, Get(top, "sweep") ?? top, locations, bind, memo);
        }

        var baselines = Get(top, "baselines") is { } baselinesNode
            ? BaselineBinder.Bind(baselinesNode, source, policies, entries, top, locations, bind)
            : [];
        return new PolicySet
        {
            Name = setName,
            Source = source,
            Policies = policies,
            PeriodsPerYear = periods,
            RiskFree = riskFree,
            UniverseLocations = locations,
            Sweep = table,
            Baselines = baselines,
        };
    }

    /// <summary>A list long enough to bind in parallel: below it, the threads cost more than they save.</summary>
    private const int ParallelList = 256;

    /// <summary>
    /// Binds each entry of a plain list, in parallel when the list is long: each policy's universe locations are kept
    /// apart and merged in list order, and the first failing entry in list order is the error reported, as when bound
    /// one after another.
    /// </summary>
    private static ImmutableArray<PolicySpec> BindList(List<PolicyEntry> entries, MapNode top, Dictionary<string, InputLocation> locations, PolicyBinder bind)
    {
        if (entries.Count < ParallelList)
        {
            return [.. entries.Select(e => bind(e.Name, e.Map, top, e.Path, locations))];
        }

        return [.. ParallelBinding.BindAll(entries.Count, (i, found) => bind(entries[i].Name, entries[i].Map, top, entries[i].Path, found), locations)];
    }

    /// <summary>The policy entries as written: each item of <c>policies</c> (named, unique), or the top level as the one policy.</summary>
    private static List<PolicyEntry> Entries(MapNode top, string setName)
    {
        var entries = new List<PolicyEntry>();
        if (Get(top, "policies") is not { } list)
        {
            entries.Add(new PolicyEntry(setName, top, string.Empty));
            return entries;
        }

        var items = AsList(list, "policies");
        if (items.Items.Count == 0)
        {
            throw Fail(list, "policies", "the list is empty; give at least one policy");
        }

        var names = new Dictionary<string, int>(items.Items.Count, StringComparer.Ordinal);
        entries.Capacity = items.Items.Count;
        for (var i = 0; i < items.Items.Count; i++)
        {
            var path = $"policies[{i}]";
            var map = AsMap(items.Items[i], path);
            CheckKeys(map, PolicyKeys, path);
            var nameNode = Get(map, "name") ?? throw Fail(map, $"{path}.name", "every policy needs a name");
            var name = Text(nameNode, $"{path}.name");
            NameRule.Check(nameNode, $"{path}.name", name);
            if (!names.TryAdd(name, i))
            {
                throw Fail(nameNode, $"{path}.name", $"duplicate policy name '{name}' (also policies[{names[name]}])");
            }

            entries.Add(new PolicyEntry(name, map, path));
        }

        return entries;
    }

    /// <summary>Binds one policy: <paramref name="map"/> is its entry (or <paramref name="top"/> itself), <paramref name="top"/> the defaults.</summary>
    internal static PolicySpec BindPolicy(string name, MapNode map, MapNode top, string path, Dictionary<string, InputLocation> locations) =>
        BindPolicy(name, map, top, path, locations, null);

    /// <summary>
    /// Binds one policy, each block through <paramref name="memo"/> when given: a block whose node, path and context
    /// were bound before (for another policy of the spec) is that binding, not bound again.
    /// </summary>
    internal static PolicySpec BindPolicy(string name, MapNode map, MapNode top, string path, Dictionary<string, InputLocation> locations, BindMemo? memo)
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

        // Whether the block at this node is the policy's own (written in its entry of a list), not the top level's.
        bool Own(SpecNode node)
        {
            for (var i = 0; !ReferenceEquals(map, top) && i < map.Entries.Count; i++)
            {
                if (ReferenceEquals(map.Entries[i].Value, node))
                {
                    return true;
                }
            }

            return false;
        }

        // A policy's own block of a plain list is bound once whatever happens; only shared ones (the top level's, or
        // a sweep's cells') are worth keeping.
        T Memoised<T>(BindMemo.Key key, Func<T> bind)
            where T : class
        {
            if (memo is null || (!memo.Cells && Own((SpecNode)key.Node!)))
            {
                return bind();
            }

            return memo.TryGet<T>(key, out var known) ? known : memo.Add(key, bind());
        }

        var (universeNode, universePath) = Pick("universe");
        var (weightsNode, weightsPath) = Pick("weights");
        if (weightsNode is null)
        {
            throw Fail(map, weightsPath, $"policy '{name}' has no weights; give weights: {{ scheme: fixed, targets: {{...}} }} here or at the top level");
        }

        var weightsMap = AsMap(weightsNode, weightsPath);
        CheckKeys(weightsMap, WeightKeys, weightsPath);
        BoundUniverse boundUniverse;
        if (universeNode is not null)
        {
            boundUniverse = Memoised(BindMemo.BlockKey(BindMemo.Kind.Universe, universeNode, universePath), () => BindUniverse(universeNode, universePath));
        }
        else if (Get(weightsMap, "targets") is MapNode targetsOnly)
        {
            boundUniverse = Memoised(BindMemo.BlockKey(BindMemo.Kind.Universe, targetsOnly, weightsPath), () => new BoundUniverse(
                [.. targetsOnly.Entries.Select(e => e.Key.Text)],
                [.. targetsOnly.Entries.Select(e => KeyValuePair.Create(e.Key.Text, e.Key.Location with { Field = $"{weightsPath}.targets.{e.Key.Text}" }))]));
        }
        else
        {
            throw Fail(map, universePath, $"policy '{name}' has no universe; list the data columns it holds, e.g. universe: [SPY, AGG]");
        }

        var universe = boundUniverse.Names;
        foreach (var (asset, location) in boundUniverse.Locations)
        {
            locations.TryAdd(asset, location);
        }

        var universeKey = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(universe);
        var (covarianceNode, covariancePath) = Pick("covariance");
        var weights = Memoised(BindMemo.BlockKey(BindMemo.Kind.Weights, weightsMap, weightsPath, universeKey, covarianceNode),
            () => Inherited(name, weightsPath, path, universe, () => BindWeights(weightsMap, weightsPath, universe, covarianceNode, covariancePath)));
        if (weights is RiskWeights { Constraints.Beta: { } betaLimit } && Get(weightsMap, "beta_limit") is MapNode betaMap && Get(betaMap, "reference") is { } referenceNode)
        {
            locations.TryAdd(betaLimit.Reference, referenceNode.Location with { Field = $"{weightsPath}.beta_limit.reference" });
        }

        var (capitalNode, capitalPath) = Pick("capital");
        var capital = capitalNode is null ? DefaultCapital : Number(capitalNode, capitalPath);
        if (!(capital > 0))
        {
            throw Fail(capitalNode!, capitalPath, $"capital must be positive, got {Fmt(capital)}");
        }

        var (costsNode, costsPath) = Pick("costs");
        var costs = costsNode is null
            ? Zeros.Costs(universe.Length)
            : Memoised(BindMemo.BlockKey(BindMemo.Kind.Costs, costsNode, costsPath, universeKey), () => Inherited(name, costsPath, path, universe, () => BindCosts(costsNode, costsPath, universe)));
        var (lotNode, lotPath) = Pick("lot");
        var lot = lotNode is null
            ? Zeros.Lots(universe.Length)
            : Memoised(BindMemo.BlockKey(BindMemo.Kind.Lot, lotNode, lotPath, universeKey), () => new LotSizes(Inherited(name, lotPath, path, universe, () => PerAsset(lotNode, lotPath, universe, positive: true)))).Values;
        var (triggerNode, triggerPath) = Pick("trigger");
        if (triggerNode is null)
        {
            throw Fail(map, triggerPath, $"policy '{name}' has no trigger; write trigger: none for buy and hold, or e.g. trigger: {{ calendar: monthly }}");
        }

        var trigger = Memoised(BindMemo.BlockKey(BindMemo.Kind.Trigger, triggerNode, triggerPath, universeKey, weights),
            () => new BoundTrigger(BindTrigger(triggerNode, triggerPath, allowNone: true, new TriggerScope(universe, weights))));
        var (executionNode, executionPath) = Pick("execution");
        var execution = executionNode is null ? ExecutionSpec.Default : Memoised(BindMemo.BlockKey(BindMemo.Kind.Execution, executionNode, executionPath), () => BindExecution(executionNode, executionPath));
        if (trigger.HasRiskDrift && weights is not RiskWeights { Scheme: RiskScheme.RiskParity or RiskScheme.RiskBudget })
        {
            throw Fail(triggerNode, triggerPath, "risk_drift compares risk contributions with risk budgets, so it needs weights with scheme risk-parity or risk-budget");
        }

        if (execution.To == ExecutionTarget.BandEdge && !trigger.HasDrift)
        {
            throw Fail(executionNode!, $"{executionPath}.to", "band-edge needs a drift trigger to define the bands; add trigger: { drift: { absolute: 0.05 } } or use to: target");
        }

        return new PolicySpec
        {
            Name = name,
            Universe = universe,
            Capital = capital,
            Weights = weights,
            Costs = costs,
            Lot = lot,
            Trigger = trigger.Spec,
            Execution = execution,
        };
    }

    /// <summary>A <c>universe</c> list: the names, each non-empty and listed once, and where each was written.</summary>
    private static BoundUniverse BindUniverse(SpecNode universeNode, string universePath)
    {
        var list = AsList(universeNode, universePath);
        if (list.Items.Count == 0)
        {
            throw Fail(universeNode, universePath, "the universe is empty; name at least one column of the data file");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var builder = ImmutableArray.CreateBuilder<string>(list.Items.Count);
        var written = new KeyValuePair<string, InputLocation>[list.Items.Count];
        for (var i = 0; i < list.Items.Count; i++)
        {
            var asset = Text(list.Items[i], $"{universePath}[{i}]");
            if (asset.Length == 0 || !seen.Add(asset))
            {
                throw Fail(list.Items[i], $"{universePath}[{i}]", asset.Length == 0 ? "empty series name" : $"'{asset}' is listed twice");
            }

            builder.Add(asset);
            written[i] = KeyValuePair.Create(asset, list.Items[i].Location with { Field = $"{universePath}[{i}]" });
        }

        return new BoundUniverse(builder.MoveToImmutable(), written);
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
}

/// <summary>
/// The costs and lots of a policy that gives none, one object per universe size (for up to 64 assets): immutable, so
/// the policies share them, and what is keyed by them (a twin's canonical form, a canonical block's bytes) is shared too.
/// </summary>
internal static class Zeros
{
    private const int Shared = 64;
    private static readonly CostSpec?[] NoCosts = new CostSpec?[Shared + 1];
    private static readonly LotSizes?[] NoLots = new LotSizes?[Shared + 1];

    /// <summary>Zero costs for <paramref name="assets"/> assets (two threads may both make one; either is kept).</summary>
    public static CostSpec Costs(int assets) =>
        assets > Shared ? CostSpec.Zero(assets) : NoCosts[assets] ??= CostSpec.Zero(assets);

    /// <summary>Fractional units (lot 0) for <paramref name="assets"/> assets.</summary>
    public static ImmutableArray<double> Lots(int assets) =>
        assets > Shared ? [.. new double[assets]] : (NoLots[assets] ??= new LotSizes([.. new double[assets]])).Values;
}

/// <summary>A bound universe: the names in order, and where each was written (the spec's universe locations).</summary>
internal sealed record BoundUniverse(ImmutableArray<string> Names, KeyValuePair<string, InputLocation>[] Locations);

/// <summary>A bound trigger, with what the policy's checks ask of it (a risk-drift or a drift trigger anywhere in it).</summary>
internal sealed class BoundTrigger(TriggerSpec spec)
{
    public TriggerSpec Spec { get; } = spec;

    public bool HasRiskDrift { get; } = Has<RiskDriftTrigger>(spec);

    public bool HasDrift { get; } = Has<DriftTrigger>(spec);

    /// <summary>Whether the tree holds a trigger of kind <typeparamref name="T"/> (a recursion, not <see cref="TriggerTree.Walk"/>'s iterators: every policy binds one).</summary>
    private static bool Has<T>(TriggerSpec trigger)
        where T : TriggerSpec
    {
        switch (trigger)
        {
            case T:
                return true;
            case AnyTrigger { Triggers: var children }:
                return children.Any(Has<T>);
            case AllTrigger { Triggers: var children }:
                return children.Any(Has<T>);
            case CooldownTrigger c:
                return Has<T>(c.Inner);
            case VolatilityTrigger v:
                return Has<T>(v.Normal) || Has<T>(v.High);
            default:
                return false;
        }
    }
}

/// <summary>Bound lot sizes (a class, to be kept in a <see cref="BindMemo"/>).</summary>
internal sealed record LotSizes(ImmutableArray<double> Values);

/// <summary>A policy as written in a spec: its name, its mapping (an item of <c>policies</c>, or the top level) and its field path.</summary>
internal sealed record PolicyEntry(string Name, MapNode Map, string Path);

/// <summary>The binder of one policy, <see cref="SpecLoader.BindPolicy(string, MapNode, MapNode, string, Dictionary{string, InputLocation}, BindMemo)"/>: name, entry, top level, field path, universe locations.</summary>
internal delegate PolicySpec PolicyBinder(string name, MapNode map, MapNode top, string path, Dictionary<string, InputLocation> locations);
