using System.Collections.Immutable;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>
/// Where sweep parameters and <c>--set</c> values may point: no two parameters at one path or one inside the other
/// (the later would overwrite the earlier in every cell, making policies that differ only in their names), and no
/// single <c>--set</c> value inside a parameter's path (the parameter's values would overwrite it in every policy).
/// </summary>
internal static class SweepPaths
{
    /// <summary>Fails at the later of two parameters whose paths are equal or nested.</summary>
    public static void CheckDisjoint(IReadOnlyList<BoundSweepParameter> parameters)
    {
        for (var q = 1; q < parameters.Count; q++)
        {
            for (var p = 0; p < q; p++)
            {
                if (Overlap(parameters[p].Segments, parameters[q].Segments))
                {
                    throw Fail(parameters[q].Where, $"sweep.{parameters[q].Name}.path", $"{parameters[q].Path} overlaps the path {parameters[p].Path} of the parameter {parameters[p].Name}: one would overwrite the other in every policy; sweep each setting with one parameter (a list of mappings sets several keys together)");
                }
            }
        }
    }

    /// <summary>The parameter whose path holds <paramref name="segments"/> (equal or an ancestor), or null.</summary>
    public static BoundSweepParameter? Holding(IReadOnlyList<BoundSweepParameter>? parameters, ImmutableArray<SpecPath.Segment> segments) =>
        parameters?.FirstOrDefault(p => p.Segments.Length <= segments.Length && Overlap(p.Segments, segments));

    /// <summary>Whether one path is the other or lies inside it (<c>key</c> holds <c>key[i]</c>).</summary>
    private static bool Overlap(ImmutableArray<SpecPath.Segment> a, ImmutableArray<SpecPath.Segment> b)
    {
        var shorter = Math.Min(a.Length, b.Length);
        for (var i = 0; i < shorter; i++)
        {
            var last = i == shorter - 1;
            if (a[i].Key != b[i].Key || (a[i].Index != b[i].Index && !(last && (a[i].Index is null || b[i].Index is null))))
            {
                return false;
            }
        }

        return true;
    }
}
