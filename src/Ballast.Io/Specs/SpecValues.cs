using System.Collections.Immutable;
using System.Globalization;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>The value rules policy specs share across their blocks: signed numbers, assets named as map keys, number formatting in messages.</summary>
internal static class SpecValues
{
    /// <summary>A whole number &gt;= 1 (a lookback, a window, a cooldown).</summary>
    internal static int PositiveInt(SpecNode node, string path) => Int(node, path, 1);

    /// <summary>A number &gt; 0 when <paramref name="positive"/>, else &gt;= 0.</summary>
    internal static double NonNegativeNumber(SpecNode node, string path, bool positive)
    {
        var value = Number(node, path);
        if (positive ? !(value > 0) : value < 0)
        {
            throw Fail(node, path, $"must be {(positive ? "> 0" : ">= 0")}, got {Fmt(value)}");
        }

        return value;
    }

    /// <summary>The universe index of an asset named as a map key, or an error naming the key and the universe.</summary>
    internal static int AssetIndex(ScalarNode key, string path, ImmutableArray<string> universe)
    {
        var index = universe.IndexOf(key.Text);
        return index >= 0
            ? index
            : throw Fail(key, $"{path}.{key.Text}", $"'{key.Text}' is not in the universe{SuggestionNote(key.Text, universe)}; the universe is [{string.Join(", ", universe)}]");
    }

    /// <summary>A number in a message: the shortest text that reads back as the same double.</summary>
    internal static string Fmt(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
