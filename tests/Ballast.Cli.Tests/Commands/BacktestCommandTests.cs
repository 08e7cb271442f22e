using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

public class BacktestCommandTests
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        costs: { proportional_bps: 5 }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
            execution: { to: band-edge }
        """;

    private static string Prices(int rows)
    {
        var lines = new List<string> { "Date,A,B,C" };
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var a = 100 * Math.Exp(0.3 * Math.Sin(i / 20.0));
            var b = 100 + (0.1 * i);
            lines.Add(FormattableString.Invariant($"{date.AddDays(i):yyyy-MM-dd},{a:0.######},{b:0.######},{(i < 10 ? string.Empty : "5")}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public void Backtest_Json_PrintsOnlyMetricsJsonWithEveryPolicyAndHash()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(400));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var policies = doc.RootElement.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(["never", "monthly", "band"], policies.Select(p => p.GetProperty("name").GetString()));
        Assert.All(policies, p => Assert.Matches("^[0-9a-f]{64}$", p.GetProperty("hash").GetString()!));
        Assert.True(policies[0].GetProperty("baseline").GetBoolean());
        Assert.Equal(0, policies[0].GetProperty("metrics").GetProperty("rebalances").GetInt32());
        Assert.True(policies[1].GetProperty("metrics").GetProperty("rebalances").GetInt32() >= 12);
        Assert.Equal(0.0, policies[0].GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble());
        foreach (var key in new[] { "total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "calmar", "turnover_one_way_annual", "turnover_two_way_annual", "costs_paid", "cost_drag_bps_per_year", "mean_abs_drift", "max_abs_drift" })
        {
            Assert.True(policies[1].GetProperty("metrics").TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public void Backtest_Out_WritesAllFilesDeterministically()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(300));

        var first = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("one"));
        var second = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("two"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("monthly", first.Out, StringComparison.Ordinal);
        Assert.Contains("report:", first.Out, StringComparison.Ordinal);
        foreach (var file in new[] { "metrics.json", "equity.csv", "weights.csv", "trades.csv", "report.html" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("one"), file)), File.ReadAllBytes(Path.Combine(dir.File("two"), file)));
        }

        var equity = File.ReadAllLines(Path.Combine(dir.File("one"), "equity.csv"));
        Assert.Equal("date,never,monthly,band", equity[0]);
        Assert.Equal(301, equity.Length);
        var trades = File.ReadAllLines(Path.Combine(dir.File("one"), "trades.csv"));
        Assert.Contains(trades, line => line.Contains("calendar monthly", StringComparison.Ordinal));
        Assert.Contains(trades, line => line.Contains(",band,", StringComparison.Ordinal) && line.Contains("drift", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(dir.File("one"), "*.tmp"));
    }

    [Fact]
    public void Backtest_UnknownSeries_ExitsTwoNamingTheSpecLocation()
    {
        using var dir = new TempDir();
        var spec = dir.Write("bad.yaml", Spec.Replace("universe: [A, B]", "universe: [A, Q]", StringComparison.Ordinal).Replace("B: 0.5", "Q: 0.5", StringComparison.Ordinal));
        var data = dir.Write("prices.csv", Prices(50));

        var result = CliRunner.Run("backtest", spec, "--data", data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.yaml:2:", result.Error, StringComparison.Ordinal);
        Assert.Contains("series 'Q' is not a column of", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void Backtest_FromBeforeASeriesStarts_ExitsTwoNamingItsFirstDate()
    {
        using var dir = new TempDir();
        var spec = dir.Write("c.yaml", "universe: [A, C]\nweights: { scheme: equal }\ntrigger: { calendar: monthly }\n");
        var data = dir.Write("prices.csv", Prices(50));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--from", "2020-01-02");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("series 'C' starts: its first value is on 2020-01-11", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_LateSeries_StartsWhenAllHaveValuesAndSaysSoOnStderr()
    {
        using var dir = new TempDir();
        var spec = dir.Write("c.yaml", "universe: [A, C]\nweights: { scheme: equal }\ntrigger: { calendar: monthly }\n");
        var data = dir.Write("prices.csv", Prices(50));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("starting on 2020-01-11", result.Error, StringComparison.Ordinal);
        Assert.Equal("2020-01-11", JsonDocument.Parse(result.Out).RootElement.GetProperty("start").GetString());
    }

    [Theory]
    [InlineData("Date,A,B\n2020-01-01,1,2\n2020-01-01,1,2\n", "prices.csv:3:1: duplicate date")]
    [InlineData("Date,A,B\n2020-01-01,1,2\n2020-01-02,x,2\n", "prices.csv:3:2 (A): cannot read number 'x'")]
    [InlineData("", "prices.csv:1: the file is empty")]
    [InlineData("Date,A,B\n2020-01-01,1,2\n2020-01-02,,2\n2020-01-03,1,2\n", "prices.csv:3:2 (A): series 'A' has no value on 2020-01-02")]
    public void Backtest_BadData_ExitsTwoWithFileLineAndColumn(string csv, string expected)
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", csv);

        var result = CliRunner.Run("backtest", spec, "--data", data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_BadSpec_ExitsTwoAndWritesNothing()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec.Replace("trigger: none", "triger: none", StringComparison.Ordinal));
        var data = dir.Write("prices.csv", Prices(50));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown key 'triger'; did you mean 'trigger'?", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Backtest_BadOptionValue_ExitsTwo()
    {
        var result = CliRunner.Run("backtest", "x.yaml", "--data", "y.csv", "--from", "yesterday");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--from: cannot read date 'yesterday'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_UnknownReturnsKind_ExitsTwoListingTheChoices()
    {
        var result = CliRunner.Run("backtest", "x.yaml", "--data", "y.csv", "--returns", "percentage");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("percentage", result.Error, StringComparison.Ordinal);
        Assert.Contains("percent", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("1e309")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void Backtest_BadRiskFree_ExitsTwo(string value)
    {
        var result = CliRunner.Run("backtest", "x.yaml", "--data", "y.csv", "--risk-free", value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--risk-free: expected an annual rate greater than -1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_OutIsAnExistingFile_ExitsTwoBeforeRunning()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(50));
        var file = dir.Write("taken", "x");

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is an existing file; --out names a directory", result.Error, StringComparison.Ordinal);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void Backtest_FromAsAMonth_StartsOnItsFirstDay()
    {
        using var dir = new TempDir();
        var spec = dir.Write("pair.yaml", Spec);
        var data = dir.Write("prices.csv", Prices(100));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--from", "2020-02", "--to", "2020-03", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("2020-02-01", doc.RootElement.GetProperty("start").GetString());
        Assert.Equal("2020-03-31", doc.RootElement.GetProperty("end").GetString());
    }

    [Fact]
    public void Backtest_PolicyNamedBuyAndHoldThatRebalances_KeepsRunNamesUnique()
    {
        using var dir = new TempDir();
        var spec = dir.Write("b.yaml", "universe: [A, B]\nweights: { scheme: equal }\npolicies:\n  - name: buy-and-hold\n    trigger: { calendar: monthly }\n");
        var data = dir.Write("prices.csv", Prices(100));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--json");

        Assert.Equal(0, result.ExitCode);
        var names = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["buy-and-hold", "buy-and-hold (baseline)"], names);
    }

    [Fact]
    public void Backtest_EtfData_RunsTheSixtyFortySample()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var result = CliRunner.Run("backtest", Path.Combine(CliRunner.RepoRoot(), "samples", "sixty-forty.yaml"), "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        var policies = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(4, policies.Length);
        var monthly = policies[1].GetProperty("metrics");
        Assert.InRange(monthly.GetProperty("cagr").GetDouble(), 0.04, 0.12);
        Assert.InRange(monthly.GetProperty("rebalances").GetInt32(), 230, 240);
    }

    [Fact]
    public void Backtest_RiskParitySample_RunsOnEtfDataWithALookbackOfHistory()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var result = CliRunner.Run("backtest", Path.Combine(CliRunner.RepoRoot(), "samples", "risk-parity.yaml"), "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the 252 rows before it are history for the lookback (covariance or volatility window)", result.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(result.Out);
        var policies = doc.RootElement.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("metrics"));
        // 7 policies and 6 buy-and-hold twins: equal weights (shared by the two equal-weight policies) and each risk-based policy's own.
        Assert.Equal(13, policies.Count);
        Assert.True(policies["equal-vol-aware"].GetProperty("rebalances").GetInt32() > policies["equal-quarterly"].GetProperty("rebalances").GetInt32());

        // Risk-based weights lean towards the calm assets (TLT, GLD): lower volatility than equal weights.
        Assert.True(policies["risk-parity-monthly"].GetProperty("volatility").GetDouble() < policies["equal-quarterly"].GetProperty("volatility").GetDouble());
        Assert.True(policies["min-variance-capped"].GetProperty("volatility").GetDouble() < policies["equal-quarterly"].GetProperty("volatility").GetDouble());
    }

    [Fact]
    public void Backtest_ConstrainedSample_RunsAndInfeasibleGroupsNameTheConflict()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var sample = Path.Combine(CliRunner.RepoRoot(), "samples", "constrained-min-variance.yaml");
        var data = Path.Combine(shared!, "etf_daily_adjclose.csv");
        var ok = CliRunner.Run("backtest", sample, "--data", data, "--json");
        Assert.Equal(0, ok.ExitCode);
        using (var doc = JsonDocument.Parse(ok.Out))
        {
            // 5 policies, each with its own buy-and-hold twin (their first targets differ).
            Assert.Equal(10, doc.RootElement.GetProperty("policies").GetArrayLength());
        }

        var dir = Directory.CreateTempSubdirectory("ballast-infeasible-");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(bad, File.ReadAllText(sample).Replace("real-assets: { assets: [VNQ, DBC, GLD], min: 0.15 }", "real-assets: { assets: [VNQ, DBC, GLD], min: 0.95 }", StringComparison.Ordinal));
            var result = CliRunner.Run("backtest", bad, "--data", data);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("the constraints conflict", result.Error, StringComparison.Ordinal);
            Assert.Contains("group 'real-assets'", result.Error, StringComparison.Ordinal);
            Assert.Contains("group 'equity'", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Backtest_HedgeFundPercentReturns_RunsTheMonthlySample()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var result = CliRunner.Run("backtest", Path.Combine(CliRunner.RepoRoot(), "samples", "hedge-funds.yaml"), "--data", Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv"), "--returns", "percent", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(12, doc.RootElement.GetProperty("periods_per_year").GetInt32());
        Assert.Equal("1997-01", doc.RootElement.GetProperty("start").GetString());
    }
}
