using Ballast.Data;
using Ballast.Policies;
using Ballast.Synthesis;

namespace Ballast.Benchmarks;

/// <summary>Shared inputs: synthetic price tables cut to an exact row count and policy specs built in code.</summary>
internal static class BenchData
{
    /// <summary>Rows in every benchmark table (20 synthetic years give about 5,200 business days; we keep the first 5,000).</summary>
    public const int Rows = 5_000;

    public const int Seed = 42;

    /// <summary>Proportional cost per asset, in basis points.</summary>
    public const double CostBps = 5;

    /// <summary>A synthetic table with <paramref name="assets"/> columns and exactly <see cref="Rows"/> rows.</summary>
    public static PriceTable Table(int assets)
    {
        var full = StrategySynthesizer.Generate(assets, years: 20, seed: Seed);
        if (full.RowCount < Rows)
        {
            throw new InvalidOperationException($"the synthesizer gave {full.RowCount} rows, fewer than {Rows}");
        }

        return new PriceTable(full.Names, full.Dates[..Rows], full.Prices[..(Rows * assets)]);
    }

    /// <summary>An equal-weight fixed-target policy over the table's columns with 5 bps proportional costs and no lots.</summary>
    public static PolicySpec Policy(PriceTable table, string name, TriggerSpec trigger, ExecutionSpec? execution = null)
    {
        var n = table.ColumnCount;
        return new PolicySpec
        {
            Name = name,
            Universe = [.. table.Names],
            Capital = 1_000_000,
            Weights = new FixedWeights([.. Enumerable.Repeat(1.0 / n, n)]),
            Costs = new CostSpec([.. Enumerable.Repeat(CostBps, n)], [.. new double[n]], 0),
            Trigger = trigger,
            Execution = execution ?? ExecutionSpec.Default,
            Lot = [.. new double[n]],
        };
    }

    public static TriggerSpec MonthlyCalendar { get; } = new CalendarTrigger(CalendarFrequency.Monthly);

    /// <summary>Absolute 5-point band, checked on every row.</summary>
    public static TriggerSpec Band5Points { get; } = new DriftTrigger(DriftMeasure.Absolute, 0.05, Check: null);

    public static ExecutionSpec ToBandEdge { get; } = new(ExecutionTarget.BandEdge);
}
