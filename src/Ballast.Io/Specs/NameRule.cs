using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Specs;

/// <summary>
/// What a name written in a spec (a policy, a baseline, a sweep parameter, the spec itself) may be. Names go into
/// the console table, CSV and Parquet rows, metrics.json and the report, never into file names. A name is refused
/// when it is empty, holds a control character (a line break or NUL would break the console table and the CSV
/// rows' one-line-per-row reading), or starts with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>: a spreadsheet opening
/// trades.csv would run such a cell as a formula (CSV injection), and the CSV files write names verbatim so that
/// they read back exactly.
/// </summary>
internal static class NameRule
{
    /// <summary>Fails at <paramref name="node"/> when <paramref name="name"/> is not a usable name.</summary>
    public static void Check(SpecNode node, string path, string name)
    {
        if (name.Length == 0)
        {
            throw Fail(node, path, "the name is empty");
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                throw Fail(node, path, $"the name holds a control character (U+{(int)c:X4}); names are one line of printable text");
            }
        }

        if (name[0] is '=' or '+' or '-' or '@')
        {
            throw Fail(node, path, $"the name '{name}' starts with '{name[0]}', which a spreadsheet opening the CSV files would run as a formula; start it with a letter or a digit");
        }
    }
}
