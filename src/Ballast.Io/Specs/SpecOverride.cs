using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>
/// A command-line override of a spec, <c>--set key=v1,v2</c>: <c>key</c> is a sweep parameter's name (its values are
/// replaced) or a spec path such as <c>trigger.drift.absolute</c> (one value sets it in every policy; several make a
/// sweep parameter named by the path, or replace the values of the sweep parameter on that path). Values are YAML:
/// <c>0.05</c>, <c>monthly</c>, or a whole list in brackets for values that hold commas:
/// <c>mix=[{SPY: 0.6, AGG: 0.4}, {SPY: 0.5, AGG: 0.5}]</c>.
/// </summary>
public sealed record SpecOverride(string Key, string Text)
{
    /// <summary>Parses one <c>key=v1,v2</c> as given to <c>--set</c>.</summary>
    /// <exception cref="BallastInputException">No <c>=</c>, or an empty key or value.</exception>
    public static SpecOverride Parse(string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var equals = option.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == option.Length - 1)
        {
            throw new BallastInputException(new InputLocation("--set", Field: option), "expected key=value or key=v1,v2,... (a sweep parameter or a spec path such as trigger.drift.absolute)");
        }

        return new SpecOverride(option[..equals].Trim(), option[(equals + 1)..].Trim());
    }

    /// <summary>The spec's tree and sweep with <paramref name="overrides"/> applied in order.</summary>
    internal static (MapNode Top, List<BoundSweepParameter>? Sweep) Apply(IReadOnlyList<SpecOverride> overrides, MapNode top, List<BoundSweepParameter>? sweep)
    {
        foreach (var o in overrides)
        {
            var source = $"--set {o.Key}";
            var values = Values(o, source);
            var index = sweep?.FindIndex(p => p.Name == o.Key) ?? -1;
            if (index < 0 && sweep is not null)
            {
                index = sweep.FindIndex(p => p.Path == o.Key);
            }

            if (index >= 0)
            {
                var (nodes, labels) = SweepBinder.ListedValues(values, source, null, string.Empty);
                sweep![index] = sweep[index] with { Nodes = nodes, Values = labels };
                continue;
            }

            Exception Unknown(string message)
            {
                var names = sweep?.Select(p => p.Name).ToArray() ?? [];
                var parameters = names.Length > 0 ? $"the sweep parameters are {string.Join(", ", names)}{SuggestionNote(o.Key, names)}; " : "the spec has no sweep; ";
                var root = o.Key.Split('.')[0].Split('[')[0];
                var detail = SpecPath.Roots.Contains(root, StringComparer.Ordinal) ? $" ({message})" : string.Empty;
                return new BallastInputException(new InputLocation("--set", Field: o.Key), $"'{o.Key}' is neither a sweep parameter nor a spec path{detail}; {parameters}a spec path starts with {string.Join(", ", SpecPath.Roots)}");
            }

            var segments = SpecPath.Parse(o.Key, Unknown);
            Exception CannotSet(string message) => new BallastInputException(new InputLocation("--set", Field: o.Key), message);
            if (values.Items.Count == 1)
            {
                if (SweepPaths.Holding(sweep, segments) is { } holder)
                {
                    throw CannotSet($"'{o.Key}' lies inside {holder.Path}, which the sweep parameter {holder.Name} sets in every policy (its values would replace this one); give {holder.Name} the values instead: --set {holder.Name}=...");
                }

                top = SetEverywhere(top, segments, values.Items[0], o.Key, CannotSet);
            }
            else
            {
                var (nodes, labels) = SweepBinder.ListedValues(values, source, null, string.Empty);
                sweep ??= [];
                sweep.Add(new BoundSweepParameter(o.Key, o.Key, segments, nodes, labels, values));
            }
        }

        return (top, sweep);
    }

    /// <summary>The values after <c>=</c>: a YAML list in brackets, or comma-separated YAML scalars.</summary>
    private static ListNode Values(SpecOverride o, string source)
    {
        if (o.Text.StartsWith('['))
        {
            return AsList(SpecDocument.ParseYamlValue(o.Text, source), source);
        }

        var items = new List<SpecNode>();
        foreach (var part in o.Text.Split(','))
        {
            var text = part.Trim();
            if (text.Length == 0)
            {
                throw new BallastInputException(new InputLocation("--set", Field: o.Key), $"an empty value in '{o.Text}'");
            }

            items.Add(SpecDocument.ParseYamlValue(text, source));
        }

        return new ListNode(new InputLocation(source, 1, 1), items);
    }

    /// <summary>Sets a path at the top level and in every <c>policies</c> entry that has its own block there.</summary>
    private static MapNode SetEverywhere(MapNode top, System.Collections.Immutable.ImmutableArray<SpecPath.Segment> segments, SpecNode value, string path, Func<string, Exception> fail)
    {
        var updated = SpecPath.Set(top, segments, value, path, fail);
        if (Get(updated, "policies") is not ListNode list)
        {
            return updated;
        }

        var items = list.Items.Select(item => item is MapNode entry && Get(entry, segments[0].Key) is not null ? SpecPath.Set(entry, segments, value, path, fail) : item).ToArray();
        var entries = updated.Entries.Select(e => e.Key.Text == "policies" ? new KeyValuePair<ScalarNode, SpecNode>(e.Key, new ListNode(list.Location, items)) : e).ToList();
        return new MapNode(updated.Location, entries);
    }
}
