using System.CommandLine;
using System.CommandLine.Parsing;
using Ballast.Data;

namespace Ballast.Cli.Commands;

/// <summary>Option parsers shared by commands; a bad value is a parse error naming the option.</summary>
internal static class Options
{
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DateText.TryParse(text, out var date, out _))
            {
                return date;
            }

            result.AddError($"{name}: cannot read date '{text}'; expected YYYY-MM-DD or YYYY-MM");
            return null;
        },
    };

    public static Option<ValueKind> Returns() => new("--returns")
    {
        Description = "Read the data as period returns instead of prices: percent (1.23 = 1.23 %) or fraction (0.0123).",
        DefaultValueFactory = _ => ValueKind.Prices,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            switch (text)
            {
                case "percent":
                    return ValueKind.ReturnsPercent;
                case "fraction":
                    return ValueKind.ReturnsFraction;
                default:
                    result.AddError($"--returns: expected percent or fraction, got '{text}'");
                    return ValueKind.Prices;
            }
        },
    };

    public static Option<FillMode> Fill() => new("--fill")
    {
        Description = "How to treat an empty cell after a series' first value: none (an error, the default) or forward (carry the last value).",
        DefaultValueFactory = _ => FillMode.None,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            switch (text)
            {
                case "none":
                    return FillMode.None;
                case "forward":
                    return FillMode.Forward;
                default:
                    result.AddError($"--fill: expected none or forward, got '{text}'");
                    return FillMode.None;
            }
        },
    };

    public static Option<int> PositiveInt(string name, string description, int defaultValue, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
            {
                return value;
            }

            result.AddError($"{name}: expected a whole number from 1 to {max}, got '{text}'");
            return defaultValue;
        },
    };
}
