using System.Text.Json;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// <c>ballast backtest --significance</c> on degenerate data: constant prices, a policy identical to its twin, two
/// rows, bad numbers in the data, an enormous Sharpe ratio. metrics.json stays valid JSON (no NaN), every p-value is
/// in [0, 1] or null, nothing crashes, and a run repeated gives the same bytes.
/// </summary>
public sealed class AdversarialStatisticsTests
{
    public static TheoryData<string, int> DegenerateData => new()
    {
        { "constant", 300 },
        { "two-rows", 2 },
        { "three-rows", 3 },
        { "smooth-growth", 400 },
    };

    private static string Data(string kind, int rows) => kind switch
    {
        "constant" => AdversarialData.Prices(rows, _ => 100, _ => 80),
        "smooth-growth" => AdversarialData.Prices(rows, r => 100 * Math.Pow(1.001, r) * (1 + (1e-9 * (r % 3))), r => 80 * Math.Pow(1.0005, r) * (1 + (1e-9 * (r % 5)))),
        _ => AdversarialData.Wavy(rows),
    };

    [Theory]
    [MemberData(nameof(DegenerateData))]
    public void Significance_OnDegenerateData_IsValidJsonWithPValuesInRangeOrNull(string kind, int rows)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", Data(kind, rows)), "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("NaN", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", result.Out, StringComparison.Ordinal);
        var root = JsonDocument.Parse(result.Out).RootElement;
        var pValues = PValues(root).ToList();
        Assert.All(pValues, p => Assert.True(p.Value is null ? p.Reason is { Length: > 0 } : p.Value >= 0 && p.Value <= 1, $"p = {p}"));
        Assert.All(root.GetProperty("policies").EnumerateArray(), p => Assert.True(p.GetProperty("metrics").ValueKind == JsonValueKind.Object));
    }

    [Fact]
    public void Spa_WhenNoPolicyBeatsTheBenchmark_IsNotSignificant()
    {
        // Buy and hold of the faster-growing asset's drifted mix beats every rebalanced policy on smooth growth:
        // the SPA statistic is 0, and "the best is not luck" (p = 0) would be exactly the wrong reading.
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", Data("smooth-growth", 400)), "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        var spa = JsonDocument.Parse(result.Out).RootElement.GetProperty("multiple_testing").GetProperty("spa");
        Assert.Equal(0, spa.GetProperty("statistic").GetDouble());
        Assert.Equal(1, spa.GetProperty("p_value").GetDouble());
        Assert.Equal(1, spa.GetProperty("p_value_lower").GetDouble());
        Assert.Equal(1, spa.GetProperty("p_value_upper").GetDouble());
    }

    [Fact]
    public void Significance_APolicyIdenticalToItsTwin_HasStatisticZeroAndPValueOne()
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(300)), "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        var wide = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "wide-band");
        Assert.Equal(0, wide.GetProperty("metrics").GetProperty("rebalances").GetInt32());
        var significance = wide.GetProperty("significance");
        Assert.Equal(0, significance.GetProperty("sharpe_difference").GetDouble());
        foreach (var test in new[] { "jobson_korkie_memmel", "ledoit_wolf_hac" })
        {
            Assert.Equal(0, significance.GetProperty(test).GetProperty("statistic").GetDouble());
            Assert.Equal(1, significance.GetProperty(test).GetProperty("p_value").GetDouble());
        }

        Assert.Equal(1, significance.GetProperty("bootstrap").GetProperty("sharpe_difference").GetProperty("p_value").GetDouble());
    }

    [Theory]
    [InlineData("NaN", "p.csv:22:2 (SPY): cannot read number 'NaN'")]
    [InlineData("Infinity", "p.csv:22:2 (SPY): cannot read number 'Infinity'")]
    [InlineData("1e400", "p.csv:22:2 (SPY): cannot read number '1e400'")]
    public void Backtest_NonFiniteNumbersInTheData_AreRefusedAtTheCell(string cell, string expected)
    {
        using var dir = new TempDir();
        var lines = AdversarialData.Wavy(50).Split('\n');
        var fields = lines[21].Split(',');
        lines[21] = $"{fields[0]},{cell},{fields[2]}";

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", string.Join('\n', lines)), "--json", "--significance");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_OneRow_IsAnInputError()
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(1)), "--json", "--significance");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has fewer than two rows", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_APeriodOfOneRow_HasOneReturnAndNullVolatility()
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", AdversarialData.Wavy(300)), "--json", "--significance", "--periods", "2010-03-01..2010-03-01");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("NaN", result.Out, StringComparison.Ordinal);
        var period = Assert.Single(JsonDocument.Parse(result.Out).RootElement.GetProperty("periods").EnumerateArray());
        Assert.Equal(1, period.GetProperty("rows").GetInt32());
        Assert.All(period.GetProperty("policies").EnumerateArray(), p =>
        {
            Assert.Equal(1, p.GetProperty("returns").GetInt32());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("volatility").ValueKind);
            Assert.Equal(JsonValueKind.Null, p.GetProperty("sharpe").ValueKind);
        });
    }

    [Fact]
    public void Backtest_OutTwiceOnASweepWithSignificance_WritesTheSameBytes()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { drift: { absolute: 0.05 } }\nsweep:\n  band: { path: trigger.drift.absolute, range: { from: 0.01, to: 0.2, step: 0.01 } }\n  cost: { path: costs.proportional_bps, values: [0, 5, 10, 25, 50, 100] }\n");
        var data = dir.Write("p.csv", AdversarialData.Wavy(500));

        var first = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("a"), "--significance");
        var second = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("b"), "--significance");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        var files = Directory.GetFiles(dir.File("a")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("metrics.json", files);
        Assert.Contains("report.html", files);
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(dir.File("a"), file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.File("b"), file!))), file);
        }
    }

    [Theory]
    [InlineData("constant", 300, "not computable: a Sharpe ratio is undefined (a return series has no variance)")]
    [InlineData("two-rows", 2, "not computable: 1 return, the test needs at least 3")]
    public void Significance_ANullPValue_SaysWhy(string kind, int rows, string reason)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", AdversarialData.FourPolicies), "--data", dir.Write("p.csv", Data(kind, rows)), "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        var jkm = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies")[0].GetProperty("significance").GetProperty("jobson_korkie_memmel");
        Assert.Equal(JsonValueKind.Null, jkm.GetProperty("p_value").ValueKind);
        Assert.Equal(reason, jkm.GetProperty("p_value_reason").GetString());
    }

    /// <summary>
    /// SPA and StepM not run (one return; a spec whose only policy is buy-and-hold, the baseline itself) used to be
    /// <c>"spa": null</c> with no reason; every not-computable statistic now says why.
    /// </summary>
    [Theory]
    [InlineData("universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { calendar: monthly }\n", 2, "not computable: 1 return, the test needs at least 3")]
    [InlineData("universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: none\n", 300, "not computable: no policy of the spec other than the baseline to compare with it")]
    public void MultipleTesting_NotComputable_SaysWhy(string spec, int rows, string reason)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", spec), "--data", dir.Write("p.csv", AdversarialData.Wavy(rows)), "--json", "--significance");

        Assert.True(result.ExitCode == 0, result.Error);
        var testing = JsonDocument.Parse(result.Out).RootElement.GetProperty("multiple_testing");
        var spa = testing.GetProperty("spa");
        Assert.Equal(JsonValueKind.Object, spa.ValueKind);
        Assert.Equal(JsonValueKind.Null, spa.GetProperty("p_value").ValueKind);
        Assert.Equal(reason, spa.GetProperty("p_value_reason").GetString());
        var stepM = testing.GetProperty("stepm");
        Assert.Equal(JsonValueKind.Null, stepM.GetProperty("beat_baseline").ValueKind);
        Assert.Equal(reason, stepM.GetProperty("reason").GetString());
    }

    /// <summary>Every p_value in the document with the p_value_reason beside it (the p-values under keys p_value, not the SPA's bounds).</summary>
    private static IEnumerable<(double? Value, string? Reason)> PValues(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "p_value")
                {
                    var reason = element.TryGetProperty("p_value_reason", out var r) ? r.GetString() : null;
                    yield return (property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetDouble(), reason);
                }
                else
                {
                    foreach (var p in PValues(property.Value))
                    {
                        yield return p;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var p in PValues(item))
                {
                    yield return p;
                }
            }
        }
    }
}
