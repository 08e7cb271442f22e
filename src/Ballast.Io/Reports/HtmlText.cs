using System.Globalization;
using System.Text;

namespace Ballast.Io.Reports;

/// <summary>HTML escaping and the fixed, culture-independent number formats of the report.</summary>
internal static class HtmlText
{
    /// <summary>What a missing (undefined) value is shown as.</summary>
    public const string Missing = "–";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Escapes text for element content and quoted attribute values. Control characters and lone surrogates
    /// (which have no place in a report and would make the file invalid) become U+FFFD.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length + 16);
        AppendEscaped(sb, text);
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/> escaped (see <see cref="Escape"/>).</summary>
    public static StringBuilder AppendEscaped(StringBuilder sb, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return sb;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&':
                    sb.Append("&amp;");
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '"':
                    sb.Append("&quot;");
                    break;
                case '\'':
                    sb.Append("&#39;");
                    break;
                case '\t' or '\n' or '\r':
                    sb.Append(' ');
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c) || c < ' ' || c is '\u007f' or '\ufffe' or '\uffff')
                    {
                        sb.Append('\ufffd');
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb;
    }

    /// <summary>An integer in invariant form.</summary>
    public static string Int(int value) => value.ToString(Invariant);

    /// <summary>A number with a fixed .NET format string; non-finite or null values are <see cref="Missing"/>.</summary>
    public static string Number(double? value, string format = "0.00") =>
        value is { } v && double.IsFinite(v) ? NoNegativeZero(v.ToString(format, Invariant)) : Missing;

    /// <summary>A fraction as a percentage (0.1234 → "12.34%").</summary>
    public static string Percent(double? value, string format = "0.00") =>
        value is { } v && double.IsFinite(v) ? Number(v * 100, format) + "%" : Missing;

    /// <summary>A fraction as a signed percentage (0.0012 → "+0.12%"); zero has no sign.</summary>
    public static string SignedPercent(double? value, string format = "0.00")
    {
        var text = Percent(value, format);
        return value is > 0 && text[0] != '-' && text.AsSpan(0, text.Length - 1).IndexOfAnyExcept("0.") >= 0 ? "+" + text : text;
    }

    /// <summary>An SVG coordinate: at most one decimal, never "-0".</summary>
    public static string Coord(double value)
    {
        var rounded = Math.Round(value, 1, MidpointRounding.AwayFromZero);
        if (rounded == 0 || !double.IsFinite(rounded))
        {
            return "0";
        }

        return rounded.ToString("0.#", Invariant);
    }

    /// <summary>"-0.00" and the like become "0.00": a sign on a value that prints as zero says nothing.</summary>
    private static string NoNegativeZero(string text) =>
        text.Length > 1 && text[0] == '-' && text.AsSpan(1).IndexOfAnyExcept("0.,") < 0 ? text[1..] : text;
}
