using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast backtest</c> with significance (docs/statistics.md) and <c>--periods</c>, through the real command.</summary>
public class SignificanceCommandTests
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        periods_per_year: 252
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
            execution: { to: band-edge }
        """;

    /// <summary>Two mean-reverting series over 2019-01-01 + rows days (deterministic).</summary>
    private static string Prices(int rows)
    {
        var lines = new List<string> { "Date,A,B" };
        var date = new DateOnly(2019, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var a = 100 * Math.Exp((0.3 * Math.Sin(i / 15.0)) + (0.02 * Math.Sin(i * 1.7)));
            var b = 100 * Math.Exp((0.0002 * i) + (0.01 * Math.Cos(i * 2.3)));
            lines.Add(FormattableString.Invariant($"{date.AddDays(i):yyyy-MM-dd},{a:0.######},{b:0.######}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public void Backtest_JsonWithSignificance_WritesPairwiseTestsAndTheRunWideOnes()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(800));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var policies = doc.RootElement.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(JsonValueKind.Null, policies[0].GetProperty("significance").ValueKind); // the baseline itself
        var monthly = policies[1].GetProperty("significance");
        Assert.Equal("never", monthly.GetProperty("against").GetString());
        Assert.Equal(799, monthly.GetProperty("returns").GetInt32());
        var difference = monthly.GetProperty("sharpe_difference").GetDouble();
        var sharpes = policies.Select(p => p.GetProperty("metrics").GetProperty("sharpe").GetDouble()).ToArray();
        Assert.Equal(sharpes[1] - sharpes[0], difference, 9); // the metrics' own Sharpe ratios
        foreach (var test in new[] { "jobson_korkie_memmel", "ledoit_wolf_hac" })
        {
            Assert.InRange(monthly.GetProperty(test).GetProperty("p_value").GetDouble(), 0, 1);
        }

        var bootstrap = monthly.GetProperty("bootstrap");
        Assert.Equal(1000, bootstrap.GetProperty("replicates").GetInt32());
        Assert.Equal(42, bootstrap.GetProperty("seed").GetInt32());
        foreach (var name in new[] { "sharpe_difference", "cagr_difference", "volatility_difference", "max_drawdown_difference" })
        {
            var d = bootstrap.GetProperty(name);
            Assert.True(d.GetProperty("lower").GetDouble() <= d.GetProperty("upper").GetDouble(), name);
        }

        var run = doc.RootElement.GetProperty("multiple_testing");
        Assert.Equal(2, run.GetProperty("trials").GetInt32());
        Assert.Equal(policies[sharpes[1] > sharpes[2] ? 1 : 2].GetProperty("name").GetString(), run.GetProperty("best").GetString());
        Assert.InRange(run.GetProperty("deflated_sharpe").GetDouble(), 0, run.GetProperty("probabilistic_sharpe").GetDouble());
        Assert.InRange(run.GetProperty("spa").GetProperty("p_value").GetDouble(), 0, 1);
        Assert.Equal(2, run.GetProperty("spa").GetProperty("models").GetInt32());
        var premium = policies[1].GetProperty("premium_decomposition");
        Assert.Equal(premium.GetProperty("rebalancing_premium").GetDouble() - premium.GetProperty("diversification_return").GetDouble(), premium.GetProperty("rest").GetDouble(), 12);
        Assert.True(premium.GetProperty("diversification_return").GetDouble() > 0);
        var risk = policies[1].GetProperty("risk_contributions");
        Assert.Equal(0.5, risk.GetProperty("A").GetProperty("target_weight").GetDouble());
        Assert.Equal(1, risk.GetProperty("A").GetProperty("target").GetDouble() + risk.GetProperty("B").GetProperty("target").GetDouble(), 12);
        Assert.Equal(1, risk.GetProperty("A").GetProperty("realised").GetDouble() + risk.GetProperty("B").GetProperty("realised").GetDouble(), 12);
        Assert.True(risk.GetProperty("A").GetProperty("target").GetDouble() > 0.5, "A is the more volatile: more than half the risk at half the weight");
        Assert.Equal(JsonValueKind.Null, policies[0].GetProperty("risk_contributions").ValueKind);
    }

    [Fact]
    public void Backtest_OutWithManyPolicies_SkipsSignificanceWithANotice_UnlessAsked()
    {
        using var dir = new TempDir();
        var many = "name: many\nuniverse: [A, B]\nperiods_per_year: 252\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\npolicies:\n"
            + string.Concat(Enumerable.Range(1, 50).Select(k => FormattableString.Invariant($"  - name: band-{k}\n    trigger: {{ drift: {{ absolute: {k / 1000.0} }} }}\n")));
        var spec = dir.Write("many.yaml", many);
        var data = dir.Write("prices.csv", Prices(60));

        var skipped = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("a"));
        var asked = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("b"), "--significance");

        Assert.Equal(0, skipped.ExitCode);
        Assert.Contains("significance not computed for 51 policies (automatic up to 50); pass --significance", skipped.Error, StringComparison.Ordinal);
        using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("a"), "metrics.json")));
        Assert.False(a.RootElement.TryGetProperty("multiple_testing", out _));
        using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("b"), "metrics.json")));
        Assert.Equal(50, b.RootElement.GetProperty("multiple_testing").GetProperty("trials").GetInt32());
    }

    [Fact]
    public void Backtest_JsonWithoutSignificance_IsUnchanged()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(200));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.False(doc.RootElement.TryGetProperty("multiple_testing", out _));
        Assert.False(doc.RootElement.GetProperty("policies")[1].TryGetProperty("significance", out _));
    }

    [Fact]
    public void Backtest_Out_ComputesSignificanceDeterministically_AndTheReportHasThePValueColumn()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(400));

        var one = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("one"));
        var two = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("two"), "--json");

        Assert.Equal(0, one.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.File("one"), "metrics.json")), two.Out);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("one"), "report.html")), File.ReadAllBytes(Path.Combine(dir.File("two"), "report.html")));
        using var doc = JsonDocument.Parse(two.Out);
        var p = doc.RootElement.GetProperty("policies")[2].GetProperty("significance").GetProperty("ledoit_wolf_hac").GetProperty("p_value").GetDouble();
        var html = File.ReadAllText(Path.Combine(dir.File("one"), "report.html"));
        Assert.Contains(">Sharpe<br>p-value</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td data-v=\"" + p.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "\">" + p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) + "</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_PeriodsRanges_GiveSliceMetricsOfTheContinuousRun()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(400));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json", "--periods", "2019-03-01..2019-06-30, 2019-07..2019-07");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var periods = doc.RootElement.GetProperty("periods").EnumerateArray().ToArray();
        Assert.Equal(2, periods.Length);
        Assert.False(doc.RootElement.TryGetProperty("multiple_testing", out _)); // --periods alone does not test
        Assert.Equal("2019-03-01", periods[0].GetProperty("start").GetString());
        Assert.Equal("2019-06-30", periods[0].GetProperty("end").GetString());
        Assert.Equal(122, periods[0].GetProperty("rows").GetInt32());
        Assert.Equal("2019-07-01", periods[1].GetProperty("start").GetString()); // YYYY-MM as a start: the month's first day
        Assert.Equal("2019-07-31", periods[1].GetProperty("end").GetString());

        // Slice total return from the equity curve of the same run: the close before 2019-03-01 to the close of 2019-06-30.
        var out2 = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("o"), "--periods", "2019-03-01..2019-06-30, 2019-07..2019-07");
        Assert.Equal(0, out2.ExitCode);
        var equity = File.ReadAllLines(Path.Combine(dir.File("o"), "equity.csv"));
        var before = equity.Single(l => l.StartsWith("2019-02-28,", StringComparison.Ordinal)).Split(',');
        var last = equity.Single(l => l.StartsWith("2019-06-30,", StringComparison.Ordinal)).Split(',');
        var monthly = periods[0].GetProperty("policies")[1];
        Assert.Equal("monthly", monthly.GetProperty("name").GetString());
        Assert.Equal((double.Parse(last[2], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(before[2], System.Globalization.CultureInfo.InvariantCulture)) - 1, monthly.GetProperty("total_return").GetDouble(), 6);
    }

    [Fact]
    public void Backtest_PeriodsYears_GivesOneSlicePerCalendarYear()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(800));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json", "--periods", "years");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var periods = doc.RootElement.GetProperty("periods").EnumerateArray().ToArray();
        Assert.Equal(["2019", "2020", "2021"], periods.Select(p => p.GetProperty("period").GetString()));
        Assert.Equal(365, periods[0].GetProperty("rows").GetInt32());
        Assert.Equal(366, periods[1].GetProperty("rows").GetInt32());
        Assert.Equal(800, periods.Sum(p => p.GetProperty("rows").GetInt32()));
    }

    [Theory]
    [InlineData("2019-03-01", "'2019-03-01': expected FROM..TO")]
    [InlineData("2019-13-01..2019-06-30", "cannot read the start date '2019-13-01'")]
    [InlineData("2019-06-30..2019-03-01", "'2019-06-30..2019-03-01': ends before it starts")]
    [InlineData("2030-01-01..2030-12-31", "'2030-01-01..2030-12-31': has no rows in the window 2019-01-01 .. 2019-04-10")]
    public void Backtest_BadPeriods_ExitTwoNamingTheOptionAndWriteNothing(string periods, string expected)
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(100));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("out"), "--periods", periods);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--periods", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFiles(dir.File("out")).Any());
    }

    [Fact]
    public void Backtest_SixtyFortyOnRealEtfData_WritesSignificanceAndYears()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var spec = Path.Combine(CliRunner.RepoRoot(), "samples", "sixty-forty.yaml");

        var result = CliRunner.Run("backtest", spec, "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--from", "2010-01-04", "--to", "2019-12-31", "--json", "--significance", "--periods", "2008-09-01..2009-03-31,years");

        Assert.Equal(2, result.ExitCode); // 2008 is outside the window: refused, naming the range
        Assert.Contains("'2008-09-01..2009-03-31': has no rows in the window 2010-01-04 .. 2019-12-31", result.Error, StringComparison.Ordinal);

        result = CliRunner.Run("backtest", spec, "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--to", "2019-12-31", "--json", "--significance", "--periods", "2008-09-01..2009-03-31");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var policies = doc.RootElement.GetProperty("policies").EnumerateArray().ToArray();
        foreach (var policy in policies.Where(p => !p.GetProperty("baseline").GetBoolean()))
        {
            var s = policy.GetProperty("significance");
            Assert.InRange(s.GetProperty("ledoit_wolf_hac").GetProperty("p_value").GetDouble(), 0, 1);
            Assert.InRange(s.GetProperty("jobson_korkie_memmel").GetProperty("p_value").GetDouble(), 0, 1);
            Assert.True(s.GetProperty("bootstrap").GetProperty("block_length").GetDouble() >= 1);
        }

        var crisis = doc.RootElement.GetProperty("periods")[0].GetProperty("policies").EnumerateArray().ToArray();
        Assert.All(crisis, p => Assert.True(p.GetProperty("max_drawdown").GetDouble() < -0.2, "60/40 fell more than 20 % from September 2008 to March 2009"));
        Assert.InRange(doc.RootElement.GetProperty("multiple_testing").GetProperty("spa").GetProperty("p_value").GetDouble(), 0, 1);
    }
}
