using System.Collections.Immutable;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Policies;

public class RebalancePolicyTests
{
    private static readonly string[] Names = ["A", "B", "C"];

    private static readonly Gen<CalendarFrequency> Frequencies = Gen.Int[0, 5].Select(i => (CalendarFrequency)i);

    private static readonly Gen<CalendarAnchor> Anchors = Gen.Bool.Select(end => end ? CalendarAnchor.PeriodEnd : CalendarAnchor.PeriodStart);

    private static readonly Gen<TriggerSpec> Leaves = Gen.OneOf<TriggerSpec>(
        Gen.Select(Frequencies, Anchors, Gen.Int[0, 11], (f, anchor, offset) => (TriggerSpec)new CalendarTrigger(f, anchor, offset % (CalendarSchedule.MaxOffset(f) + 1))),
        Gen.Select(Gen.OneOf(Gen.Double[0.001, 0.3], Gen.Const(0.0)), Gen.Bool, Frequencies, Gen.Bool, Anchors, (band, relative, check, checkOn, anchor) =>
            (TriggerSpec)new DriftTrigger(relative ? DriftMeasure.Relative : DriftMeasure.Absolute, band, checkOn ? check : null, checkOn ? anchor : CalendarAnchor.PeriodStart)));

    private static readonly Gen<TriggerSpec> Triggers = Gen.OneOf(
        Leaves,
        Leaves.Array[1, 3].Select(l => (TriggerSpec)new AnyTrigger([.. l])),
        Leaves.Array[1, 3].Select(l => (TriggerSpec)new AllTrigger([.. l])),
        Gen.Select(Leaves, Gen.Int[1, 20], (l, rows) => (TriggerSpec)new CooldownTrigger(l, rows, null)));

    [Fact]
    public void Decide_OnRowsOutsideCandidateRows_NeverFires()
    {
        Gen.Select(Triggers, Gen.Int[1, 4].Array[30, 120], Gen.Double[0, 1].Array[3].Array[120]).Sample((trigger, gaps, weightRows) =>
        {
            var dates = new DateOnly[gaps.Length];
            dates[0] = new DateOnly(2021, 12, 27);
            for (var i = 1; i < dates.Length; i++)
            {
                dates[i] = dates[i - 1].AddDays(gaps[i]);
            }

            var calendar = new MarketCalendar(dates);
            var policy = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], trigger));
            var candidates = policy.CandidateRows(calendar);
            for (var row = 0; row < dates.Length; row++)
            {
                var weights = weightRows[row];
                var maxDrift = weights.Select((w, i) => Math.Abs(w - policy.Targets[i])).Max();
                var context = new PolicyContext(calendar, row, weights, 1000, 0, row == dates.Length - 1, maxDrift);
                var fired = policy.Decide(context) is not null;
                Assert.False(fired && candidates is not null && !candidates[row], $"fired on non-candidate row {row}");
                if (fired && policy.FiresOnlyAboveDrift is { } band)
                {
                    Assert.True(maxDrift > band, $"fired on row {row} with max drift {maxDrift} not above {band}");
                }

                // The max-drift hint must not change the decision either.
                var withoutHint = new PolicyContext(calendar, row, weights, 1000, 0, row == dates.Length - 1);
                Assert.Equal(fired, policy.Decide(withoutHint) is not null);
            }
        });
    }

    [Fact]
    public void PlanTargets_BandEdge_MovesBreachingAssetsToTheEdgeAndTheRestProRata()
    {
        var policy = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new DriftTrigger(DriftMeasure.Absolute, 0.05, null), execution: new ExecutionSpec(ExecutionTarget.BandEdge)));
        double[] weights = [0.60, 0.22, 0.18];
        var calendar = new MarketCalendar([new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3)]);
        var context = new PolicyContext(calendar, 1, weights, 1000, 0, false);
        var plan = new int[3];

        Assert.NotNull(policy.Decide(context));
        Assert.True(policy.PlanTargets(context, plan));

        // A (0.60) is above 0.55 and B (0.22) below 0.25: both go to their edges; C absorbs 1 − 0.55 − 0.25 − 0.18 = 0.02 → 0.20.
        Assert.Equal([550_000, 250_000, 200_000], plan);
    }

    [Fact]
    public void PlanTargets_BandEdgeWithTwoAssets_StopsAtTheEdgeNotTheTarget()
    {
        // With two assets an absolute breach on one side is a breach on the other: both go to their edges.
        var policy = new RebalancePolicy(Specs.Fixed(["SPY", "AGG"], [0.6, 0.4], new DriftTrigger(DriftMeasure.Absolute, 0.05, null), execution: new ExecutionSpec(ExecutionTarget.BandEdge)));
        double[] weights = [0.6525, 0.3475];
        var calendar = new MarketCalendar([new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3)]);
        var context = new PolicyContext(calendar, 1, weights, 1000, 0, false);
        var plan = new int[2];

        Assert.NotNull(policy.Decide(context));
        Assert.True(policy.PlanTargets(context, plan));
        Assert.Equal([650_000, 350_000], plan);
    }

    [Fact]
    public void PlanTargets_PartialAndMaxTurnover_MoveAFractionOfTheWay()
    {
        double[] weights = [0.7, 0.2, 0.1];
        var calendar = new MarketCalendar([new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 1), new DateOnly(2024, 3, 1)]);
        var context = new PolicyContext(calendar, 1, weights, 1000, 0, false);
        var plan = new int[3];

        var partial = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new CalendarTrigger(CalendarFrequency.Monthly), execution: new ExecutionSpec(Partial: 0.5)));
        Assert.True(partial.PlanTargets(context, plan));
        Assert.Equal([600_000, 250_000, 150_000], plan);

        // Full move is one-way turnover 0.2; a cap of 0.05 moves a quarter of the way.
        var capped = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new CalendarTrigger(CalendarFrequency.Monthly), execution: new ExecutionSpec(MaxTurnover: 0.05)));
        Assert.True(capped.PlanTargets(context, plan));
        Assert.Equal([650_000, 225_000, 125_000], plan);
    }

    [Fact]
    public void PlanTargets_MinTrade_KeepsSmallMovesAndSpreadsTheRestProRata()
    {
        double[] weights = [0.505, 0.395, 0.10];
        var calendar = new MarketCalendar([new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 1), new DateOnly(2024, 3, 1)]);
        var context = new PolicyContext(calendar, 1, weights, 1000, 0, false);
        var plan = new int[3];
        var policy = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new CalendarTrigger(CalendarFrequency.Monthly), execution: new ExecutionSpec(MinTrade: new MinTrade(null, 0.01))));

        var hold = new bool[3];
        Assert.True(policy.PlanTargets(context, plan, hold));

        // A moves 0.005 < 0.01: kept at 0.505 and held; B and C share 0.495 in proportion 0.3 : 0.2.
        Assert.Equal([505_000, 297_000, 198_000], plan);
        Assert.Equal([true, false, false], hold);
    }

    [Fact]
    public void Decide_Cooldown_WaitsTheGivenRowsAndDays()
    {
        var dates = Enumerable.Range(0, 40).Select(i => new DateOnly(2024, 1, 1).AddDays(i)).ToArray();
        var calendar = new MarketCalendar(dates);
        var everyRow = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new CooldownTrigger(new CalendarTrigger(CalendarFrequency.Daily), 5, null)));
        var byDays = new RebalancePolicy(Specs.Fixed(Names, [0.5, 0.3, 0.2], new CooldownTrigger(new CalendarTrigger(CalendarFrequency.Daily), null, 10)));
        double[] weights = [0.5, 0.3, 0.2];

        Assert.Null(everyRow.Decide(new PolicyContext(calendar, 14, weights, 1, 10, false)));
        Assert.NotNull(everyRow.Decide(new PolicyContext(calendar, 15, weights, 1, 10, false)));
        Assert.Null(byDays.Decide(new PolicyContext(calendar, 19, weights, 1, 10, false)));
        Assert.NotNull(byDays.Decide(new PolicyContext(calendar, 20, weights, 1, 10, false)));
    }

    [Fact]
    public void CanonicalJson_SameRulesInAnyOrder_HashTheSame()
    {
        var a = Specs.Fixed(["X", "Y"], [0.6, 0.4], new AnyTrigger([new CalendarTrigger(CalendarFrequency.Quarterly), new DriftTrigger(DriftMeasure.Relative, 0.25, null)]));
        var b = Specs.Fixed(["Y", "X"], [0.4, 0.6], new AnyTrigger([new CalendarTrigger(CalendarFrequency.Quarterly), new DriftTrigger(DriftMeasure.Relative, 0.25, null)])) with { Name = "other", Capital = 5 };

        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal("""{"costs":{"fixed_per_trade":0,"proportional_bps":{"X":0,"Y":0},"spread_bps":{"X":0,"Y":0}},"execution":{"to":"target"},"lot":{},"trigger":{"any":[{"calendar":"quarterly"},{"drift":{"relative":0.25}}]},"universe":["X","Y"],"weights":{"scheme":"fixed","targets":{"X":0.6,"Y":0.4}}}""", a.CanonicalJson);
    }

    [Fact]
    public void Targets_AreExactPartsPerMillionSummingToOneMillion()
    {
        var policy = new RebalancePolicy(Specs.Fixed(Names, [1.0 / 3, 1.0 / 3, 1.0 / 3], new NoTrigger()));

        Assert.Equal([333_334, 333_333, 333_333], policy.TargetPpm.ToArray());
        Assert.Equal(0.333334, policy.Targets[0]);
    }

    private static ImmutableArray<T> Of<T>(params T[] items) => [.. items];
}
