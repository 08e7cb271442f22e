using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;

namespace Ballast.Io.Specs;

/// <summary>One parameter of a <c>sweep</c> block, bound: the path it sets, and each value as a spec node with its label.</summary>
internal sealed record BoundSweepParameter(string Name, string Path, ImmutableArray<SpecPath.Segment> Segments, ImmutableArray<SpecNode> Nodes, ImmutableArray<SweepValue> Values, SpecNode Where)
{
    public SweepParameter Public => new(Name, Path, Values);
}

/// <summary>
/// Binds a spec's <c>sweep</c> block: a mapping of parameter name to <c>{ path, values | range | simplex, labels? }</c>.
/// Values are kept as the nodes they were written as (or generated as), so each policy of the grid is bound by the
/// ordinary binders with the value put at the path (<see cref="SpecPath.Set"/>), copying only the mappings along it.
/// </summary>
internal static class SweepBinder
{
    /// <summary>The most policies a spec may expand to.</summary>
    public const int MaxPolicies = 1_000_000;

    /// <summary>The finest simplex grid: one part per million, the resolution of every target.</summary>
    private const decimal MinSimplexStep = 0.000001m;

    public static List<BoundSweepParameter> Bind(SpecNode node)
    {
        var map = AsMap(node, "sweep");
        if (map.Entries.Count == 0)
        {
            throw Fail(map, "sweep", "the sweep has no parameters; give e.g. band: { path: trigger.drift.absolute, values: [0.02, 0.05] }");
        }

        var parameters = new List<BoundSweepParameter>();
        foreach (var (key, value) in map.Entries)
        {
            parameters.Add(BindParameter(key, value));
        }

        return parameters;
    }

    /// <summary>A parameter name: non-empty, without spaces, <c>=</c> or <c>,</c> (the separators of generated names).</summary>
    public static string ParameterName(ScalarNode key, string path)
    {
        var name = key.Text;
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is '=' or ','))
        {
            throw Fail(key, path, $"a parameter name must be non-empty, without spaces, '=' or ',' (it is used in policy names such as band=0.05,cost=10), got '{name}'");
        }

        NameRule.Check(key, path, name);

        return name;
    }

    private static BoundSweepParameter BindParameter(ScalarNode key, SpecNode node)
    {
        var path = $"sweep.{key.Text}";
        var name = ParameterName(key, path);
        var map = AsMap(node, path);
        CheckKeys(map, SweepParameterKeys, path);
        var pathNode = Required(map, "path", path, "the spec path the parameter sets, e.g. trigger.drift.absolute");
        var segments = SpecPath.Parse(pathNode, $"{path}.path");
        var forms = new[] { "values", "range", "simplex" }.Where(k => Get(map, k) is not null).ToArray();
        if (forms.Length != 1)
        {
            throw Fail(map, path, forms.Length == 0
                ? "give the values: values: [...], range: { from, to, step } or simplex: { assets, step, bounds }"
                : $"give one of values, range, simplex; found {string.Join(" and ", forms)}");
        }

        var labelsNode = Get(map, "labels");
        if (labelsNode is not null && forms[0] != "values")
        {
            throw Fail(labelsNode, $"{path}.labels", "labels name the items of values; a range or simplex names its values itself");
        }

        var (nodes, values) = forms[0] switch
        {
            "values" => ListedValues(Get(map, "values")!, $"{path}.values", labelsNode, $"{path}.labels"),
            "range" => RangeValues(Get(map, "range")!, $"{path}.range"),
            _ => SimplexValues(Get(map, "simplex")!, $"{path}.simplex"),
        };
        return new BoundSweepParameter(name, Text(pathNode, $"{path}.path"), segments, nodes, values, pathNode);
    }

    /// <summary>Values written out (each any spec value), labelled by <paramref name="labelsNode"/> or by their text.</summary>
    public static (ImmutableArray<SpecNode> Nodes, ImmutableArray<SweepValue> Values) ListedValues(SpecNode node, string path, SpecNode? labelsNode, string labelsPath)
    {
        var list = AsList(node, path);
        if (list.Items.Count == 0)
        {
            throw Fail(list, path, "the list is empty; give at least one value");
        }

        ListNode? labels = null;
        if (labelsNode is not null)
        {
            labels = AsList(labelsNode, labelsPath);
            if (labels.Items.Count != list.Items.Count)
            {
                throw Fail(labels, labelsPath, $"{labels.Items.Count} labels for {list.Items.Count} values; give one label per value");
            }
        }

        var values = new SweepValue[list.Items.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            var item = list.Items[i];
            var number = TryNumber(item, out var n) ? n : (double?)null;
            string label;
            if (labels is not null)
            {
                label = Text(labels.Items[i], $"{labelsPath}[{i}]");
                CheckLabel(labels.Items[i], $"{labelsPath}[{i}]", label);
            }
            else
            {
                label = Label(item) ?? throw Fail(item, $"{path}[{i}]", $"this value has no short label ({item.Describe} of mappings or lists); name the values with labels: [...], one per value");
                CheckLabel(item, $"{path}[{i}]", label);
            }

            if (!seen.TryAdd(label, i))
            {
                throw Fail(item, $"{path}[{i}]", $"the value '{label}' is listed twice (also [{seen[label]}]); every value of a parameter needs its own label");
            }

            values[i] = new SweepValue(label, number);
        }

        return ([.. list.Items], [.. values]);
    }

    private static void CheckLabel(SpecNode node, string path, string label)
    {
        if (label.Length == 0 || label.Any(c => c is ',' or '=' || char.IsControl(c)))
        {
            throw Fail(node, path, $"'{label}' cannot label a value in a policy name (non-empty, no ',' or '='); give labels: [...]");
        }
    }

    /// <summary>The label of a value: a scalar's text; <c>k:v/k:v</c> for a mapping of scalars; <c>a/b</c> for a list of scalars; else null.</summary>
    private static string? Label(SpecNode node) => node switch
    {
        ScalarNode { IsNull: false } scalar => scalar.Text,
        MapNode map when map.Entries.Count > 0 && map.Entries.All(e => e.Value is ScalarNode { IsNull: false }) =>
            string.Join('/', map.Entries.Select(e => $"{e.Key.Text}:{((ScalarNode)e.Value).Text}")),
        ListNode list when list.Items.Count > 0 && list.Items.All(i => i is ScalarNode { IsNull: false }) =>
            string.Join('/', list.Items.Select(i => ((ScalarNode)i).Text)),
        _ => null,
    };

    /// <summary><c>range: { from, to, step }</c>: from, from + step, ... up to to (inclusive), in exact decimal steps.</summary>
    private static (ImmutableArray<SpecNode>, ImmutableArray<SweepValue>) RangeValues(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, RangeKeys, path);
        var from = Decimal(Required(map, "from", path, "the first value"), $"{path}.from");
        var to = Decimal(Required(map, "to", path, "the last value (inclusive)"), $"{path}.to");
        var stepNode = Required(map, "step", path, "the distance between values, > 0");
        var step = Decimal(stepNode, $"{path}.step");
        if (step <= 0)
        {
            throw Fail(stepNode, $"{path}.step", $"the step must be > 0, got {step.ToString(CultureInfo.InvariantCulture)}");
        }

        if (to < from)
        {
            throw Fail(map, path, $"to ({to.ToString(CultureInfo.InvariantCulture)}) is below from ({from.ToString(CultureInfo.InvariantCulture)})");
        }

        decimal count;
        try
        {
            count = decimal.Floor((to - from) / step) + 1;
        }
        catch (OverflowException)
        {
            throw Fail(map, path, $"the range has more than {decimal.MaxValue.ToString("0.#E+0", CultureInfo.InvariantCulture)} values (too many to count); a sweep may expand to at most {MaxPolicies.ToString("N0", CultureInfo.InvariantCulture)} policies");
        }

        if (count > MaxPolicies)
        {
            throw Fail(map, path, $"the range has {count.ToString("N0", CultureInfo.InvariantCulture)} values; a sweep may expand to at most {MaxPolicies.ToString("N0", CultureInfo.InvariantCulture)} policies");
        }

        var nodes = new SpecNode[(int)count];
        var values = new SweepValue[nodes.Length];
        for (var k = 0; k < nodes.Length; k++)
        {
            var value = from + (k * step);
            var text = Plain(value);
            nodes[k] = new ScalarNode(map.Location, text, plain: true);
            values[k] = new SweepValue(text, (double)value);
        }

        return ([.. nodes], [.. values]);
    }

    /// <summary>
    /// <c>simplex: { assets, step, bounds }</c>: every weight vector over <c>assets</c> in multiples of <c>step</c>
    /// summing to 1 within the bounds (<c>[lo, hi]</c> for every asset, or asset → <c>[lo, hi]</c>), as
    /// <c>weights.targets</c> mappings, in ascending lexicographic order of the weights as the assets are listed.
    /// </summary>
    private static (ImmutableArray<SpecNode>, ImmutableArray<SweepValue>) SimplexValues(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, SimplexKeys, path);
        var assetsNode = AsList(Required(map, "assets", path, "the assets the weights are spread over, e.g. [SPY, AGG, GLD]"), $"{path}.assets");
        var assets = new string[assetsNode.Items.Count];
        for (var i = 0; i < assets.Length; i++)
        {
            assets[i] = Text(assetsNode.Items[i], $"{path}.assets[{i}]");
            if (Array.IndexOf(assets, assets[i], 0, i) >= 0)
            {
                throw Fail(assetsNode.Items[i], $"{path}.assets[{i}]", $"'{assets[i]}' is listed twice");
            }
        }

        if (assets.Length < 2)
        {
            throw Fail(assetsNode, $"{path}.assets", "a simplex needs at least two assets");
        }

        var stepNode = Required(map, "step", path, "the weight grid, e.g. 0.1 (1 / step must be a whole number)");
        var step = Decimal(stepNode, $"{path}.step");
        if (step <= 0 || step > 1 || 1m / step != decimal.Floor(1m / step))
        {
            throw Fail(stepNode, $"{path}.step", $"the step must be in (0, 1] and divide 1 exactly (0.1, 0.05, 0.25), got {step.ToString(CultureInfo.InvariantCulture)}");
        }

        if (step < MinSimplexStep)
        {
            throw Fail(stepNode, $"{path}.step", $"the step must be at least {Plain(MinSimplexStep)} (targets are whole parts per million), got {step.ToString(CultureInfo.InvariantCulture)}");
        }

        var units = (int)(1m / step);
        var lo = new int[assets.Length];
        var hi = Enumerable.Repeat(units, assets.Length).ToArray();
        if (Get(map, "bounds") is { } boundsNode)
        {
            if (boundsNode is MapNode perAsset)
            {
                foreach (var (key, value) in perAsset.Entries)
                {
                    var index = Array.IndexOf(assets, key.Text);
                    if (index < 0)
                    {
                        throw Fail(key, $"{path}.bounds.{key.Text}", $"'{key.Text}' is not one of the simplex's assets [{string.Join(", ", assets)}]");
                    }

                    (lo[index], hi[index]) = Bounds(value, $"{path}.bounds.{key.Text}", step);
                }
            }
            else
            {
                var (l, h) = Bounds(boundsNode, $"{path}.bounds", step);
                Array.Fill(lo, l);
                Array.Fill(hi, h);
            }
        }

        var count = SimplexCount(lo, hi, units);
        if (count.IsZero)
        {
            throw Fail(map, path, "no weight vector on this grid sums to 1 within the bounds");
        }

        if (count > MaxPolicies)
        {
            throw Fail(map, path, $"the simplex has {count.ToString("N0", CultureInfo.InvariantCulture)} weight vectors; a sweep may expand to at most {MaxPolicies.ToString("N0", CultureInfo.InvariantCulture)} policies");
        }

        var nodes = new List<SpecNode>((int)count);
        var values = new List<SweepValue>((int)count);
        var k = new int[assets.Length];
        // The least and the most the assets after each one can take together: only weights the rest can complete
        // are tried, so the enumeration visits no dead end however tight the bounds.
        var restLo = new long[assets.Length + 1];
        var restHi = new long[assets.Length + 1];
        for (var i = assets.Length - 1; i >= 0; i--)
        {
            restLo[i] = restLo[i + 1] + lo[i];
            restHi[i] = restHi[i + 1] + hi[i];
        }

        void Fill(int asset, int left)
        {
            if (asset == assets.Length - 1)
            {
                if (left < lo[asset] || left > hi[asset])
                {
                    return;
                }

                k[asset] = left;
                var entries = new KeyValuePair<ScalarNode, SpecNode>[assets.Length];
                var labels = new string[assets.Length];
                for (var i = 0; i < assets.Length; i++)
                {
                    var text = Plain(k[i] * step);
                    entries[i] = new(new ScalarNode(map.Location, assets[i], plain: true), new ScalarNode(map.Location, text, plain: true));
                    labels[i] = $"{assets[i]}:{text}";
                }

                nodes.Add(new MapNode(map.Location, entries));
                values.Add(new SweepValue(string.Join('/', labels), null));
                return;
            }

            for (var w = (int)Math.Max(lo[asset], left - restHi[asset + 1]); w <= Math.Min(hi[asset], left - restLo[asset + 1]); w++)
            {
                k[asset] = w;
                Fill(asset + 1, left - w);
            }
        }

        Fill(0, units);
        return ([.. nodes], [.. values]);
    }

    private static (int Lo, int Hi) Bounds(SpecNode node, string path, decimal step)
    {
        var list = AsList(node, path);
        if (list.Items.Count != 2)
        {
            throw Fail(list, path, "bounds are [lo, hi]");
        }

        var lo = Decimal(list.Items[0], $"{path}[0]");
        var hi = Decimal(list.Items[1], $"{path}[1]");
        if (lo < 0 || hi > 1 || lo > hi)
        {
            throw Fail(list, path, $"bounds must satisfy 0 <= lo <= hi <= 1, got [{lo.ToString(CultureInfo.InvariantCulture)}, {hi.ToString(CultureInfo.InvariantCulture)}]");
        }

        return ((int)decimal.Ceiling(lo / step), (int)decimal.Floor(hi / step));
    }

    /// <summary>
    /// How many integer vectors with lo ≤ kᵢ ≤ hi sum to <paramref name="units"/> (counted, not listed), exactly:
    /// ways after asset i at s is a window sum of the ways before it, taken from prefix sums, so the count costs
    /// O(assets × units) however wide the bounds.
    /// </summary>
    private static BigInteger SimplexCount(int[] lo, int[] hi, int units)
    {
        var ways = new BigInteger[units + 1];
        var prefix = new BigInteger[units + 2];
        ways[0] = BigInteger.One;
        for (var i = 0; i < lo.Length; i++)
        {
            for (var s = 0; s <= units; s++)
            {
                prefix[s + 1] = prefix[s] + ways[s];
            }

            for (var s = 0; s <= units; s++)
            {
                // Σ ways[s − w] over lo ≤ w ≤ hi with s − w ≥ 0.
                var first = Math.Max(0, s - hi[i]);
                var last = s - lo[i];
                ways[s] = last < first ? BigInteger.Zero : prefix[last + 1] - prefix[first];
            }
        }

        return ways[units];
    }

    /// <summary>A decimal without trailing zeros: 0.050 → 0.05, 10.0 → 10.</summary>
    private static string Plain(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
