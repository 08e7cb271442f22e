using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;

namespace Ballast.Io.Specs;

/// <summary>
/// Binds a spec's <c>baselines</c>: the named policies every policy is compared with besides its buy-and-hold twin.
/// Each item is a policy's name (a policy of the spec, generated sweep names included, or a <c>policies</c> entry as
/// written, without sweep values), a policy written like a <c>policies</c> entry (top-level defaults apply, sweep
/// values do not), or <c>{ name, spec: FILE, policy: NAME }</c>: a policy of another spec file (relative to this one).
/// </summary>
internal static class BaselineBinder
{
    public static ImmutableArray<PolicySpec> Bind(
        SpecNode node, string source, ImmutableArray<PolicySpec> policies, IReadOnlyList<PolicyEntry> entries, MapNode top,
        Dictionary<string, InputLocation> locations, PolicyBinder bind)
    {
        var list = AsList(node, "baselines");
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var policyNames = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Length; i++)
        {
            policyNames.TryAdd(policies[i].Name, i);
        }

        var baselines = ImmutableArray.CreateBuilder<PolicySpec>(list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = $"baselines[{i}]";
            var item = list.Items[i];
            PolicySpec baseline;
            SpecNode nameNode;
            if (item is ScalarNode)
            {
                nameNode = item;
                baseline = ByName(item, Text(item, path), path, policies, policyNames, entries, top, locations, bind);
            }
            else
            {
                var map = AsMap(item, path);
                CheckKeys(map, BaselineKeys, path);
                nameNode = Required(map, "name", path, "the baseline's name, e.g. name: sixty-forty");
                var name = Text(nameNode, $"{path}.name");
                NameRule.Check(nameNode, $"{path}.name", name);

                if (policyNames.ContainsKey(name))
                {
                    throw Fail(nameNode, $"{path}.name", $"'{name}' is a policy of this spec; name it alone (- {name}) to use it as a baseline, or rename this one");
                }

                baseline = Get(map, "spec") is { } specNode
                    ? FromFile(map, specNode, path, source, name)
                    : bind(name, map, top, path, locations);
            }

            if (!names.TryAdd(baseline.Name, i))
            {
                throw Fail(nameNode, path, $"duplicate baseline '{baseline.Name}' (also baselines[{names[baseline.Name]}])");
            }

            baselines.Add(baseline);
        }

        return baselines.MoveToImmutable();
    }

    private static PolicySpec ByName(
        SpecNode node, string name, string path, ImmutableArray<PolicySpec> policies, Dictionary<string, int> policyNames,
        IReadOnlyList<PolicyEntry> entries, MapNode top, Dictionary<string, InputLocation> locations, PolicyBinder bind)
    {
        if (policyNames.TryGetValue(name, out var index))
        {
            return policies[index];
        }

        foreach (var entry in entries)
        {
            if (entry.Name == name && !ReferenceEquals(entry.Map, top))
            {
                return bind(name, entry.Map, top, entry.Path, locations);
            }
        }

        var known = policies.Select(p => p.Name).Concat(entries.Select(e => e.Name)).Distinct(StringComparer.Ordinal).ToArray();
        throw Fail(node, path, $"no policy named '{name}'{SuggestionNote(name, known)}; name a policy of this spec, or write one: {{ name: ..., weights: ..., trigger: ... }}");
    }

    private static PolicySpec FromFile(MapNode map, SpecNode specNode, string path, string source, string name)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (key.Text is not ("name" or "description" or "spec" or "policy"))
            {
                throw Fail(key, $"{path}.{key.Text}", "a baseline from another spec takes only name, spec and policy; write the policy there");
            }
        }

        var file = Text(specNode, $"{path}.spec");
        var directory = Path.GetDirectoryName(source);
        var fullPath = Path.IsPathRooted(file) || string.IsNullOrEmpty(directory) ? file : Path.Combine(directory, file);
        if (!File.Exists(fullPath))
        {
            throw Fail(specNode, $"{path}.spec", $"no spec file {fullPath}");
        }

        var set = Located(specNode, $"{path}.spec", () => SpecLoader.LoadFile(fullPath));
        PolicySpec chosen;
        if (Get(map, "policy") is { } policyNode)
        {
            var wanted = Text(policyNode, $"{path}.policy");
            chosen = set.Policies.FirstOrDefault(p => p.Name == wanted)
                ?? throw Fail(policyNode, $"{path}.policy", $"{fullPath} has no policy '{wanted}'{SuggestionNote(wanted, set.Policies.Select(p => p.Name))}; its policies are: {string.Join(", ", set.Policies.Take(10).Select(p => p.Name))}");
        }
        else if (set.Policies.Length == 1)
        {
            chosen = set.Policies[0];
        }
        else
        {
            throw Fail(specNode, $"{path}.spec", $"{fullPath} holds {set.Policies.Length} policies; say which with policy: NAME");
        }

        return chosen with { Name = name };
    }
}
