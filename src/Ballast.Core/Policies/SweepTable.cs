using System.Collections.Immutable;

namespace Ballast.Policies;

/// <summary>One value of a sweep parameter: the label it is named by and, when it is a plain number, that number.</summary>
/// <param name="Label">The value as it appears in generated policy names (<c>0.05</c>, <c>monthly</c>, <c>SPY:0.6/AGG:0.4</c>).</param>
/// <param name="Number">The value when it is a single number (for heatmaps), else null.</param>
public readonly record struct SweepValue(string Label, double? Number);

/// <summary>A named parameter of a sweep: the spec path it sets and its values, in document order.</summary>
/// <param name="Name">The parameter's name in the <c>sweep</c> block (used in policy names).</param>
/// <param name="Path">The spec path it sets in each policy, e.g. <c>trigger.drift.absolute</c>.</param>
/// <param name="Values">Its values, in the order they expand.</param>
public sealed record SweepParameter(string Name, string Path, ImmutableArray<SweepValue> Values);

/// <summary>
/// How a spec's <c>sweep</c> block expanded: the parameters and, for each policy of the set, its values. The set's
/// policies are the entries (the <c>policies</c> list, or the one top-level policy) each crossed with every cell of
/// the grid, in document order with the last parameter varying fastest, so policy <c>i</c> is entry
/// <c>i / CellCount</c> at cell <c>i % CellCount</c>; nothing per policy is stored.
/// </summary>
public sealed class SweepTable
{
    /// <summary>A table for <paramref name="entries"/> policy entries crossed with the grid of <paramref name="parameters"/>.</summary>
    public SweepTable(ImmutableArray<SweepParameter> parameters, int entries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        Parameters = parameters;
        Entries = entries;
        long cells = 1;
        foreach (var parameter in parameters)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(parameter.Values.Length, 1);
            cells *= parameter.Values.Length;
        }

        CellCount = checked((int)cells);
    }

    /// <summary>The parameters, in document order.</summary>
    public ImmutableArray<SweepParameter> Parameters { get; }

    /// <summary>The policy entries each crossed with the grid (1 for a single-policy spec).</summary>
    public int Entries { get; }

    /// <summary>Cells of the grid: the product of the parameters' value counts.</summary>
    public int CellCount { get; }

    /// <summary>The policies the sweep expands to: entries × cells.</summary>
    public int PolicyCount => Entries * CellCount;

    /// <summary>The index into each parameter's values of policy <paramref name="policy"/> (spec order).</summary>
    public int[] ValueIndices(int policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(policy);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(policy, PolicyCount);
        var cell = policy % CellCount;
        var indices = new int[Parameters.Length];
        for (var p = Parameters.Length - 1; p >= 0; p--)
        {
            var count = Parameters[p].Values.Length;
            indices[p] = cell % count;
            cell /= count;
        }

        return indices;
    }

    /// <summary>The values of policy <paramref name="policy"/>, one per parameter in document order.</summary>
    public SweepValue[] ValuesOf(int policy)
    {
        var indices = ValueIndices(policy);
        var values = new SweepValue[indices.Length];
        for (var p = 0; p < indices.Length; p++)
        {
            values[p] = Parameters[p].Values[indices[p]];
        }

        return values;
    }

    /// <summary>The generated name of a cell's values: <c>band=0.05,cost=10</c>.</summary>
    public string CellName(int policy)
    {
        var values = ValuesOf(policy);
        var parts = new string[values.Length];
        for (var p = 0; p < values.Length; p++)
        {
            parts[p] = Parameters[p].Name + "=" + values[p].Label;
        }

        return string.Join(',', parts);
    }
}
