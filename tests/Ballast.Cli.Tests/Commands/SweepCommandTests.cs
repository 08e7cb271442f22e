using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast spec</c> on sweeps, <c>--set</c> on <c>spec</c> and <c>backtest</c>, and a sweep's backtest with twins and baselines, through the real commands.</summary>
public sealed class SweepCommandTests
{
    private static readonly string Sample = Path.Combine(CliRunner.RepoRoot(), "samples", "research", "frequency-cost-sweep.yaml");

    [Fact]
    public void Spec_ShowsTheSizeTheParameterTableAndTheFirstPolicies()
    {
        var result = CliRunner.Run("spec", Sample, "--first", "3");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Equal("frequency-cost-sweep: a sweep of 20 policies (4 frequency × 5 cost), valid", lines[0]);
        Assert.Equal("  frequency  trigger.calendar        weekly, monthly, quarterly, annual", lines[1]);
        Assert.Equal("  cost       costs.proportional_bps  0, 5, 10, 25, 50", lines[2]);
        Assert.Equal("the first 3 policies (--all for every one):", lines[3]);
        Assert.StartsWith("frequency=weekly,cost=0  sha256:", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("frequency=weekly,cost=10  sha256:", lines[8], StringComparison.Ordinal);
        Assert.StartsWith("baseline band-5pp  sha256:", lines[10], StringComparison.Ordinal);

        var all = CliRunner.Run("spec", Sample, "--all");
        Assert.Equal(20, all.Out.Split('\n').Count(l => l.StartsWith("frequency=", StringComparison.Ordinal)));
        Assert.Contains("\npolicies:\n", all.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_Json_CarriesTheSweepAndEachPolicysParameters_AfterSet()
    {
        var result = CliRunner.Run("spec", Sample, "--json", "--set", "cost=1,2", "--set", "frequency=monthly");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(2, root.GetProperty("sweep").GetProperty("policies").GetInt32());
        var policies = root.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(["frequency=monthly,cost=1", "frequency=monthly,cost=2"], policies.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(2, policies[1].GetProperty("parameters").GetProperty("cost").GetDouble());
        Assert.Equal(2, policies[1].GetProperty("policy").GetProperty("costs").GetProperty("proportional_bps").GetProperty("SPY").GetDouble());
        Assert.Equal("band-5pp", root.GetProperty("baselines")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("cst=1", "error: --set (cst): 'cst' is neither a sweep parameter nor a spec path; the sweep parameters are frequency, cost (did you mean 'cost'?)")]
    [InlineData("cost", "error: --set (cost): expected key=value")]
    [InlineData("frequency=monthly,fortnightly", "error: --set frequency:1:1 (trigger.calendar): unknown value 'fortnightly'")]
    public void Set_BadKeyOrValue_ExitsTwoNamingTheKey(string option, string expected)
    {
        var result = CliRunner.Run("spec", Sample, "--set", option);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_WithSet_ComparesEachPolicyWithItsTwinAndTheBaseline()
    {
        using var dir = new TempDir();
        var data = dir.Write("p.csv", Prices(600));

        var result = CliRunner.Run("backtest", Sample, "--data", data, "--json", "--set", "frequency=monthly,annual", "--set", "cost=0,30");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Out).RootElement;
        var runs = root.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(["frequency=monthly,cost=0", "frequency=monthly,cost=30", "frequency=annual,cost=0", "frequency=annual,cost=30", "buy-and-hold cost=0", "buy-and-hold cost=30", "band-5pp"], runs.Select(r => r.GetProperty("name").GetString()));
        for (var i = 0; i < 4; i++)
        {
            var twin = runs.Single(r => r.GetProperty("name").GetString() == runs[i].GetProperty("twin").GetProperty("name").GetString());
            var premium = runs[i].GetProperty("metrics").GetProperty("cagr").GetDouble() - twin.GetProperty("metrics").GetProperty("cagr").GetDouble();
            Assert.Equal(premium, runs[i].GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble(), 15);
            Assert.Equal("band-5pp", runs[i].GetProperty("baselines")[0].GetProperty("name").GetString());
        }

        Assert.Equal("buy-and-hold cost=30", runs[3].GetProperty("twin").GetProperty("name").GetString());
        Assert.Equal(["frequency", "cost"], root.GetProperty("sweep").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public void Backtest_SampleOnRealEtfPrices_RunsEveryCellWithFiveTwins()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the frequency × cost sample runs on its ETF prices (the synthetic-data case above still runs)");

        var result = CliRunner.Run("backtest", Sample, "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        var runs = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(26, runs.Length);
        Assert.Equal(20, runs.Count(r => r.GetProperty("role").GetString() == "policy"));
        Assert.Equal(5, runs.Count(r => r.GetProperty("role").GetString() == "twin"));
        // More trading costs more: within each frequency the premium falls as the cost rises.
        for (var f = 0; f < 4; f++)
        {
            var premiums = Enumerable.Range(0, 5).Select(c => runs[(f * 5) + c].GetProperty("metrics").GetProperty("cagr").GetDouble()).ToArray();
            Assert.Equal(premiums.OrderDescending(), premiums);
        }
    }

    [Fact]
    public void Backtest_OneHashUnderTwoNames_IsANoticeOnStderr()
    {
        using var dir = new TempDir();
        var spec = dir.Write("d.yaml", "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { drift: { absolute: 0.05 } }\nsweep:\n  band: { path: trigger.drift.absolute, values: [0.05, 5e-2] }\n");

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", Prices(300)));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("note: 2 policies have one hash (", result.Error, StringComparison.Ordinal);
        Assert.Contains("the same rules under different names: 'band=0.05', 'band=5e-2'", result.Error, StringComparison.Ordinal);
    }

    private static string Prices(int rows)
    {
        var csv = new StringBuilder("Date,SPY,AGG\n");
        for (var r = 0; r < rows; r++)
        {
            var date = new DateOnly(2010, 1, 4).AddDays(r);
            var spy = 100 * Math.Exp((0.0004 * r) + (0.06 * Math.Sin(r / 9.0)));
            var agg = 80 * Math.Exp((0.0001 * r) + (0.02 * Math.Cos(r / 13.0)));
            csv.Append(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{spy:R},{agg:R}\n");
        }

        return csv.ToString();
    }
}
