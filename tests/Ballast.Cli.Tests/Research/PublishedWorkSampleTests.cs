using System.Globalization;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The samples that reproduce published work (docs/research-samples.md), checked against what the studies define,
/// computed independently here from the derived Shiller file: Booth and Fama's diversification return and Vanguard's
/// rebalancing counts. Their figures are pinned in <see cref="SamplePinTests"/>.
/// </summary>
public sealed class PublishedWorkSampleTests
{
    [Fact]
    public void BoothFama_DiversificationReturn_IsHalfTheVarianceGap_AndMatchesTheirCompoundReturnDefinition()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the Booth-Fama sample runs on Shiller's data (CI always has it)");
        using var dir = new TempDir();
        var data = SampleRun.Shiller(dir, shared);

        var root = SampleRun.Get("booth-fama-1992-diversification-return").Execute(dir, shared);

        var runs = root.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        double Cagr(string name) => runs[name].GetProperty("metrics").GetProperty("cagr").GetDouble();
        var monthly = runs["monthly"].GetProperty("premium_decomposition");
        var dr = monthly.GetProperty("diversification_return").GetDouble();

        // ½ w₁ w₂ Var(r₁ − r₂) · 12 over the window's monthly returns (1926-01 .. 2009-12), sample variance (ddof 1).
        var rows = File.ReadLines(data).Skip(1).Select(l => l.Split(',')).Where(c => string.CompareOrdinal(c[0], "1925-12") >= 0 && string.CompareOrdinal(c[0], "2009-12") <= 0).ToArray();
        var gaps = Enumerable.Range(1, rows.Length - 1).Select(t => (Ratio(rows, t, 1) - Ratio(rows, t, 2))).ToArray();
        Assert.Equal(1008, gaps.Length);
        var mean = gaps.Average();
        var variance = gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1);
        Assert.Equal(0.5 * 0.6 * 0.4 * variance * 12, dr, 1e-12);

        // Booth and Fama's own definition: the compound return over the weighted average of the assets' compound returns.
        var definition = Cagr("monthly") - ((0.6 * Cagr("all-stocks")) + (0.4 * Cagr("all-bonds")));
        Assert.InRange(definition - dr, -0.0001, 0.0001);
        Assert.InRange(dr, 0.003, 0.0035);

        // The realised premium over buy-and-hold is of the other sign: buy-and-hold drifted into stocks, which grew faster.
        Assert.True(runs["monthly"].GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble() < 0);
        Assert.Equal(runs["monthly"].GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble() - dr, monthly.GetProperty("rest").GetDouble(), 1e-15);
    }

    [Fact]
    public void Vanguard_RebalancesAtEveryMonthEndAtThresholdZero_AndFewerAsTheThresholdWidens()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the Vanguard sample runs on Shiller's data (CI always has it)");
        using var dir = new TempDir();

        var root = SampleRun.Get("vanguard-2010-monitoring-threshold").Execute(dir, shared);

        Assert.Equal("1925-12", root.GetProperty("start").GetString());
        Assert.Equal("2009-12", root.GetProperty("end").GetString());
        var rebalances = root.GetProperty("policies").EnumerateArray()
            .Where(p => p.GetProperty("role").GetString() == "policy")
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("metrics").GetProperty("rebalances").GetInt32());
        Assert.Equal(12, rebalances.Count);

        // 1,008 month ends; nothing fires on the window's last row (the study counts 1,008 events).
        Assert.Equal(1007, rebalances["monitoring=monthly,threshold=0"]);
        Assert.Equal(335, rebalances["monitoring=quarterly,threshold=0"]);
        Assert.Equal(83, rebalances["monitoring=annual,threshold=0"]);
        foreach (var monitoring in new[] { "monthly", "quarterly", "annual" })
        {
            var counts = new[] { "0", "0.01", "0.05", "0.10" }.Select(t => rebalances[$"monitoring={monitoring},threshold={t}"]).ToArray();
            Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First >= p.Second), $"{monitoring}: {string.Join(", ", counts)}");
        }
    }

    /// <summary>The report of the Vanguard sample writes the Findings (a 0 % band checked on a calendar counts as that calendar) and the average allocation table.</summary>
    [Fact]
    public void Vanguard_Report_ComparesMonthlyWithAnnualAtZeroCost_AndShowsTheAverageAllocation()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the Vanguard sample runs on Shiller's data (CI always has it)");
        using var dir = new TempDir();
        var data = SampleRun.Shiller(dir, shared);

        var result = CliRunner.Run("backtest", Path.Combine(CliRunner.RepoRoot(), "samples", "research", "vanguard-2010-monitoring-threshold.yaml"), "--data", data, "--from", "1925-12", "--to", "2009-12", "--out", dir.File("out"), "--outputs", "report");

        Assert.True(result.ExitCode == 0, result.Error);
        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(dir.File("out"), "report.html")));
        var findings = html[html.IndexOf("<section id=\"findings\">", StringComparison.Ordinal)..];
        Assert.Contains("Sample: 12 policies over 1,008 monthly returns (84 years, 1925-12 to 2009-12)", findings, StringComparison.Ordinal);
        Assert.Contains("At zero cost, monthly rebalancing (monitoring=monthly,threshold=0) had a CAGR of 8.29 % against 8.51 % for annual (monitoring=annual,threshold=0)", findings, StringComparison.Ordinal);
        Assert.Contains("<td class=\"name\">buy-and-hold</td><td>87.0%</td><td>13.0%</td><td>9.13%</td><td>12.27%</td><td>0</td>", findings, StringComparison.Ordinal);
    }

    private static double Ratio(string[][] rows, int t, int column) =>
        (double.Parse(rows[t][column], CultureInfo.InvariantCulture) / double.Parse(rows[t - 1][column], CultureInfo.InvariantCulture)) - 1;
}
