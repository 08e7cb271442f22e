using System.Collections.Immutable;
using System.Globalization;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>
/// A dotted path into a policy, <c>trigger.drift.absolute</c> or <c>trigger.any[1].calendar</c>, as sweep parameters
/// and <c>--set</c> name them, and the one operation on it: a copy of a tree with a value put at the path, sharing
/// every node off the path (only the mappings and lists along it are copied).
/// </summary>
internal static class SpecPath
{
    /// <summary>The policy keys a path may start with (everything a policy entry holds but its labels).</summary>
    public static readonly string[] Roots = ["universe", "capital", "weights", "covariance", "costs", "lot", "trigger", "execution"];

    /// <summary>One step of a path: a mapping key, and an index into the list under it when written <c>key[i]</c>.</summary>
    public readonly record struct Segment(string Key, int? Index);

    /// <summary>Parses the path written at <paramref name="node"/>; errors name <paramref name="field"/>.</summary>
    public static ImmutableArray<Segment> Parse(SpecNode node, string field) => Parse(Text(node, field), text => Fail(node, field, text));

    /// <summary>Parses <paramref name="text"/>; <paramref name="fail"/> makes the error for a message.</summary>
    public static ImmutableArray<Segment> Parse(string text, Func<string, Exception> fail)
    {
        var parts = text.Split('.');
        var segments = ImmutableArray.CreateBuilder<Segment>(parts.Length);
        foreach (var part in parts)
        {
            var key = part;
            int? index = null;
            var open = part.IndexOf('[', StringComparison.Ordinal);
            if (open >= 0)
            {
                if (!part.EndsWith(']') || !int.TryParse(part[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    throw fail($"'{part}' is not key or key[index] in the path '{text}'");
                }

                key = part[..open];
                index = i;
            }

            if (key.Length == 0)
            {
                throw fail($"the path '{text}' has an empty step; write keys joined by dots, e.g. trigger.drift.absolute");
            }

            segments.Add(new Segment(key, index));
        }

        if (!Roots.Contains(segments[0].Key, StringComparer.Ordinal))
        {
            throw fail($"the path '{text}' must start with a policy key: {string.Join(", ", Roots)}{SuggestionNote(segments[0].Key, Roots)}");
        }

        return segments.MoveToImmutable();
    }

    /// <summary>
    /// A copy of <paramref name="map"/> with <paramref name="value"/> at <paramref name="segments"/>, creating missing
    /// mappings on the way. A step through a scalar or a missing list entry is an error made by <paramref name="fail"/>.
    /// With <paramref name="memo"/>, every mapping below the top one is built once per node, step and value and then
    /// shared (the copies are equal, so sharing them changes nothing but their identity, which lets the binder's memo
    /// know them again).
    /// </summary>
    public static MapNode Set(MapNode map, ImmutableArray<Segment> segments, SpecNode value, string path, Func<string, Exception> fail, BindMemo? memo = null) =>
        (MapNode)SetAt(map, segments, 0, value, path, fail, memo);

    private static SpecNode SetAt(SpecNode? current, ImmutableArray<Segment> segments, int step, SpecNode value, string path, Func<string, Exception> fail, BindMemo? memo)
    {
        if (step == segments.Length)
        {
            return value;
        }

        if (memo is null || step == 0)
        {
            return Build(current, segments, step, value, path, fail, memo);
        }

        var key = BindMemo.TreeKey(current, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(segments)!, step, value);
        return memo.TryGet<SpecNode>(key, out var known) ? known : memo.Add(key, Build(current, segments, step, value, path, fail, memo));
    }

    private static SpecNode Build(SpecNode? current, ImmutableArray<Segment> segments, int step, SpecNode value, string path, Func<string, Exception> fail, BindMemo? memo)
    {
        string Before() => string.Join('.', segments.Take(step).Select(s => s.Index is { } i ? $"{s.Key}[{i}]" : s.Key));
        var map = current switch
        {
            null => new MapNode(value.Location, []),
            MapNode m => m,
            _ => throw fail($"cannot set {path}: {Before()} is {current.Describe}, not a mapping"),
        };
        var segment = segments[step];
        var child = Get(map, segment.Key);
        SpecNode replaced;
        if (segment.Index is { } index)
        {
            if (child is not ListNode list || index >= list.Items.Count)
            {
                throw fail($"cannot set {path}: {NodeReader.Join(Before(), segment.Key)} has no item [{index}]");
            }

            var items = list.Items.ToArray();
            items[index] = SetAt(items[index], segments, step + 1, value, path, fail, memo);
            replaced = new ListNode(list.Location, items);
        }
        else
        {
            replaced = SetAt(child, segments, step + 1, value, path, fail, memo);
        }

        var entries = new List<KeyValuePair<ScalarNode, SpecNode>>(map.Entries.Count + 1);
        var found = false;
        foreach (var entry in map.Entries)
        {
            if (!found && entry.Key.Text == segment.Key)
            {
                entries.Add(new(entry.Key, replaced));
                found = true;
            }
            else
            {
                entries.Add(entry);
            }
        }

        if (!found)
        {
            entries.Add(new(new ScalarNode(value.Location, segment.Key, plain: true), replaced));
        }

        return new MapNode(map.Location, entries);
    }
}
