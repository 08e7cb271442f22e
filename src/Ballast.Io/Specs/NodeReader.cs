using System.Globalization;
using System.Numerics;
using Ballast.Data;

namespace Ballast.Io.Specs;

/// <summary>
/// The one way policy specs, scenarios and proposal files read a <see cref="SpecNode"/> tree (what
/// <see cref="SpecDocument"/> parsed, inside <see cref="DocumentLimits"/>): mappings with known keys ("did you mean"
/// for a typo), required and optional members, and typed values with their range checks. Every failure is a
/// <see cref="BallastInputException"/> naming the file, line, column and the field path (<c>policies[0].trigger</c>).
/// Paths are dotted keys and bracketed list indices; the empty path is the document itself.
/// </summary>
internal static class NodeReader
{
    /// <summary>The path of <paramref name="key"/> inside <paramref name="path"/>.</summary>
    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The bad-input error at <paramref name="node"/>, naming <paramref name="path"/> as the field.</summary>
    public static BallastInputException Fail(SpecNode node, string path, string message) =>
        new(node.Location with { Field = path.Length == 0 ? null : path }, message);

    /// <summary>The value of <paramref name="key"/>, or null when the mapping does not have it.</summary>
    public static SpecNode? Get(MapNode map, string key)
    {
        // By index: a foreach over the IReadOnlyList would allocate an enumerator on every lookup.
        var entries = map.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.Text == key)
            {
                return entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The value of <paramref name="key"/>; when it is missing the error says <c>missing KEY: what it is</c> at the mapping.</summary>
    public static SpecNode Required(MapNode map, string key, string path, string expected) =>
        Get(map, key) ?? throw Fail(map, Join(path, key), $"missing {key}: {expected}");

    /// <summary>Refuses a key of <paramref name="map"/> that is not in <paramref name="known"/>, suggesting the closest known key.</summary>
    public static void CheckKeys(MapNode map, IReadOnlyList<string> known, string path)
    {
        var entries = map.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var key = entries[i].Key;
            if (!IsKnown(key.Text, known))
            {
                var hint = NameMatching.Suggest(key.Text, known) is { } suggestion ? $"did you mean '{suggestion}'?" : $"known keys here: {string.Join(", ", known)}";
                throw Fail(key, Join(path, key.Text), $"unknown key '{key.Text}'; {hint}");
            }
        }
    }

    private static bool IsKnown(string key, IReadOnlyList<string> known)
    {
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i], key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The node as a mapping.</summary>
    public static MapNode AsMap(SpecNode node, string path) =>
        node as MapNode ?? throw Fail(node, path, $"expected a mapping (key: value), found {node.Describe}");

    /// <summary>The node as a list.</summary>
    public static ListNode AsList(SpecNode node, string path) =>
        node as ListNode ?? throw Fail(node, path, $"expected a list, found {node.Describe}");

    /// <summary>The text of a scalar (a name, a path, a description; quoted or not), never null.</summary>
    public static string Text(SpecNode node, string path) =>
        node is ScalarNode { IsNull: false } scalar ? scalar.Text : throw Fail(node, path, $"expected text, found {node.Describe}");

    /// <summary>One of <paramref name="choices"/>, suggesting the closest when the text is none of them.</summary>
    public static string Choice(SpecNode node, string path, IReadOnlyList<string> choices)
    {
        var text = Text(node, path);
        if (choices.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        throw Fail(node, path, $"unknown value '{text}'; expected one of: {string.Join(", ", choices)}{SuggestionNote(text, choices)}");
    }

    /// <summary><c> (did you mean 'X'?)</c> when a candidate is close to <paramref name="word"/>, else empty.</summary>
    public static string SuggestionNote(string word, IEnumerable<string> candidates) =>
        NameMatching.Suggest(word, candidates) is { } s ? $" (did you mean '{s}'?)" : string.Empty;

    /// <summary>A finite number written plainly (not quoted; <c>1_000</c> allowed).</summary>
    public static double Number(SpecNode node, string path) =>
        TryNumber(node, out var value) ? value : throw Fail(node, path, $"expected a finite number, found {node.Describe}");

    /// <summary>A finite number &gt;= 0, or <paramref name="fallback"/> when the node is absent.</summary>
    public static double NonNegative(SpecNode? node, string path, double fallback)
    {
        if (node is null)
        {
            return fallback;
        }

        return TryNumber(node, out var value) && value >= 0 ? value : throw Fail(node, path, $"expected a non-negative number, found {node.Describe}");
    }

    /// <summary>A non-negative number of at most <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static double AtMost(SpecNode? node, string path, double fallback, double max)
    {
        var value = NonNegative(node, path, fallback);
        return node is null || value <= max ? value : throw Fail(node, path, $"expected at most {max.ToString(CultureInfo.InvariantCulture)}, found {node.Describe}");
    }

    /// <summary>
    /// A whole number in [<paramref name="min"/>, <paramref name="max"/>]; the message names the range
    /// (<c>from 1 to 200</c>, or <c>&gt;= 1</c> when there is no upper bound but <see cref="int.MaxValue"/>).
    /// </summary>
    public static int Int(SpecNode node, string path, int min, int max = int.MaxValue) => (int)Long(node, path, min, max, max == int.MaxValue);

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static long Long(SpecNode node, string path, long min, long max) => Long(node, path, min, max, openEnded: false);

    private static long Long(SpecNode node, string path, long min, long max, bool openEnded)
    {
        if (TryNumber(node, out var value) && value == Math.Floor(value) && value >= min && value <= max)
        {
            return (long)value;
        }

        var range = openEnded ? $">= {min.ToString(CultureInfo.InvariantCulture)}" : $"from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
        throw Fail(node, path, $"expected a whole number {range}, found {node.Describe}");
    }

    /// <summary>A number read exactly as written (no binary rounding): <c>0.29</c> is 29/100, not 0.28999….</summary>
    public static decimal Decimal(SpecNode node, string path)
    {
        if (node is ScalarNode { Plain: true, IsNull: false } scalar
            && decimal.TryParse(scalar.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw Fail(node, path, $"expected a number of at most 28 significant digits, found {node.Describe}");
    }

    /// <summary>
    /// A non-negative amount in whole units with up to <paramref name="decimals"/> decimals, as exact base units
    /// (units × 10^decimals, rounded down), of at most <paramref name="maxBaseUnits"/>. Read from the text, so
    /// <c>0.29</c> at 2 decimals is 29 base units (a double would give 28). <paramref name="tooLarge"/> replaces the
    /// message for an amount above the maximum.
    /// </summary>
    public static UInt128 BaseUnits(SpecNode node, string path, int decimals, BigInteger maxBaseUnits, string? tooLarge = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        var text = node is ScalarNode { Plain: true, IsNull: false } scalar ? scalar.Text.Replace("_", string.Empty, StringComparison.Ordinal) : null;
        if (text is null || !TryExactRational(text, out var numerator, out var denominator) || numerator.Sign < 0)
        {
            throw Fail(node, path, $"expected a non-negative number, found {node.Describe}");
        }

        var units = numerator * BigInteger.Pow(10, decimals) / denominator;
        if (units > maxBaseUnits)
        {
            var most = (double)maxBaseUnits / Math.Pow(10, decimals);
            throw Fail(node, path, tooLarge is null
                ? $"{node.Describe} is too large (at most {most.ToString("G3", CultureInfo.InvariantCulture)} whole units)"
                : $"{tooLarge}, found {node.Describe}");
        }

        return (UInt128)units;
    }

    /// <summary><c>true</c> or <c>false</c>, or <paramref name="fallback"/> when absent.</summary>
    public static bool Bool(SpecNode? node, string path, bool fallback) => node switch
    {
        null => fallback,
        ScalarNode { Text: "true" } => true,
        ScalarNode { Text: "false" } => false,
        _ => throw Fail(node, path, $"expected true or false, found {node.Describe}"),
    };

    /// <summary>A date: <c>YYYY-MM-DD</c>, or <c>YYYY-MM</c> (the last day of the month, as data files read it) where <paramref name="allowMonth"/>.</summary>
    public static DateOnly Date(SpecNode node, string path, bool allowMonth = true)
    {
        var text = Text(node, path);
        return DateText.TryParse(text, out var date, out _) && (allowMonth || text.Length > 7)
            ? date
            : throw Fail(node, path, $"expected a date ({(allowMonth ? "YYYY-MM-DD or YYYY-MM" : "YYYY-MM-DD")}), found {node.Describe}");
    }

    /// <summary>A duration in seconds: a whole number with s, m, h, d or w (<c>7d</c>), at most ten years.</summary>
    public static long Duration(SpecNode node, string path) => Parsed(node, path, Ballast.Io.Protocol.GovernanceText.Duration);

    /// <summary>
    /// The value <paramref name="parse"/> makes of the node's text; its <see cref="BallastInputException"/> or
    /// <see cref="ArgumentException"/> is reported at the node.
    /// </summary>
    public static T Parsed<T>(SpecNode node, string path, Func<string, T> parse) => Located(node, path, () => parse(Text(node, path)));

    /// <summary>
    /// Runs a check that does not know where its input was written (a domain validation, a compile of a nested
    /// document) and reports its failure at <paramref name="node"/> and <paramref name="path"/>.
    /// </summary>
    public static T Located<T>(SpecNode node, string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (BallastInputException e)
        {
            // The whole message: a nested document's own file and line stay in it.
            throw Fail(node, path, e.Message);
        }
        catch (ArgumentException e)
        {
            throw Fail(node, path, e.Message);
        }
    }

    /// <summary><see cref="Located{T}"/> for a check that returns nothing.</summary>
    public static void Located(SpecNode node, string path, Action check) => Located(node, path, () =>
    {
        check();
        return 0;
    });

    /// <summary>The node as a finite plain number, when it is one.</summary>
    public static bool TryNumber(SpecNode node, out double value)
    {
        value = 0;
        return node is ScalarNode { Plain: true, IsNull: false } scalar
            && double.TryParse(scalar.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>Decimal text with an optional exponent (<c>1.5</c>, <c>2e3</c>, <c>-0.25</c>) as an exact fraction.</summary>
    private static bool TryExactRational(string text, out BigInteger numerator, out BigInteger denominator)
    {
        numerator = BigInteger.Zero;
        denominator = BigInteger.One;
        var exponent = 0;
        var e = text.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? text : text[..e];
        if (e >= 0 && !int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return false;
        }

        if (Math.Abs(exponent) > 400)
        {
            // Beyond the range of a double; refused rather than building a huge power of ten.
            return false;
        }

        var negative = mantissa.StartsWith('-');
        var digits = mantissa.TrimStart('+', '-');
        var dot = digits.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? digits : digits[..dot];
        var fraction = dot < 0 ? string.Empty : digits[(dot + 1)..];
        if (whole.Length + fraction.Length == 0 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) || mantissa.Length - digits.Length > 1)
        {
            return false;
        }

        numerator = BigInteger.Parse("0" + whole + fraction, CultureInfo.InvariantCulture);
        exponent -= fraction.Length;
        if (exponent >= 0)
        {
            numerator *= BigInteger.Pow(10, exponent);
        }
        else
        {
            denominator = BigInteger.Pow(10, -exponent);
        }

        numerator = negative ? -numerator : numerator;
        return true;
    }
}
