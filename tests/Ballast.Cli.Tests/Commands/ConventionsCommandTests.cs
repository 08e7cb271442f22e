using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

/// <summary>The research conventions through the real commands: calendar anchors and phases, the zero drift band.</summary>
public class ConventionsCommandTests
{
    private const string Spec = """
        name: conventions
        universe: [STOCKS, BONDS]
        weights: { scheme: fixed, targets: { STOCKS: 0.6, BONDS: 0.4 } }
        policies:
          - name: quarter-start
            trigger: { calendar: quarterly }
          - name: quarter-end
            trigger: { calendar: quarterly, anchor: period-end }
          - name: june
            trigger: { calendar: annual, anchor: period-end, offset: 6 }
          - name: every-check
            trigger: { drift: { absolute: 0 }, check: quarterly, anchor: period-end }
        """;

    /// <summary>Month-end prices written YYYY-MM, from January 2020.</summary>
    private static string MonthEnd(int months)
    {
        var lines = new List<string> { "Date,STOCKS,BONDS" };
        for (var i = 0; i < months; i++)
        {
            var month = new DateOnly(2020, 1, 1).AddMonths(i);
            lines.Add(FormattableString.Invariant($"{month:yyyy-MM},{100 * Math.Exp(0.2 * Math.Sin(i / 3.0)):0.######},{100 + (0.3 * i):0.######}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static string[] TradeMonths(string[] trades, string policy) =>
        [.. trades.Skip(1).Select(l => l.Split(','))
            .Where(f => f.Contains(policy) && !string.Join(',', f).Contains("initial", StringComparison.Ordinal))
            .Select(f => f[0]).Distinct()];

    [Fact]
    public void Backtest_QuarterlyPeriodEndOnMonthEndData_TradesOnQuarterEndRows()
    {
        using var dir = new TempDir();
        var spec = dir.Write("conventions.yaml", Spec);
        var data = dir.Write("monthly.csv", MonthEnd(30));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("out"));

        Assert.Equal(0, result.ExitCode);
        var trades = File.ReadAllLines(Path.Combine(dir.File("out"), "trades.csv"));
        Assert.Equal(["2020-03", "2020-06", "2020-09", "2020-12", "2021-03", "2021-06", "2021-09", "2021-12", "2022-03"], TradeMonths(trades, "quarter-end"));
        Assert.Equal(["2020-04", "2020-07", "2020-10", "2021-01", "2021-04", "2021-07", "2021-10", "2022-01", "2022-04"], TradeMonths(trades, "quarter-start"));
        Assert.Equal(["2020-06", "2021-06"], TradeMonths(trades, "june"));
        Assert.Equal(TradeMonths(trades, "quarter-end"), TradeMonths(trades, "every-check"));
        Assert.Contains(trades, l => l.Contains("calendar quarterly (period-end)", StringComparison.Ordinal));
    }

    [Fact]
    public void Spec_AnchorAndOffset_AppearInTheCanonicalFormOnlyWhenNotDefault()
    {
        using var dir = new TempDir();
        var spec = dir.Write("conventions.yaml", Spec);

        var result = CliRunner.Run("spec", spec, "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var triggers = doc.RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("policy").GetProperty("trigger").GetRawText()).ToArray();
        Assert.Equal("""{"calendar":"quarterly"}""", triggers[0]);
        Assert.Equal("""{"anchor":"period-end","calendar":"quarterly"}""", triggers[1]);
        Assert.Equal("""{"anchor":"period-end","calendar":"annual","offset":6}""", triggers[2]);
        Assert.Equal("""{"anchor":"period-end","check":"quarterly","drift":{"absolute":0}}""", triggers[3]);
    }

    [Fact]
    public void Backtest_BadOffset_ExitsTwoNamingTheFileLineAndField()
    {
        using var dir = new TempDir();
        var spec = dir.Write("bad.yaml", Spec.Replace("offset: 6", "offset: 12", StringComparison.Ordinal));
        var data = dir.Write("monthly.csv", MonthEnd(30));

        var result = CliRunner.Run("backtest", spec, "--data", data);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.yaml:10:62 (policies[2].trigger.offset)", result.Error, StringComparison.Ordinal);
        Assert.Contains("(policies[2].trigger.offset): the annual offset is 0 to 11 months", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_ShortWindowWithAGap_PrintsBothNoticesAndPutsThemInMetricsJson()
    {
        using var dir = new TempDir();
        var spec = dir.Write("conventions.yaml", Spec);
        var lines = MonthEnd(9).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("2020-04", StringComparison.Ordinal) && !l.StartsWith("2020-05", StringComparison.Ordinal) && !l.StartsWith("2020-06", StringComparison.Ordinal));
        var data = dir.Write("short.csv", string.Join('\n', lines) + "\n");

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("out"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the window 2020-01 .. 2020-09 is shorter than a year (6 rows, 5 returns", result.Error, StringComparison.Ordinal);
        Assert.Contains("1 large gap(s) between dates", result.Error, StringComparison.Ordinal);
        Assert.Contains("2020-03 .. 2020-07 (122 days)", result.Error, StringComparison.Ordinal);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")));
        var notices = metrics.RootElement.GetProperty("notices").EnumerateArray().Select(n => n.GetString()!).ToArray();
        Assert.Contains(notices, n => n.Contains("shorter than a year", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Contains("large gap(s)", StringComparison.Ordinal));
    }
}
