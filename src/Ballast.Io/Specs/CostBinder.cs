using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds a policy's <c>costs</c> and <c>lot</c>: per-asset numbers given for every asset or as a map of asset to number.</summary>
internal static class CostBinder
{
    internal static CostSpec BindCosts(SpecNode node, string path, ImmutableArray<string> universe)
    {
        var map = AsMap(node, path);
        CheckKeys(map, CostKeys, path);
        var proportional = Get(map, "proportional_bps") is { } pb ? PerAsset(pb, $"{path}.proportional_bps", universe, positive: false, max: 10_000) : [.. new double[universe.Length]];
        var spread = Get(map, "spread_bps") is { } sb ? PerAsset(sb, $"{path}.spread_bps", universe, positive: false, max: 10_000) : [.. new double[universe.Length]];
        var fixedCost = Get(map, "fixed_per_trade") is { } f ? Number(f, $"{path}.fixed_per_trade") : 0;
        if (fixedCost < 0)
        {
            throw Fail(Get(map, "fixed_per_trade")!, $"{path}.fixed_per_trade", $"must be >= 0, got {Fmt(fixedCost)}");
        }

        return new CostSpec(proportional, spread, fixedCost);
    }

    /// <summary>A number for every asset, or a map of asset to number (unlisted assets get 0).</summary>
    internal static ImmutableArray<double> PerAsset(SpecNode node, string path, ImmutableArray<string> universe, bool positive, double max = double.PositiveInfinity)
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
            var value = Bounded(node, path, positive, max);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = value;
            }
        }

        return [.. values];
    }

    /// <summary>A number of at most <paramref name="max"/>, &gt; 0 when <paramref name="positive"/>, else &gt;= 0.</summary>
    internal static double Bounded(SpecNode node, string path, bool positive, double max)
    {
        var value = NonNegativeNumber(node, path, positive);
        if (value > max)
        {
            throw Fail(node, path, $"must be at most {Fmt(max)} (100 %), got {Fmt(value)}");
        }

        return value;
    }
}
