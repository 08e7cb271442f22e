using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Io.Reports;
using Ballast.Statistics;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The report's Findings (<see cref="FindingsText"/>, <see cref="FindingsSection"/>): the wording follows the numbers
/// on both sides of the 5 % threshold, with StepM's verdicts when it ran and Holm's correction otherwise; and on
/// synthetic runs through <c>ballast backtest</c>, one with a real rebalancing effect and one without, the report,
/// metrics.json's <c>findings</c> and the console say what its StepM and p-values say.
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
        var lines = FindingsText.Write(Input([Policy("m", 0.002, 0.5, sharpe: 0)])).Select(f => f.Evidence).ToList();

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
        var beat = doc.RootElement.GetProperty("multiple_testing").GetProperty("stepm").GetProperty("beat_baseline").EnumerateArray().Select(x => x.GetString()).ToArray();
        Assert.Equal(meanReverting, beat.Contains("monthly"));
        Assert.Contains("a policy is said to beat the baseline only when Romano-Wolf's StepM rejects at a 5 % family-wise error rate", findings, StringComparison.Ordinal);
        Assert.Equal(beat.Length > 0, findings.Contains($"{beat.Length} of 2 policies have a higher mean return than buy-and-hold at a 5 % family-wise error rate (Romano-Wolf's StepM", StringComparison.Ordinal));
        Assert.Equal(beat.Length == 0, findings.Contains("No policy's mean return beats buy-and-hold's at a 5 % family-wise error rate", StringComparison.Ordinal));
        Assert.DoesNotContain("Holm", findings, StringComparison.Ordinal);
        Assert.Contains("At zero cost, monthly rebalancing (monthly) had a CAGR of", findings, StringComparison.Ordinal);
        Assert.Equal(meanReverting, findings.Contains("more frequent rebalancing was better here at zero cost", StringComparison.Ordinal));
        Assert.Equal(!meanReverting, findings.Contains("no evidence that more frequent rebalancing was better, even at zero cost", StringComparison.Ordinal));
        Assert.Contains("<h3>Average allocation</h3>", findings, StringComparison.Ordinal);

        // metrics.json carries the same findings as data, and the console a line per tested one.
        var json = doc.RootElement.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("topic").GetString()!);
        Assert.Equal(["sample", "significance", "luck", "premium", "frequency", "caveats"], json.Keys);
        var significance = json["significance"];
        Assert.StartsWith("Romano-Wolf StepM (5 % family-wise error rate", significance.GetProperty("test").GetString(), StringComparison.Ordinal);
        Assert.Equal(beat.Length > 0 ? "significant" : "not significant", significance.GetProperty("verdict").GetString());
        Assert.Equal(beat, significance.GetProperty("policies").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains(significance.GetProperty("evidence").GetString()!, findings, StringComparison.Ordinal);
        var frequency = json["frequency"];
        Assert.Equal(meanReverting ? "significant" : "not significant", frequency.GetProperty("verdict").GetString());
        Assert.InRange(frequency.GetProperty("p_value").GetDouble(), 0, 1);
        Assert.Equal(json["luck"].GetProperty("p_value").GetDouble(), doc.RootElement.GetProperty("multiple_testing").GetProperty("spa").GetProperty("p_value").GetDouble());
        Assert.Contains("findings (report.html and metrics.json have the evidence):\n  significance: " + significance.GetProperty("claim").GetString(), result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  frequency: " + frequency.GetProperty("claim").GetString(), result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "No policy's mean return beats buy-and-hold's at a 5 % family-wise error rate (Romano-Wolf's StepM over 3 policies", "not significant")]
    [InlineData(new[] { "b" }, "1 of 3 policies have a higher mean return than buy-and-hold at a 5 % family-wise error rate (Romano-Wolf's StepM, which allows for the dependence between them): b.", "significant")]
    public void Significance_WithStepM_FollowsItsVerdictsNotHolm(string[] beat, string expected, string verdict)
    {
        // The pairwise p-values would be significant after Holm: with StepM computed, its verdicts decide.
        var input = Input([Policy("a", 0.001, 0.001, sharpe: 0.2), Policy("b", 0.002, 0.001, sharpe: 0.3), Policy("c", 0, 0.9, sharpe: 0)]) with { StepM = new StepMFinding("buy-and-hold", 0.05, 3, beat) };

        var findings = FindingsText.Write(input);

        var significance = Assert.Single(findings, f => f.Topic == "significance");
        Assert.StartsWith(expected, significance.Evidence, StringComparison.Ordinal);
        Assert.Equal(verdict, significance.VerdictName);
        Assert.StartsWith("Romano-Wolf StepM", significance.Test, StringComparison.Ordinal);
        Assert.Null(significance.PValue);
        Assert.Equal(beat, significance.Policies);
        Assert.DoesNotContain(findings, f => f.Evidence.Contains("Holm", StringComparison.Ordinal));
    }

    [Fact]
    public void Significance_WithoutStepM_SaysItUsedHolm()
    {
        var significance = FindingsText.Write(Input([Policy("a", 0.001, 0.001, sharpe: 0.2), Policy("b", 0, 0.9, sharpe: 0)])).Single(f => f.Topic == "significance");

        Assert.StartsWith("Ledoit-Wolf HAC Sharpe-ratio difference against each twin, Holm-adjusted", significance.Test, StringComparison.Ordinal);
        Assert.Equal(0.002, significance.PValue!.Value, 12);
        Assert.Equal(FindingVerdict.Significant, significance.Verdict);
        Assert.Equal(["a"], significance.Policies);
    }

    [Fact]
    public void Summary_ListsTheTestedFindings_WithVerdictAndP()
    {
        var findings = FindingsText.Write(Input([Policy("a", 0.001, 0.3, sharpe: 0.2)]) with { Spa = 0.2 });

        var summary = FindingsText.Summary(findings);

        Assert.Equal(
            [
                "findings (report.html and metrics.json have the evidence):",
                "  significance: no policy's Sharpe ratio differs from its twin's (Holm) [not significant, p = 0.300]",
                "  luck: the best policy's edge is consistent with luck [not significant, p = 0.200]",
                "  premium: premium 0.10 % a year [not computable]",
            ],
            summary);
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

    private static string Sentences(FindingsInput input) => string.Join('\n', FindingsText.Write(input).Select(f => f.Evidence));

    private static FindingsInput Input(PolicyFinding[] policies) => new(240, 12, "2000-01", "2020-01", policies, null, "buy-and-hold", null, 0.95, 1000, 42);

    private static PolicyFinding Policy(string name, double premium, double p, double sharpe) => new(name, premium, null, sharpe, p);

    private static string Pct(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
