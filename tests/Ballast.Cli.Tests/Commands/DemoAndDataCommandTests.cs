using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

public class DemoAndDataCommandTests
{
    [Fact]
    public void Demo_ComparesTheSixPoliciesAndBuyAndHoldAndWritesTheReport()
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("demo", "--out", dir.Path);

        Assert.Equal(0, result.ExitCode);
        foreach (var name in new[] { "never (baseline)", "monthly", "quarterly", "annual", "band-5pp-edge", "hybrid" })
        {
            Assert.Contains(name, result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("report: " + Path.Combine(dir.Path, "report.html"), result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.html")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "data.csv")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "demo.yaml")));
    }

    [Fact]
    public void Demo_RerunFromItsWrittenFiles_GivesTheSameMetrics()
    {
        using var dir = new TempDir();
        var demo = CliRunner.Run("demo", "--out", dir.Path, "--json", "--years", "5");
        var rerun = CliRunner.Run("backtest", Path.Combine(dir.Path, "demo.yaml"), "--data", Path.Combine(dir.Path, "data.csv"), "--json", "--significance");

        Assert.Equal(0, demo.ExitCode);
        Assert.Equal(0, rerun.ExitCode);
        static string Metrics(string json) => JsonDocument.Parse(json).RootElement.GetProperty("policies").GetRawText();
        Assert.Equal(Metrics(demo.Out), Metrics(rerun.Out));
    }

    [Fact]
    public void DataSynth_SameSeed_GivesTheSameBytes_DifferentSeed_DifferentBytes()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("data", "synth", "--strategies", "3", "--years", "2", "--seed", "7", "--out", dir.File("a.csv")).ExitCode);
        Assert.Equal(0, CliRunner.Run("data", "synth", "--strategies", "3", "--years", "2", "--seed", "7", "--out", dir.File("b.csv")).ExitCode);
        Assert.Equal(0, CliRunner.Run("data", "synth", "--strategies", "3", "--years", "2", "--seed", "8", "--out", dir.File("c.csv")).ExitCode);

        Assert.Equal(File.ReadAllBytes(dir.File("a.csv")), File.ReadAllBytes(dir.File("b.csv")));
        Assert.NotEqual(File.ReadAllBytes(dir.File("a.csv")), File.ReadAllBytes(dir.File("c.csv")));
        var lines = File.ReadAllLines(dir.File("a.csv"));
        Assert.Equal("Date,TREND,CARRY,VALUE", lines[0]);
        Assert.InRange(lines.Length, 500, 530);
    }

    [Fact]
    public void DataSynth_BadCount_ExitsTwo()
    {
        var result = CliRunner.Run("data", "synth", "--strategies", "0", "--out", "x.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--strategies: expected a whole number from 1 to 1000, got '0'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--years", "0", "--years: expected a whole number from 1 to 200, got '0'")]
    [InlineData("--years", "100000", "--years: expected a whole number from 1 to 200, got '100000'")]
    [InlineData("--strategies", "1000000000", "--strategies: expected a whole number from 1 to 1000, got '1000000000'")]
    [InlineData("--strategies", "-1", "--strategies: expected a whole number from 1 to 1000, got '-1'")]
    [InlineData("--seed", "-5", "--seed: expected a whole number from 0 to 2147483647, got '-5'")]
    [InlineData("--start", "9999-01-01", "--start 9999-01-01 with --years 20: the data would run past 9999-12-31; start by 9979-12-31 or give fewer years")]
    public void DataSynth_OutOfRange_ExitsTwoNamingTheAllowedRangeAndWritesNothing(string option, string value, string message)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("data", "synth", option, value, "--out", dir.File("x.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.csv")));
    }

    [Fact]
    public void Spec_PrintsEveryPolicyHash()
    {
        var result = CliRunner.Run("spec", Path.Combine(CliRunner.RepoRoot(), "samples", "sixty-forty.yaml"), "--json");

        Assert.Equal(0, result.ExitCode);
        var policies = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(4, policies.Length);
        Assert.Equal("none", policies[0].GetProperty("policy").GetProperty("trigger").GetString());
    }

    [Fact]
    public void UnknownCommand_ExitsTwo() => Assert.Equal(2, CliRunner.Run("frobnicate").ExitCode);
}
