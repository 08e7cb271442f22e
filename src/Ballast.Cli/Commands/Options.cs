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

    public static Option<string> Returns()
    {
        var option = new Option<string>("--returns")
        {
            Description = "Read the data as period returns instead of prices: percent (1.23 = 1.23 %) or fraction (0.0123).",
        };
        option.AcceptOnlyFromAmong("percent", "fraction");
        return option;
    }

    public static ValueKind ToValueKind(string? returns) => returns switch
    {
        "percent" => ValueKind.ReturnsPercent,
        "fraction" => ValueKind.ReturnsFraction,
        _ => ValueKind.Prices,
    };

    public static Option<string> Fill()
    {
        var option = new Option<string>("--fill")
        {
            Description = "An empty cell after a series' first value: none (an error, the default) or forward (carry the last value).",
            DefaultValueFactory = _ => "none",
        };
        option.AcceptOnlyFromAmong("none", "forward");
        return option;
    }

    public static FillMode ToFillMode(string? fill) => fill == "forward" ? FillMode.Forward : FillMode.None;

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
