using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ballast.Io.Specs;
using Ballast.Policies;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast spec SPEC</c>: validate a spec and print each policy's content hash and canonical form; for a sweep,
/// its size, the parameter table and the first policies (<c>--all</c> for every one). <c>--set key=v1,v2</c> overrides.
/// </summary>
internal static class SpecCommand
{
    /// <summary>Policies of a sweep shown without <c>--all</c>.</summary>
    private const int DefaultShown = 20;

    public static Command Create(CliIo io)
    {
        var spec = new Argument<string>("spec") { Description = "Policy spec, YAML or JSON." };
        var json = new Option<bool>("--json") { Description = "Print {\"policies\":[{\"name\",\"hash\",\"policy\"}]} (with \"sweep\" and each policy's \"parameters\" for a sweep) instead of text; always every policy." };
        var all = new Option<bool>("--all") { Description = $"Show every policy of a sweep, not the first {DefaultShown}." };
        var first = new Option<int>("--first") { Description = "Show this many policies of a sweep (default 20).", DefaultValueFactory = _ => DefaultShown };
        var overrides = SetOption();
        var command = new Command("spec", "Validate a spec; print each policy's content hash (its published identity) and canonical JSON, and a sweep's expansion.") { spec, json, all, first, overrides };
        command.SetAction(parse =>
        {
            if (parse.GetValue(first) < 1)
            {
                throw new BallastInputException(new InputLocation("--first", Field: "--first"), $"must be >= 1, got {parse.GetValue(first)}");
            }

            var set = SpecLoader.LoadFile(parse.GetValue(spec)!, Overrides(parse.GetValue(overrides)));
            if (parse.GetValue(json))
            {
                WriteJson(io.Out, set);
            }
            else
            {
                WriteText(io.Out, set, parse.GetValue(all) ? int.MaxValue : parse.GetValue(first));
            }

            return Program.Ok;
        });
        return command;
    }

    /// <summary>The repeatable <c>--set key=v1,v2</c> option of <c>spec</c> and <c>backtest</c>.</summary>
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a sweep parameter's values or a spec path before the spec is bound: --set band=0.01,0.03, --set costs.proportional_bps=10, --set trigger.check=daily,weekly (a new parameter); repeatable. See docs/policy-spec.md#sweeps.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The overrides given to <see cref="SetOption"/>, in order.</summary>
    public static IReadOnlyList<SpecOverride> Overrides(string[]? values) => values is null ? [] : [.. values.Select(SpecOverride.Parse)];

    private static void WriteText(TextWriter output, PolicySet set, int shown)
    {
        var count = set.Policies.Length;
        if (set.Sweep is not { } sweep)
        {
            output.WriteLine($"{set.Name}: {count} polic{(count == 1 ? "y" : "ies")}, valid");
            foreach (var p in set.Policies)
            {
                WritePolicy(output, p);
            }
        }
        else
        {
            var factors = (sweep.Entries > 1 ? [$"{sweep.Entries} policies"] : Array.Empty<string>()).Concat(sweep.Parameters.Select(p => $"{p.Values.Length} {p.Name}"));
            output.WriteLine($"{set.Name}: a sweep of {Count(count)} polic{(count == 1 ? "y" : "ies")} ({string.Join(" × ", factors)}), valid");
            var nameWidth = sweep.Parameters.Max(p => p.Name.Length);
            var pathWidth = sweep.Parameters.Max(p => p.Path.Length);
            foreach (var parameter in sweep.Parameters)
            {
                var values = parameter.Values.Length <= 12
                    ? string.Join(", ", parameter.Values.Select(v => v.Label))
                    : string.Join(", ", parameter.Values.Take(5).Select(v => v.Label)) + $", ... ({Count(parameter.Values.Length)} values) ..., " + string.Join(", ", parameter.Values.TakeLast(2).Select(v => v.Label));
                output.WriteLine($"  {parameter.Name.PadRight(nameWidth)}  {parameter.Path.PadRight(pathWidth)}  {values}");
            }

            var listed = Math.Min(shown, count);
            output.WriteLine(listed == count ? "policies:" : $"the first {Count(listed)} policies (--all for every one):");
            for (var i = 0; i < listed; i++)
            {
                WritePolicy(output, set.Policies[i]);
            }
        }

        foreach (var b in set.Baselines)
        {
            output.WriteLine($"baseline {b.Name}  sha256:{b.Hash}");
            output.WriteLine($"  {b.CanonicalJson}");
        }
    }

    private static void WritePolicy(TextWriter output, PolicySpec p)
    {
        output.WriteLine($"{p.Name}  sha256:{p.Hash}");
        output.WriteLine($"  {p.CanonicalJson}");
    }

    private static void WriteJson(TextWriter output, PolicySet set)
    {
        output.Write("{");
        if (set.Sweep is { } sweep)
        {
            output.Write("\"sweep\":{\"policies\":" + Count(sweep.PolicyCount, grouped: false) + ",\"parameters\":[");
            for (var p = 0; p < sweep.Parameters.Length; p++)
            {
                var parameter = sweep.Parameters[p];
                output.Write(p == 0 ? "\n  " : ",\n  ");
                output.Write($"{{\"name\":{JsonSerializer.Serialize(parameter.Name)},\"path\":{JsonSerializer.Serialize(parameter.Path)},\"values\":[{string.Join(",", parameter.Values.Select(Value))}]}}");
            }

            output.Write("\n]},");
        }

        output.Write("\"policies\":[");
        for (var i = 0; i < set.Policies.Length; i++)
        {
            var p = set.Policies[i];
            output.Write(i == 0 ? "\n  " : ",\n  ");
            output.Write($"{{\"name\":{JsonSerializer.Serialize(p.Name)},\"hash\":\"{p.Hash}\"");
            if (set.Sweep is { } s)
            {
                var values = s.ValuesOf(i);
                output.Write(",\"parameters\":{" + string.Join(",", values.Select((v, k) => $"{JsonSerializer.Serialize(s.Parameters[k].Name)}:{Value(v)}")) + "}");
            }

            output.Write($",\"policy\":{p.CanonicalJson}}}");
        }

        output.Write("\n]");
        if (!set.Baselines.IsDefaultOrEmpty)
        {
            output.Write(",\"baselines\":[");
            for (var i = 0; i < set.Baselines.Length; i++)
            {
                var b = set.Baselines[i];
                output.Write(i == 0 ? "\n  " : ",\n  ");
                output.Write($"{{\"name\":{JsonSerializer.Serialize(b.Name)},\"hash\":\"{b.Hash}\",\"policy\":{b.CanonicalJson}}}");
            }

            output.Write("\n]");
        }

        output.WriteLine("}");
    }

    private static string Value(SweepValue value) =>
        value.Number is { } n && double.IsFinite(n) ? n.ToString("R", CultureInfo.InvariantCulture) : JsonSerializer.Serialize(value.Label);

    private static string Count(int value, bool grouped = true) => value.ToString(grouped ? "N0" : "D", CultureInfo.InvariantCulture);
}
