using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The numbers of every backtest sample, pinned: each sample runs through the real command as docs/research-samples.md
/// writes it, and the key figures of its metrics.json (per policy CAGR, volatility, Sharpe, maximum drawdown,
/// rebalances, premium, the premium's decomposition and average weights, and the significance p-values; per run the
/// multiple-testing figures) must equal the pins in Pins/NAME.json: counts exactly, p-values to 1e-6 (the bootstrap is
/// seeded), every other number to 1e-9. Samples on ../shared/data skip with a message where it is absent; the demo on
/// built-in data always runs. After an intended change, rewrite the pins with BALLAST_WRITE_PINS=1 (the test then
/// fails once, saying so) and review the diff.
/// </summary>
public sealed class SamplePinTests
{
    private const double PValueTolerance = 1e-6;
    private const double NumberTolerance = 1e-9;

    public static TheoryData<string> Samples => new(SampleRun.Names);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_MetricsEqualThePins(string sample)
    {
        var shared = CliRunner.SharedData();
        var run = SampleRun.Get(sample);
        Assert.SkipWhen(run.NeedsSharedData && shared is null, $"../shared/data is absent: sample {sample} runs on real data (CI always has it)");
        using var dir = new TempDir();

        var metrics = run.Execute(dir, shared);

        var actual = Project(metrics);
        var pinPath = Path.Combine(CliRunner.RepoRoot(), "tests", "Ballast.Cli.Tests", "Research", "Pins", sample + ".json");
        if (Environment.GetEnvironmentVariable("BALLAST_WRITE_PINS") == "1")
        {
            File.WriteAllText(pinPath, Serialise(actual));
            Assert.Fail($"pins rewritten: {pinPath}; review the diff, then run again without BALLAST_WRITE_PINS");
        }

        Assert.True(File.Exists(pinPath), $"no pins for sample {sample} at {pinPath}; write them with BALLAST_WRITE_PINS=1");
        var pinned = JsonSerializer.Deserialize<SortedDictionary<string, double?>>(File.ReadAllText(pinPath))!;
        var problems = new List<string>();
        foreach (var key in pinned.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            if (!pinned.TryGetValue(key, out var expected) || !actual.TryGetValue(key, out var value))
            {
                problems.Add($"{key}: {(pinned.ContainsKey(key) ? "pinned but no longer in metrics.json" : "in metrics.json but not pinned")}");
            }
            else if (!Close(key, expected, value))
            {
                problems.Add($"{key}: pinned {Text(expected)}, got {Text(value)}");
            }
        }

        Assert.True(problems.Count == 0, $"sample {sample}: {problems.Count} figure(s) moved:\n{string.Join('\n', problems.Take(40))}");
    }

    /// <summary>The pinned figures of a metrics.json document, keyed <c>policy/field</c> and <c>run/field</c>.</summary>
    internal static SortedDictionary<string, double?> Project(JsonElement root)
    {
        var figures = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        foreach (var policy in root.GetProperty("policies").EnumerateArray())
        {
            var name = policy.GetProperty("name").GetString()!;
            var metrics = policy.GetProperty("metrics");
            foreach (var field in new[] { "cagr", "volatility", "sharpe", "max_drawdown", "rebalances", "rebalancing_premium", "turnover_one_way_annual" })
            {
                figures[$"{name}/{field}"] = Number(metrics, field);
            }

            if (policy.TryGetProperty("significance", out var s) && s.ValueKind == JsonValueKind.Object)
            {
                figures[$"{name}/significance/jobson_korkie_memmel/p_value"] = Number(s.GetProperty("jobson_korkie_memmel"), "p_value");
                figures[$"{name}/significance/ledoit_wolf_hac/p_value"] = Number(s.GetProperty("ledoit_wolf_hac"), "p_value");
                if (s.TryGetProperty("bootstrap", out var b) && b.ValueKind == JsonValueKind.Object)
                {
                    figures[$"{name}/significance/bootstrap/p_value"] = Number(b.GetProperty("sharpe_difference"), "p_value");
                    figures[$"{name}/significance/bootstrap/cagr_lower"] = Number(b.GetProperty("cagr_difference"), "lower");
                    figures[$"{name}/significance/bootstrap/cagr_upper"] = Number(b.GetProperty("cagr_difference"), "upper");
                }
            }

            if (policy.TryGetProperty("premium_decomposition", out var d) && d.ValueKind == JsonValueKind.Object)
            {
                figures[$"{name}/diversification_return"] = Number(d, "diversification_return");
            }

            if (policy.TryGetProperty("risk_contributions", out var r) && r.ValueKind == JsonValueKind.Object)
            {
                foreach (var asset in r.EnumerateObject())
                {
                    figures[$"{name}/average_weight/{asset.Name}"] = Number(asset.Value, "average_weight");
                }
            }
        }

        if (root.TryGetProperty("multiple_testing", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            figures["run/deflated_sharpe"] = Number(m, "deflated_sharpe");
            if (m.GetProperty("spa") is { ValueKind: JsonValueKind.Object } spa)
            {
                figures["run/spa/p_value"] = Number(spa, "p_value");
            }
        }

        return figures;
    }

    private static double? Number(JsonElement parent, string field) =>
        parent.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static bool Close(string key, double? expected, double? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        var tolerance = key.EndsWith("p_value", StringComparison.Ordinal) ? PValueTolerance : key.EndsWith("/rebalances", StringComparison.Ordinal) ? 0 : NumberTolerance;
        return Math.Abs(expected.Value - actual.Value) <= tolerance;
    }

    private static string Text(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static string Serialise(SortedDictionary<string, double?> figures)
    {
        var sb = new StringBuilder("{\n");
        var i = 0;
        foreach (var (key, value) in figures)
        {
            sb.Append("  ").Append(JsonSerializer.Serialize(key)).Append(": ").Append(Text(value)).Append(++i < figures.Count ? ",\n" : "\n");
        }

        return sb.Append("}\n").ToString();
    }
}
