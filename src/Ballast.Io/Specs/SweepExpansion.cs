using System.Collections.Immutable;
using System.Globalization;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>
/// Expands a sweep: every policy entry crossed with every cell of the parameters' grid (document order, the last
/// parameter varying fastest). A cell's policy is its entry with each parameter's value put at its path
/// (<see cref="SpecPath.Set"/> copies only the mappings along the path, so the tree is never copied whole), then
/// bound by the ordinary binder. Cells bind in parallel; the first failing cell in order is the error reported. With a
/// <see cref="BindMemo"/>, cells share the subtrees of equal values and every block bound before, so a cell costs
/// little more than its name and its policy record.
/// </summary>
internal static class SweepExpansion
{
    public static (ImmutableArray<PolicySpec> Policies, SweepTable Table) Expand(
        IReadOnlyList<BoundSweepParameter> parameters, IReadOnlyList<PolicyEntry> entries, MapNode top, SpecNode sweepNode,
        Dictionary<string, InputLocation> locations, PolicyBinder bind, BindMemo? memo)
    {
        SweepPaths.CheckDisjoint(parameters);
        long cells = 1;
        foreach (var parameter in parameters)
        {
            cells *= parameter.Values.Length;
            if (cells * entries.Count > SweepBinder.MaxPolicies)
            {
                break;
            }
        }

        var total = cells * entries.Count;
        if (total > SweepBinder.MaxPolicies)
        {
            var factors = (entries.Count > 1 ? [$"{entries.Count} policies"] : Array.Empty<string>())
                .Concat(parameters.Select(p => $"{p.Values.Length.ToString("N0", CultureInfo.InvariantCulture)} {p.Name}"));
            var size = parameters.Aggregate((double)entries.Count, (product, p) => product * p.Values.Length);
            throw Fail(sweepNode, "sweep", $"the sweep expands to {size.ToString("N0", CultureInfo.InvariantCulture)} policies ({string.Join(" × ", factors)}); at most {SweepBinder.MaxPolicies.ToString("N0", CultureInfo.InvariantCulture)} are allowed: narrow a range or split the sweep");
        }

        var table = new SweepTable([.. parameters.Select(p => p.Public)], entries.Count);
        var policies = ParallelBinding.BindAll(table.PolicyCount, (i, found) =>
        {
            var entry = entries[i / table.CellCount];
            var cellName = table.CellName(i);
            var name = entries.Count == 1 && ReferenceEquals(entry.Map, top) ? cellName : $"{entry.Name} {cellName}";
            return InCell(name, () =>
            {
                var (map, cellTop) = Apply(parameters, table.ValueIndices(i), entry, top, memo);
                return bind(name, map, cellTop, entry.Path, found);
            });
        }, locations);

        return ([.. policies], table);
    }

    /// <summary>The entry and top level of one cell: each value put where the policy reads that block (its entry if it has the block, else the top level).</summary>
    private static (MapNode Map, MapNode Top) Apply(IReadOnlyList<BoundSweepParameter> parameters, int[] indices, PolicyEntry entry, MapNode top, BindMemo? memo)
    {
        var single = ReferenceEquals(entry.Map, top);
        var map = entry.Map;
        var cellTop = top;
        for (var p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            var value = parameter.Nodes[indices[p]];
            var where = parameter.Where;
            Exception Error(string message) => Fail(where, $"sweep.{parameter.Name}.path", message);
            if (single)
            {
                map = SpecPath.Set(map, parameter.Segments, value, parameter.Path, Error, memo);
                cellTop = map;
            }
            else if (Get(map, parameter.Segments[0].Key) is not null)
            {
                map = SpecPath.Set(map, parameter.Segments, value, parameter.Path, Error, memo);
            }
            else
            {
                cellTop = SpecPath.Set(cellTop, parameter.Segments, value, parameter.Path, Error, memo);
            }
        }

        return (map, cellTop);
    }

    /// <summary>Builds one cell's policy; an input error also names the policy.</summary>
    private static PolicySpec InCell(string name, Func<PolicySpec> build)
    {
        try
        {
            return build();
        }
        catch (BallastInputException e) when (e.Location is not null)
        {
            throw new BallastInputException(e.Location, $"{e.Detail} (in policy '{name}' of the sweep)");
        }
    }
}
