using System.Globalization;

namespace Ballast.Io.Specs;

/// <summary>
/// The bounds every input document (policy spec, scenario, proposal; YAML or JSON) is read under, checked while it is
/// read, before any of it is bound: a document that crosses one is bad input naming the file and the line, so a small
/// hostile file (a YAML "billion laughs" alias bomb, a thousand nested brackets, a huge file) cannot exhaust memory,
/// time or the stack.
/// </summary>
public static class DocumentLimits
{
    /// <summary>The largest document: 1 MiB (bytes of the file; characters of a text given directly). Real specs are a few kilobytes.</summary>
    public const int MaxSize = 1 << 20;

    /// <summary>The deepest nesting of mappings and lists (the top-level mapping is level 1).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most alias expansions (<c>*name</c>) in a YAML document, counting the aliases inside what an alias expands
    /// to: a billion-laughs bomb needs billions, a spec that reuses a block a few times needs a handful.
    /// </summary>
    public const int MaxAliasExpansions = 1_000;

    /// <summary>The most values (scalars, mappings and lists) in a document once its aliases are expanded.</summary>
    public const int MaxValues = 100_000;

    /// <summary>
    /// Reads an input file of at most <see cref="MaxSize"/> bytes; <paramref name="what"/> names it in messages
    /// ("spec", "scenario", "proposal").
    /// </summary>
    /// <exception cref="BallastInputException">The file does not exist or is larger than <see cref="MaxSize"/>.</exception>
    public static string ReadFile(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(what);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new BallastInputException(new InputLocation(path), $"{what} file not found");
        }

        if (file.Length > MaxSize)
        {
            throw new BallastInputException(new InputLocation(path), TooLarge(file.Length, "bytes"));
        }

        return File.ReadAllText(path);
    }

    internal static string TooLarge(long size, string unit) => string.Create(
        CultureInfo.InvariantCulture,
        $"the document is {size:N0} {unit}; an input document may be at most {MaxSize:N0} {unit} (1 MiB)");

    internal static string TooDeep() => string.Create(
        CultureInfo.InvariantCulture,
        $"nesting deeper than {MaxDepth} levels of mappings and lists; an input document may nest at most {MaxDepth}");

    internal static string TooManyAliases() => string.Create(
        CultureInfo.InvariantCulture,
        $"more than {MaxAliasExpansions:N0} alias expansions (*name, counting aliases inside what an alias expands to); an input document may expand at most {MaxAliasExpansions:N0} (a YAML alias bomb?)");

    internal static string TooManyValues() => string.Create(
        CultureInfo.InvariantCulture,
        $"more than {MaxValues:N0} values once aliases are expanded; an input document may hold at most {MaxValues:N0}");
}
