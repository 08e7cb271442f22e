using Ballast.Accounting;
using Ballast.Data;
using Ballast.Policies;
using Ballast.Protocol;
using CsCheck;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// What the keeper decides on the live NAV table kept by appending (<see cref="LiveNavTable.Window"/>) is exactly
/// what it decides on the table built from the whole history (<see cref="NavTableReference"/>, split by
/// <see cref="PriceTable.WithHistory(int, int)"/>), and a new day's reports cost the keeper no copy of the history.
/// </summary>
public class LiveNavTablePolicyTests
{
    private static readonly string[] Names = ["A", "B", "C"];

    private static readonly RebalancePolicy[] Policies =
    [
        new(Fixed(new DriftTrigger(DriftMeasure.Absolute, 0.03, null))),
        new(Fixed(new CalendarTrigger(CalendarFrequency.Weekly))),
        new(Fixed(new CooldownTrigger(new DriftTrigger(DriftMeasure.Relative, 0.05, CalendarFrequency.Monthly), 2, 5))),
        new(Fixed(new VolatilityTrigger(new CalendarTrigger(CalendarFrequency.Monthly), 3, 0.2, 0.1, new DriftTrigger(DriftMeasure.Absolute, 0.02, null), VolatilityScope.Portfolio))),
        new(Risk(RiskScheme.InverseVolatility, 3, new DriftTrigger(DriftMeasure.Absolute, 0.02, null))),
        new(Risk(RiskScheme.MinimumVariance, 4, new AnyTrigger([new CalendarTrigger(CalendarFrequency.Monthly), new RiskDriftTrigger(DriftMeasure.Absolute, 0.05, null)]))),
    ];

    // A step: which child reports, how many days later (-1: a day back), the share price, whether the keeper asks now, the weights held.
    private static readonly Gen<(int Child, int Days, ulong Assets, bool Ask, double[] Held)> Step =
        Gen.Select(Gen.Int[0, 2], Gen.Frequency((1, Gen.Const(-1)), (6, Gen.Int[0, 1]), (2, Gen.Int[2, 5])), Gen.ULong[900_000, 1_100_000], Gen.Bool, Gen.Double[0.01, 1].Array[3]);

    [Fact]
    public void PolicyStep_OnTheAppendedTable_DecidesAndTargetsAsOnTheTableBuiltFromScratch()
    {
        Step.Array[1, 60].Sample(steps =>
        {
            var state = NewState();
            var at = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
            foreach (var (child, days, assets, ask, held) in steps)
            {
                at = at.AddDays(days);
                state.SimpleVaults[new VaultId(Names[child])].HistoryMutable.Add((at, new SharePrice(assets, 1_000_000)));
                if (!ask)
                {
                    continue;
                }

                var today = DateOnly.FromDateTime(at.UtcDateTime);
                foreach (var policy in Policies)
                {
                    var historyRows = policy.NeedsPrices && policy.HistoryRows > 0 ? policy.HistoryRows : 0;
                    var (live, rows, periods) = LiveNavTable.Window(state, Names, today, historyRows);
                    var reference = NavTableReference.Build(state, Names, today);
                    if (reference is null || reference.RowCount <= historyRows)
                    {
                        Assert.Null(live);
                        continue;
                    }

                    var expected = historyRows > 0 ? reference.WithHistory(historyRows, minWindowRows: 1) : reference;
                    Assert.Equal(reference.RowCount, rows);
                    Assert.Equal(expected.InferPeriodsPerYear(), periods);
                    Assert.Equal(Decisions(policy, expected, periods, held), Decisions(policy, live!, periods, held));
                }
            }
        }, iter: 150);
    }

    [Fact]
    public void ATableHandedOut_KeepsItsRows_WhenALaterReportOfTheSameDayChangesTheLastRow()
    {
        var state = NewState();
        var at = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        for (var day = 0; day < 5; day++, at = at.AddDays(1))
        {
            foreach (var name in Names)
            {
                state.SimpleVaults[new VaultId(name)].HistoryMutable.Add((at, new SharePrice((UInt128)(1_000_000 + (day * 1_000)), 1_000_000)));
            }
        }

        var today = DateOnly.FromDateTime(at.AddDays(-1).UtcDateTime);
        var before = LiveNavTable.Window(state, Names, today, 2).Table!;
        var lastRow = before.Row(before.RowCount - 1).ToArray();

        // A keeper called between two reports of the same day: the second changes the row the first call's table ends on.
        state.SimpleVaults[new VaultId("B")].HistoryMutable.Add((at.AddDays(-1).AddHours(1), new SharePrice(2_000_000, 1_000_000)));
        var after = LiveNavTable.Window(state, Names, today, 2).Table!;

        Assert.Equal(lastRow, before.Row(before.RowCount - 1).ToArray());
        Assert.Equal(2.0, after.Row(after.RowCount - 1)[1]);
        Assert.Equal(before.RowCount, after.RowCount);
    }

    [Fact]
    public void PolicyStep_OnTheLiveTable_CopiesNoRows()
    {
        var state = NewState();
        var at = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        for (var day = 0; day < 200; day++, at = at.AddDays(1))
        {
            foreach (var name in Names)
            {
                state.SimpleVaults[new VaultId(name)].HistoryMutable.Add((at, new SharePrice((UInt128)random.Next(900_000, 1_100_000), 1_000_000)));
            }
        }

        foreach (var policy in Policies)
        {
            var historyRows = policy.NeedsPrices && policy.HistoryRows > 0 ? policy.HistoryRows : 0;
            var (table, _, periods) = LiveNavTable.Window(state, Names, DateOnly.FromDateTime(at.UtcDateTime), historyRows);
            _ = Decisions(policy, table!, periods, [0.5, 0.3, 0.2]);
            Assert.False(table!.HasArrays, "the policy step copied the live table's rows into arrays");
            Assert.False(table.History?.HasArrays ?? false, "the policy step copied the live table's history rows into arrays");
        }
    }

    [Fact]
    public void ANewDaysReports_ThenTheKeepersTable_AllocateAsMuchAfter4000DaysAsAfter500()
    {
        var (shortHistory, _) = AllocatedByTenNewDays(500);
        var (longHistory, oneCopy) = AllocatedByTenNewDays(4_000);

        // Copying the rows on a new day (the table before) would cost at least one copy of 4,000 rows per call.
        Assert.True(longHistory <= (shortHistory * 1.1) + 4_096, $"ten new days then the keeper's table and digest allocated {longHistory:N0} bytes after 4,000 days, {shortHistory:N0} after 500 (one copy of 4,000 rows: {oneCopy:N0})");
    }

    /// <summary>
    /// Bytes allocated by ten new days of reports (one row each) each followed by what a keeper call asks of the live
    /// table (the split for a 63-row lookback and the digest's hash), after <paramref name="days"/> days; and the size
    /// of one copy of the rows (three prices and a date each).
    /// </summary>
    private static (long Allocated, long OneCopy) AllocatedByTenNewDays(int days)
    {
        var state = NewState();
        var at = new DateTimeOffset(2000, 1, 1, 12, 0, 0, TimeSpan.Zero);
        void Report(int day)
        {
            foreach (var name in Names)
            {
                state.SimpleVaults[new VaultId(name)].HistoryMutable.Add((at, new SharePrice((UInt128)(1_000_000 + ((day * 7919) % 1000)), 1_000_000)));
            }

            at = at.AddDays(1);
        }

        for (var day = 0; day < days; day++)
        {
            Report(day);
        }

        DateOnly Today() => DateOnly.FromDateTime(at.AddDays(-1).UtcDateTime);

        // The first call builds what later calls extend (the split's history, the digest's running hash).
        _ = LiveNavTable.Window(state, Names, Today(), 63);
        LiveNavTable.InputsHashOf(state, Names, Today(), 63)!.Dispose();
        var allocated = 0L;
        for (var k = 0; k < 10; k++)
        {
            Report(days + k);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var (table, _, _) = LiveNavTable.Window(state, Names, Today(), 63);
            using var hash = LiveNavTable.InputsHashOf(state, Names, Today(), 63);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(days + k + 1 - 63, table!.RowCount);
        }

        return (allocated, days * (Names.Length + 1) * sizeof(double));
    }

    /// <summary>What a keeper's step decides on the table's last row after observing the rows before it, and the targets an empty vault would be set to there.</summary>
    private static string Decisions(RebalancePolicy policy, PriceTable table, int periods, double[] held)
    {
        var row = table.RowCount - 1;
        var n = policy.AssetCount;
        var total = held.Sum();
        var weights = held.Select(w => w / total).ToArray();
        var inForce = policy.IsRiskBased ? EqualPpm(n) : [.. policy.Spec.Weights is FixedWeights f ? f.Targets.Select(t => (int)Math.Round(t * PartsPerMillion.One)) : EqualPpm(n)];
        var text = new System.Text.StringBuilder();
        try
        {
            text.Append("initial ").AppendJoin(',', PolicyStep.InitialTargets(policy, table, row, periods)).Append('\n');
        }
        catch (BallastInputException e)
        {
            text.Append("initial fails: ").Append(e.Message).Append('\n');
        }

        if (row == 0)
        {
            return text.ToString();
        }

        var step = PolicyStep.ForVault(policy, table, periods, inForce, lastRebalanceRow: row / 2, null);
        for (var r = 1; r < row; r++)
        {
            step.Observe(new HoldingsOnRow(r, weights, 1_000, MaxDrift(weights, inForce)));
        }

        var plan = step.Step(new HoldingsOnRow(row, weights, 1_000, MaxDrift(weights, inForce)));
        if (plan is null)
        {
            return text.Append("no trigger; regime ").Append(step.State?.HighVolatility).ToString();
        }

        return text.Append(plan.Reason.Kind).Append(": ").Append(plan.Reason.Text).Append(" trades ").Append(plan.Trades)
            .Append(" failure ").Append(plan.Failure?.Message)
            .Append(" targets ").AppendJoin(',', plan.TargetsPpm).Append(" weights ").AppendJoin(',', plan.WeightsPpm)
            .Append(" held ").AppendJoin(',', plan.Held).ToString();
    }

    private static double MaxDrift(double[] weights, int[] targetsPpm) =>
        weights.Select((w, i) => Math.Abs(w - (targetsPpm[i] / (double)PartsPerMillion.One))).Max();

    private static int[] EqualPpm(int n) => [.. Enumerable.Range(0, n).Select(i => (PartsPerMillion.One / n) + (i < PartsPerMillion.One % n ? 1 : 0))];

    private static ProtocolState NewState()
    {
        var harness = new EngineHarness();
        harness.Must(new CreateSimpleVault(harness.Id(), EngineHarness.Operator, new VaultId("C"), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = EngineHarness.Operator, Reporter = EngineHarness.Reporter, FeeRecipient = new AccountId("fees"), Pricing = PricingMode.Immediate, MinReportIntervalSeconds = 0 }));
        return harness.State;
    }

    private static PolicySpec Fixed(TriggerSpec trigger) => new()
    {
        Name = "fixed",
        Universe = [.. Names],
        Capital = 1_000_000,
        Weights = new FixedWeights([0.5, 0.3, 0.2]),
        Costs = CostSpec.Zero(Names.Length),
        Trigger = trigger,
        Lot = [.. new double[Names.Length]],
    };

    private static PolicySpec Risk(RiskScheme scheme, int lookback, TriggerSpec trigger) => new()
    {
        Name = "risk",
        Universe = [.. Names],
        Capital = 1_000_000,
        Weights = new RiskWeights(scheme, new CovarianceSpec(CovarianceMethod.Sample, lookback, null), [], [], []),
        Costs = CostSpec.Zero(Names.Length),
        Trigger = trigger,
        Lot = [.. new double[Names.Length]],
    };
}
