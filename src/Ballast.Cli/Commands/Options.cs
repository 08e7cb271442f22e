using System.CommandLine;
using Ballast.Data;

namespace Ballast.Cli.Commands;

/// <summary>Option parsers shared by commands; a bad value is a parse error naming the option.</summary>
internal static class Options
{
    /// <summary>A date option; <c>YYYY-MM</c> means the month's first day when <paramref name="startOfMonth"/>, else its last.</summary>
    public static Option<DateOnly?> Date(string name, string description, bool startOfMonth = false) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DateText.TryParse(text, out var date, out var monthly))
            {
                return monthly && startOfMonth ? new DateOnly(date.Year, date.Month, 1) : date;
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

    public static Option<double?> RiskFree() => new("--risk-free")
    {
        Description = "Annual risk-free rate for Sharpe and Sortino, e.g. 0.02 (overrides the spec's risk_free; default 0).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > -1)
            {
                return value;
            }

            result.AddError($"--risk-free: expected an annual rate greater than -1, such as 0.02, got '{text}'");
            return null;
        },
    };

    public static Option<int> PositiveInt(string name, string description, int defaultValue, int max, int min = 1) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => WholeNumber(result, name, min, max) ?? defaultValue,
    };

    /// <summary>A whole-number option without a default (absent: null), so its help shows no sentinel value such as int.MaxValue.</summary>
    public static Option<int?> OptionalPositiveInt(string name, string description, int max = int.MaxValue, int min = 1) => new(name)
    {
        Description = description,
        CustomParser = result => WholeNumber(result, name, min, max),
    };

    private static int? WholeNumber(System.CommandLine.Parsing.ArgumentResult result, string name, int min, int max)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name}: expected a whole number from {min} to {max}, got '{text}'");
        return null;
    }
}
