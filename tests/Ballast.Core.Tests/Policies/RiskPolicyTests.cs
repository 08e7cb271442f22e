using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Optimisation;
using Ballast.Policies;
using Ballast.Synthesis;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Policies;

public class RiskPolicyTests
{
    private static PolicySpec RiskParity(IReadOnlyList<string> names, TriggerSpec trigger, int lookback = 60) => new()
    {
        Name = "rp",
        Universe = [.. names],
        Capital = 1_000_000,
        Weights = new RiskWeights(RiskScheme.RiskParity, new CovarianceSpec(CovarianceMethod.Sample, lookback, null), [], [], []),
        Costs = CostSpec.Zero(names.Count),
        Trigger = trigger,
        Lot = [.. new double[names.Count]],
    };

    private static PriceTable Synth(int assets, int years, int seed) => StrategySynthesizer.Generate(assets, years, seed).WithHistory(60);

    [Fact]
    public void Run_RiskParityMonthly_RebalancesToTheRiskParityOfTheTrailingReturns()
    {
        var table = Synth(4, 3, 5);
        var policy = new RebalancePolicy(RiskParity(table.Names, new CalendarTrigger(CalendarFrequency.Monthly)));
        var run = Backtester.Run(table, policy, new BacktestSettings(252, Record: true));

        var firstRebalance = run.Trades!.First(t => t.Row > 0).Row;
        var returns = Matrix<double>.Build.DenseOfArray(table.ReturnsEndingAt(firstRebalance, 60));
        var expected = RiskBudgeting.Solve(CovarianceEstimators.Sample(returns), [0.25, 0.25, 0.25, 0.25]);
        var ppm = PartsPerMillion.Round(expected, PartsPerMillion.OrdinalRanks(table.Names));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ppm[i] / 1e6, run.Weights![(firstRebalance * 4) + i], 1e-6);
        }

        // Equal risk contributions at that rebalance, measured with the same estimate.
        var after = Enumerable.Range(0, 4).Select(i => run.Weights![(firstRebalance * 4) + i]).ToArray();
        Assert.All(RiskBudgeting.RiskContributions(CovarianceEstimators.Sample(returns), after), rc => Assert.Equal(0.25, rc, 4));
    }

    [Fact]
    public void ComputeTargets_NeverReadsRowsAfterTheDecisionRow()
    {
        var table = Synth(3, 2, 9);
        var policy = new RebalancePolicy(RiskParity(table.Names, new CalendarTrigger(CalendarFrequency.Monthly)));
        var row = 100;
        var weights = new double[3];
        var before = new int[3];
        policy.ComputeTargets(new PolicyContext(table.Calendar, row, weights, 1, 0, false, prices: table), before);

        // Scramble every price after the decision row: the targets on that row must not change.
        var scrambled = (double[])table.Prices.Clone();
        for (var k = (row + 1) * 3; k < scrambled.Length; k++)
        {
            scrambled[k] *= 1.5 + Math.Sin(k);
        }

        var altered = new PriceTable(table.Names, table.Dates, scrambled) { History = table.History };
        var after = new int[3];
        policy.ComputeTargets(new PolicyContext(altered.Calendar, row, weights, 1, 0, false, prices: altered), after);

        Assert.Equal(before, after);
        Assert.Equal(PartsPerMillion.One, after.Sum());
    }

    [Fact]
    public void Run_RiskBasedDriftBand_MeasuresDriftAgainstTheTargetsInForce()
    {
        var table = Synth(3, 3, 21);
        var spec = RiskParity(table.Names, new DriftTrigger(DriftMeasure.Absolute, 0.03, null));
        var run = Backtester.Run(table, new RebalancePolicy(spec), new BacktestSettings(252, Record: true));

        // Right after each rebalance the drift against the new targets is (near) zero, so a band of 3 points
        // cannot fire on the next row unless prices moved a lot: rebalances are spaced out, not every row.
        var rows = run.Trades!.Where(t => t.Row > 0).Select(t => t.Row).Distinct().ToArray();
        Assert.NotEmpty(rows);
        Assert.True(rows.Length < table.RowCount / 5, $"{rows.Length} rebalances in {table.RowCount} rows");
        Assert.True(run.Metrics.MaxAbsDrift > 0.03);
    }

    [Fact]
    public void WithHistory_MovesTheStartAndKeepsTheRowsForLookback()
    {
        var full = StrategySynthesizer.Generate(2, 1, 3);
        var table = full.WithHistory(20);

        Assert.Equal(full.Dates[20], table.Dates[0]);
        Assert.Equal(20, table.History!.RowCount);
        Assert.Equal(20 + 1, table.RowsUpTo(0));
        Assert.Contains(table.Notices, n => n.Contains("history for the lookback (covariance or volatility window)", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => table.ReturnsEndingAt(0, 21));
        Assert.Equal((full.Prices[20 * 2] / full.Prices[19 * 2]) - 1, table.ReturnsEndingAt(0, 20)[19, 0], 15);
    }
}

public class RiskDriftTriggerTests
{
    [Fact]
    public void Run_RiskDrift_FiresWhenARiskContributionLeavesItsBandAndSaysWhich()
    {
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(3, 4, 17).WithHistory(60);
        var spec = new PolicySpec
        {
            Name = "rp-drift",
            Universe = [.. table.Names],
            Capital = 1_000_000,
            Weights = new RiskWeights(RiskScheme.RiskParity, new CovarianceSpec(CovarianceMethod.Sample, 60, null), [], [], []),
            Costs = CostSpec.Zero(3),
            Trigger = new RiskDriftTrigger(DriftMeasure.Absolute, 0.05, CalendarFrequency.Weekly),
            Lot = [0, 0, 0],
        };
        var run = Backtester.Run(table, new RebalancePolicy(spec), new BacktestSettings(252, Record: true));

        var reasons = run.Trades!.Where(t => t.Row > 0).GroupBy(t => t.Row).Select(g => g.First().Reason).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.StartsWith("risk drift ", r, StringComparison.Ordinal));
        Assert.All(reasons, r => Assert.Contains("vs budget 33.3%", r, StringComparison.Ordinal));

        // Weekly checks on ~1,000 rows: it fires on some weeks, not all.
        Assert.InRange(reasons.Length, 1, 150);
    }
}
