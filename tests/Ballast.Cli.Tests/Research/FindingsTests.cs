using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Io.Reports;
using Ballast.Statistics;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The report's Findings (<see cref="FindingsText"/>, <see cref="FindingsSection"/>): the wording follows the numbers
/// on both sides of the 5 % threshold, after Holm's correction; and on synthetic runs through <c>ballast backtest</c>,
/// one with a real rebalancing effect and one without, the report says what its metrics.json p-values say.
/// </summary>
public sealed class FindingsTests
{
    [Fact]
    public void Holm_AdjustsStepDownInInputOrder_AndLeavesUndefinedOutOfTheCount()
    {
        var adjusted = HolmCorrection.Adjust([0.01, 0.04, 0.03, 0.005]);

        // Sorted 0.005, 0.01, 0.03, 0.04: 4 × 0.005, 3 × 0.01, max(2 × 0.03, ·), max(1 × 0.04, 0.06).
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(a => Math.Round(a, 12)));
        var withNaN = HolmCorrection.Adjust([0.02, double.NaN, 0.6]);
        Assert.Equal(0.04, withNaN[0], 12);
        Assert.True(double.IsNaN(withNaN[1]));
        Assert.Equal(0.6, withNaN[2], 12);
        Assert.Equal(1, HolmCorrection.Adjust([0.9, 0.8])[0]);
    }

    [Theory]
    [InlineData(0.049, true)]
    [InlineData(0.051, false)]
    public void Significance_IsClaimedOnlyAtOrBelowFivePercent(double p, bool significant)
    {
        var text = Sentences(Input([Policy("monthly", 0.002, p, sharpe: 0.1)]));

        Assert.Equal(significant, text.Contains("1 of 1 policies differ from their buy-and-hold twin in Sharpe ratio at the 5 % level after Holm's correction", StringComparison.Ordinal));
        Assert.Equal(significant, text.Contains($"higher Sharpe ratio than buy-and-hold: monthly (adjusted p = {p.ToString("0.000", CultureInfo.InvariantCulture)})", StringComparison.Ordinal));
        Assert.Equal(!significant, text.Contains("No policy's Sharpe ratio differs from its buy-and-hold twin's at the 5 % level", StringComparison.Ordinal));
        Assert.Equal(!significant, text.Contains("The data show no evidence that rebalancing these ways changed risk-adjusted returns.", StringComparison.Ordinal));
    }

    [Fact]
    public void Significance_RawPBelowFivePercentThatHolmLiftsAbove_IsNotCalledSignificant()
    {
        var text = Sentences(Input([Policy("a", 0.001, 0.03, sharpe: 0.2), Policy("b", 0, 0.5, sharpe: 0)]));

        Assert.Contains("No policy's Sharpe ratio differs from its buy-and-hold twin's at the 5 % level after Holm's correction for 2 tests (Ledoit-Wolf HAC; smallest adjusted p = 0.060, a); 1 policy had p ≤ 0.05 before the correction", text, StringComparison.Ordinal);
        Assert.DoesNotContain("higher Sharpe", text, StringComparison.Ordinal);
        Assert.DoesNotContain("better", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Significance_ALowerSharpeRatio_IsNamedAsLower()
    {
        var text = Sentences(Input([Policy("a", -0.01, 0.001, sharpe: -0.3), Policy("b", 0.001, 0.002, sharpe: 0.2)]));

        Assert.Contains("2 of 2 policies differ", text, StringComparison.Ordinal);
        Assert.Contains("; higher Sharpe ratio than buy-and-hold: b (adjusted p = 0.002); lower Sharpe ratio than buy-and-hold: a (adjusted p = 0.002).", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.049, 0.2, "significant at 5 %: more frequent rebalancing was better here at zero cost.")]
    [InlineData(0.049, -0.2, "significant at 5 %: less frequent rebalancing was better here at zero cost.")]
    [InlineData(0.051, 0.2, "not significant at 5 %: the data give no evidence that more frequent rebalancing was better, even at zero cost.")]
    public void Frequency_AtZeroCost_FollowsThePValue(double p, double sharpe, string expected)
    {
        var zero = new FrequencyFinding("m0", "monthly", 0.065, "a0", "annual", 0.064, sharpe, p);

        var text = Sentences(Input([Policy("m0", 0.001, 0.5, sharpe: 0)]) with { ZeroCost = zero });

        Assert.Contains($"At zero cost, monthly rebalancing (m0) had a CAGR of 6.50 % against 6.40 % for annual (a0); the Sharpe-ratio difference of {(sharpe > 0 ? "+" : string.Empty)}{sharpe.ToString("0.00", CultureInfo.InvariantCulture)} has Ledoit-Wolf p = {p.ToString("0.000", CultureInfo.InvariantCulture)}, {expected}", text, StringComparison.Ordinal);
        Assert.Equal(p <= 0.05, text.Contains("was better here", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.001, 0.004, "which excludes zero: the premium is positive at that confidence")]
    [InlineData(-0.004, -0.001, "which excludes zero: the premium is negative at that confidence")]
    [InlineData(-0.001, 0.004, "which includes zero: the data cannot tell this premium from none")]
    public void Premium_IntervalWording_FollowsItsSign(double lower, double upper, string expected)
    {
        var policy = Policy("m", 0.002, 0.5, sharpe: 0) with { PremiumInterval = new Interval(lower, upper) };

        var text = Sentences(Input([policy, Policy("q", -0.001, 0.6, sharpe: 0)]));

        Assert.Contains($"The rebalancing premium (CAGR minus the twin's) ranges from -0.10 % (q) to 0.20 % a year (m); the largest's 95 % bootstrap interval is [{Pct(lower)}, {Pct(upper)}], {expected}.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.04, "p = 0.040: the best policy's edge over it is unlikely to be luck.")]
    [InlineData(0.06, "p = 0.060: the best policy's edge over it is consistent with luck.")]
    public void Spa_FollowsItsPValue(double p, string expected)
    {
        var text = Sentences(Input([Policy("m", 0.002, 0.5, sharpe: 0)]) with { Spa = p });

        Assert.Contains($"Hansen's SPA test of all of them against buy-and-hold gives {expected}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleAndCaveats_SayTheSampleLengthAndTheDataFrequency()
    {
        var lines = FindingsText.Write(Input([Policy("m", 0.002, 0.5, sharpe: 0)]));

        Assert.Equal("Sample: 1 policy over 240 monthly returns (20 years, 2000-01 to 2020-01), each compared with its own buy-and-hold twin (same weights and costs).", lines[0]);
        Assert.StartsWith("Caveats: 240 monthly returns is a short sample, so the tests have little power: a p-value above 0.05 is no evidence of a difference, not evidence that there is none. With monthly data, what happens inside a period is not seen", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("(1,000 replicates, seed 42): reproducible, but with simulation error of about ±0.03.", lines[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Two synthetic histories through <c>ballast backtest --significance --out</c>: asset A swings up and back every
    /// month (mean reversion, which monthly rebalancing harvests and annual rebalancing, a year later at the same
    /// level, does not), and a seeded random walk with no such effect. The Findings must say significant for the first
    /// and not for the second, and match the p-values metrics.json carries.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Report_OnSyntheticRuns_WritesWhatThePValuesSay(bool meanReverting)
    {
        using var dir = new TempDir();
        var data = dir.Write("data.csv", Synthetic(meanReverting));
        var spec = dir.Write("spec.yaml", "name: findings\nuniverse: [A, B]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\npolicies:\n  - { name: monthly, trigger: { calendar: monthly, anchor: period-end } }\n  - { name: annual, trigger: { calendar: annual, anchor: period-end } }\n");

        var result = CliRunner.Run("backtest", spec, "--data", data, "--significance", "--out", dir.File("out"));

        Assert.True(result.ExitCode == 0, result.Error);
        var findings = FindingsOf(File.ReadAllText(Path.Combine(dir.File("out"), "report.html")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")));
        var p = doc.RootElement.GetProperty("policies").EnumerateArray().Take(2)
            .Select(x => x.GetProperty("significance").GetProperty("ledoit_wolf_hac").GetProperty("p_value").GetDouble()).ToArray();
        var holm = HolmCorrection.Adjust(p);
        Assert.Equal(meanReverting, holm[0] <= 0.05);
        Assert.Equal(holm.Count(h => h <= 0.05) > 0, findings.Contains("policies differ from their buy-and-hold twin in Sharpe ratio at the 5 % level", StringComparison.Ordinal));
        Assert.Equal(holm.All(h => h > 0.05), findings.Contains("No policy's Sharpe ratio differs", StringComparison.Ordinal));
        Assert.Contains("At zero cost, monthly rebalancing (monthly) had a CAGR of", findings, StringComparison.Ordinal);
        Assert.Equal(meanReverting, findings.Contains("more frequent rebalancing was better here at zero cost", StringComparison.Ordinal));
        Assert.Equal(!meanReverting, findings.Contains("no evidence that more frequent rebalancing was better, even at zero cost", StringComparison.Ordinal));
        Assert.Contains("<h3>Average allocation</h3>", findings, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_HasFindingsWithSignificance_AndNoneWithoutIt()
    {
        using var dir = new TempDir();
        var data = dir.Write("data.csv", Synthetic(meanReverting: false));
        var spec = dir.Write("spec.yaml", "name: findings\nuniverse: [A, B]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\ntrigger: { calendar: monthly }\n");

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("out"), "--outputs", "report");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("<section id=\"findings\">", File.ReadAllText(Path.Combine(dir.File("out"), "report.html")), StringComparison.Ordinal);
        Assert.DoesNotContain("<section id=\"findings\">", HtmlReport.Render(RunWithoutAnalysis(data, spec)), StringComparison.Ordinal);
    }

    private static Ballast.Io.BacktestOutcome RunWithoutAnalysis(string data, string spec) =>
        Ballast.Io.BacktestJob.Run(Ballast.Io.Specs.SpecLoader.LoadFile(spec), Ballast.Io.MarketDataFile.Read(data), new Ballast.Io.BacktestOptions { Record = true });

    private static string Synthetic(bool meanReverting)
    {
        var random = new Random(20261207);
        var sb = new StringBuilder("Date,A,B\n");
        double a = 100, b = 100;
        var month = new DateOnly(2000, 1, 1);
        for (var t = 0; t <= 240; t++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{month:yyyy-MM},{a:R},{b:R}\n");
            var noise = () => (random.NextDouble() - 0.5) * 0.02;
            a *= meanReverting ? (t % 2 == 0 ? 1.25 : 1 / 1.25) * (1 + (noise() / 4)) : 1.005 + (noise() * 4);
            b *= meanReverting ? 1.003 * (1 + (noise() / 4)) : 1.004 + (noise() * 2);
            month = month.AddMonths(1);
        }

        return sb.ToString();
    }

    private static string FindingsOf(string html)
    {
        var start = html.IndexOf("<section id=\"findings\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the report has no Findings section");
        return System.Net.WebUtility.HtmlDecode(html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)]);
    }

    private static string Sentences(FindingsInput input) => string.Join('\n', FindingsText.Write(input));

    private static FindingsInput Input(PolicyFinding[] policies) => new(240, 12, "2000-01", "2020-01", policies, null, "buy-and-hold", null, 0.95, 1000, 42);

    private static PolicyFinding Policy(string name, double premium, double p, double sharpe) => new(name, premium, null, sharpe, p);

    private static string Pct(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
