using Ballast.Data;
using Ballast.Policies;
using Ballast.Synthesis;

namespace Ballast.Core.Tests.Policies;

public class PolicyStepTests
{
    private static PolicySpec RiskParity(IReadOnlyList<string> names, TriggerSpec trigger) => new()
    {
        Name = "rp",
        Universe = [.. names],
        Capital = 1_000_000,
        Weights = new RiskWeights(RiskScheme.RiskParity, new CovarianceSpec(CovarianceMethod.Sample, 60, null), [], [], []),
        Costs = CostSpec.Zero(names.Count),
        Trigger = trigger,
        Lot = [.. new double[names.Count]],
    };

    private static PriceTable Synth() => StrategySynthesizer.Generate(3, 2, 11).WithHistory(60);

    [Fact]
    public void Step_FixedTargetsOnACalendarRow_PlansTheTargetsHoldingNothing()
    {
        var table = Specs.Table(["A", "B"], [100, 110, 120], [100, 95, 90]);
        var step = PolicyStep.ForBacktest(new RebalancePolicy(Specs.Fixed(["A", "B"], [0.6, 0.4], Specs.EveryRow)), table, 365);

        var plan = step.Step(new HoldingsOnRow(1, [0.7, 0.3], 1000));

        Assert.NotNull(plan);
        Assert.True(plan.Trades);
        Assert.Null(plan.Failure);
        Assert.Equal("calendar", plan.Reason.Kind);
        Assert.Equal([600_000, 400_000], plan.WeightsPpm);
        Assert.Equal([600_000, 400_000], plan.TargetsPpm);
        Assert.All(plan.Held, Assert.False);
    }

    [Fact]
    public void Step_NoTriggerFires_ReturnsNull_AndTheLastRowOfABacktestNeverFires()
    {
        var table = Specs.Table(["A", "B"], [100, 110, 120], [100, 95, 90]);
        var band = PolicyStep.ForBacktest(new RebalancePolicy(Specs.Fixed(["A", "B"], [0.5, 0.5], Specs.Band(0.05))), table, 365);
        var daily = PolicyStep.ForBacktest(new RebalancePolicy(Specs.Fixed(["A", "B"], [0.5, 0.5], Specs.EveryRow)), table, 365);

        Assert.Null(band.Step(new HoldingsOnRow(1, [0.52, 0.48], 1000, 0.02)));
        Assert.NotNull(band.Step(new HoldingsOnRow(1, [0.56, 0.44], 1000, 0.06)));
        Assert.Null(daily.Step(new HoldingsOnRow(2, [0.56, 0.44], 1000)));
    }

    [Fact]
    public void Plan_MinimumTrade_HoldsBackTheAssetsWhoseMoveIsTooSmall()
    {
        var table = Specs.Table(["A", "B", "C"], [100, 100, 100], [100, 100, 100], [100, 100, 100]);
        var execution = ExecutionSpec.Default with { MinTrade = new MinTrade(null, 0.02) };
        var step = PolicyStep.ForBacktest(new RebalancePolicy(Specs.Fixed(["A", "B", "C"], [0.4, 0.3, 0.3], Specs.EveryRow, execution: execution)), table, 365);

        var plan = step.Step(new HoldingsOnRow(1, [0.5, 0.19, 0.31], 1000))!;

        Assert.True(plan.Trades);
        Assert.Equal([false, false, true], plan.Held);
        Assert.Equal(PartsPerMillion.One, plan.WeightsPpm.Sum());
        Assert.Equal(310_000, plan.WeightsPpm[2]);
    }

    [Fact]
    public void Traded_RiskBased_ProposedTargetsComeIntoForceOnlyWhenTheCallerTrades()
    {
        var table = Synth();
        var step = PolicyStep.ForBacktest(new RebalancePolicy(RiskParity(table.Names, Specs.EveryRow)), table, 252);
        var initial = step.TargetsPpm.ToArray();
        double[] weights = [0.2, 0.3, 0.5];

        var plan = step.Step(new HoldingsOnRow(150, weights, 1000))!;
        var proposed = plan.TargetsPpm.ToArray();

        Assert.NotEqual(initial, proposed);
        Assert.Equal(initial, step.TargetsPpm.ToArray());
        Assert.Equal(0, step.LastRebalanceRow);

        step.Traded(150);

        Assert.Equal(proposed, step.TargetsPpm.ToArray());
        Assert.Equal(150, step.LastRebalanceRow);
        Assert.Equal(proposed.Select(p => p / 1e6), step.Targets.ToArray());
    }

    [Fact]
    public void TargetsOnLastRow_IsWhatTheStepProposesOnThatRow()
    {
        var table = Synth();
        var policy = new RebalancePolicy(RiskParity(table.Names, Specs.EveryRow));
        var row = 200;
        var upToRow = new PriceTable(table.Names, table.Dates[..(row + 1)], table.Prices[..((row + 1) * 3)]) { History = table.History };
        double[] nothingHeld = [0, 0, 0];

        var weights = PolicyStep.TargetsOnLastRow(policy, upToRow, nothingHeld, 252);
        var plan = PolicyStep.ForBacktest(policy, table, 252).Step(new HoldingsOnRow(row, nothingHeld, 1))!;

        Assert.Equal(plan.TargetsPpm, weights);
        Assert.Equal(PartsPerMillion.One, weights.Sum());
    }

    [Fact]
    public void Plan_OptimiserFailure_IsReturnedNotThrown()
    {
        // B's price never moves: risk parity has no variance to work with on any row.
        var rows = 80;
        var a = Enumerable.Range(0, rows).Select(i => 100 * (1 + (0.01 * Math.Sin(i)))).ToArray();
        var b = Enumerable.Repeat(50.0, rows).ToArray();
        var table = Specs.Table(["A", "B"], a, b).WithHistory(60);
        var step = PolicyStep.ForVault(new RebalancePolicy(RiskParity(["A", "B"], Specs.EveryRow)), table, 365, [500_000, 500_000], 0, null);

        var plan = step.Step(new HoldingsOnRow(table.RowCount - 1, [0.5, 0.5], 1000))!;

        Assert.False(plan.Trades);
        Assert.NotNull(plan.Failure);
        Assert.Contains("'B' has no variance", plan.Failure.Message, StringComparison.Ordinal);
        Assert.Throws<BallastInputException>(plan.ThrowIfFailed);
        Assert.Equal([500_000, 500_000], step.TargetsPpm.ToArray());
    }

    [Fact]
    public void ForVault_AdvancesACopyOfTheStateItIsGiven_AndDecideAndPlanDoesNotObserve()
    {
        var trigger = new VolatilityTrigger(new NoTrigger(), 5, 0.10, 0.05, Specs.EveryRow, VolatilityScope.AnyAsset);
        var a = Enumerable.Range(0, 30).Select(i => 100 * (1 + (0.05 * (i % 2)))).ToArray();
        var b = Enumerable.Range(0, 30).Select(i => 100.0 + i).ToArray();
        var table = Specs.Table(["A", "B"], a, b).WithHistory(5);
        var journaled = new PolicyState();
        var step = PolicyStep.ForVault(new RebalancePolicy(Specs.Fixed(["A", "B"], [0.5, 0.5], trigger)), table, 365, [500_000, 500_000], 0, journaled);
        var today = new HoldingsOnRow(table.RowCount - 1, [0.5, 0.5], 1000);

        Assert.Null(step.DecideAndPlan(today)); // not observed yet: the regime is still normal
        var plan = step.Step(today);

        Assert.NotNull(plan);
        Assert.StartsWith("high-volatility regime", plan.Reason.Text, StringComparison.Ordinal);
        Assert.True(step.State!.HighVolatility);
        Assert.False(journaled.HighVolatility);
    }
}
