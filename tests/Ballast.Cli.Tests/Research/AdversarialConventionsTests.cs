using System.Globalization;
using System.Text;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The calendar conventions and regime targets attacked: anchors on data with holes, offsets out of range, a zero
/// threshold with costs and minimum trades, regime weights that do not sum to one or name foreign assets. Each bad
/// value is an error at its line and field; each odd but valid one runs as docs/policy-spec.md says.
/// </summary>
public sealed class AdversarialConventionsTests
{
    private const string Head = "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\n";

    [Theory]
    [InlineData("{ calendar: quarterly, offset: -1 }", "(trigger.offset): expected a whole number >= 0, found '-1'")]
    [InlineData("{ calendar: quarterly, offset: 3 }", "(trigger.offset): the quarterly offset is 0 to 2 months after January")]
    [InlineData("{ calendar: quarterly, offset: 1.5 }", "(trigger.offset): expected a whole number >= 0, found '1.5'")]
    [InlineData("{ calendar: quarterly, offset: 99999999999999999999 }", "(trigger.offset): expected a whole number >= 0, found '99999999999999999999'")]
    [InlineData("{ calendar: annual, offset: 12 }", "(trigger.offset): ")]
    [InlineData("{ calendar: weekly, offset: 7 }", "(trigger.offset): a weekly offset is 0 to 6 days after Monday")]
    [InlineData("{ calendar: monthly, offset: 1 }", "(trigger.offset): monthly takes no offset")]
    [InlineData("{ drift: { absolute: 0.05 }, anchor: period-end }", "(trigger.anchor): anchor applies to a calendar trigger or to a drift check")]
    [InlineData("{ calendar: quarterly, anchor: end }", "(trigger.anchor): unknown value 'end'; expected one of: period-start, period-end")]
    [InlineData("{ drift: { absolute: -0.01 } }", "(trigger.drift.absolute): ")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, weights: { scheme: fixed, targets: { SPY: 0.3, AGG: 0.3 } } } }", "(trigger.volatility.weights.targets): targets must sum to 1 (within 1e-9), they sum to 0.6")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, weights: { scheme: fixed, targets: { SPY: 0.3, AGG: 0.4, GLD: 0.3 } } } }", "(trigger.volatility.weights.targets.GLD): 'GLD' is not in the universe; the universe is [SPY, AGG]")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, weights: { scheme: fixed, targets: { SPY: 1.3, AGG: -0.3 } } } }", "(trigger.volatility.weights.targets.AGG): target weights must be >= 0, got -0.3")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, weights: { scheme: fixed, targets: { SPY: 0.5 } } } }", "(trigger.volatility.weights.targets): no target for 'AGG'")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, weights: { scheme: risk-parity } } }", "(trigger.volatility.weights.scheme): weights for the high-volatility regime take scheme fixed or equal")]
    [InlineData("{ calendar: quarterly, volatility: { above: 0.2, window: 1, weights: { scheme: equal } } }", "(trigger.volatility.window): a realised volatility needs a window of at least 2 returns")]
    public void Spec_BadConventions_AreErrorsAtTheLineAndField(string trigger, string expected)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("spec", dir.Write("s.yaml", Head + "trigger: " + trigger + "\n"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("s.yaml:3:", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_PeriodEndWithMissingQuarterEnds_FiresOneRowLate_NeverEarlyOrSkipped()
    {
        // Month-end rows for 2018-2020 without June 2018, March 2019 and December 2019: those quarters rebalance on
        // the next row (July 2018, April 2019, January 2020), the others on their quarter-end rows.
        var missing = new[] { new DateOnly(2018, 6, 30), new DateOnly(2019, 3, 31), new DateOnly(2019, 12, 31) };
        var csv = new StringBuilder("Date,SPY,AGG\n");
        var i = 0;
        for (var month = new DateOnly(2018, 1, 1); month.Year <= 2020; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            if (Array.IndexOf(missing, end) < 0)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{end:yyyy-MM-dd},{100 * Math.Exp((0.01 * i) + (0.1 * Math.Sin(i))):R},{80 * Math.Exp(0.002 * i):R}\n");
                i++;
            }
        }

        using var dir = new TempDir();
        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Head + "trigger: { calendar: quarterly, anchor: period-end }\n"), "--data", dir.Write("p.csv", csv.ToString()), "--out", dir.File("o"), "--outputs", "trades");

        Assert.Equal(0, result.ExitCode);
        var dates = File.ReadLines(Path.Combine(dir.File("o"), "trades.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray();
        string[] expected =
        [
            "2018-01-31", "2018-03-31", "2018-07-31", "2018-09-30", "2018-12-31", "2019-04-30", "2019-06-30", "2019-09-30",
            "2020-01-31", "2020-03-31", "2020-06-30", "2020-09-30",
        ];
        Assert.Equal(expected, dates);
    }

    [Fact]
    public void Backtest_ZeroThresholdWithCostsAndMinimumTrades_RunsAndTradesLessWithTheMinimum()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Head + """
            costs: { proportional_bps: 10, fixed_per_trade: 1 }
            policies:
              - { name: zero, trigger: { drift: { absolute: 0 } } }
              - { name: zero-min, trigger: { drift: { absolute: 0 } }, execution: { min_trade: { weight: 0.01 } } }
              - { name: zero-relative-min-value, trigger: { drift: { relative: 0 } }, execution: { min_trade: { value: 5000 } } }
              - { name: zero-monthly-check, trigger: { drift: { absolute: 0 }, check: monthly, anchor: period-end } }

            """);

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", AdversarialData.Wavy(400)), "--json");

        Assert.Equal(0, result.ExitCode);
        var runs = System.Text.Json.JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("metrics").GetProperty("rebalances").GetInt32());
        Assert.Equal(398, runs["zero"]); // every row but the first (the investment) and the last
        Assert.True(runs["zero-min"] < runs["zero"]);
        Assert.True(runs["zero-relative-min-value"] < runs["zero"]);
        Assert.True(runs["zero-monthly-check"] <= 13);
    }
}
