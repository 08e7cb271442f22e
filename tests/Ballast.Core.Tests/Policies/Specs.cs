using System.Collections.Immutable;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Core.Tests.Policies;

/// <summary>Builders for policies in tests (the spec loader lives in Ballast.Io).</summary>
internal static class Specs
{
    /// <summary>A price path from a start and per-row relative steps: p₀ = start, pₜ₊₁ = pₜ · (1 + stepₜ).</summary>
    public static double[] Walk((double Start, double[] Steps) walk)
    {
        var prices = new double[walk.Steps.Length + 1];
        prices[0] = walk.Start;
        for (var t = 0; t < walk.Steps.Length; t++)
        {
            prices[t + 1] = prices[t] * (1 + walk.Steps[t]);
        }

        return prices;
    }

    public static PolicySpec Fixed(string[] names, double[] targets, TriggerSpec trigger, double capital = 1_000_000, double bps = 0, double[]? lot = null, ExecutionSpec? execution = null, double fixedCost = 0, double spreadBps = 0) => new()
    {
        Name = "test",
        Universe = [.. names],
        Capital = capital,
        Weights = new FixedWeights([.. targets]),
        Costs = new CostSpec([.. Enumerable.Repeat(bps, names.Length)], [.. Enumerable.Repeat(spreadBps, names.Length)], fixedCost),
        Trigger = trigger,
        Execution = execution ?? ExecutionSpec.Default,
        Lot = [.. lot ?? new double[names.Length]],
    };

    public static TriggerSpec EveryRow => new CalendarTrigger(CalendarFrequency.Daily);

    public static TriggerSpec Never => new NoTrigger();

    public static TriggerSpec Band(double band, DriftMeasure measure = DriftMeasure.Absolute) => new DriftTrigger(measure, band, null);

    /// <summary>A table of consecutive calendar days starting 2020-01-01.</summary>
    public static PriceTable Table(string[] names, params double[][] columns)
    {
        var rows = columns[0].Length;
        var prices = new double[rows * names.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < names.Length; c++)
            {
                prices[(r * names.Length) + c] = columns[c][r];
            }
        }

        var dates = Enumerable.Range(0, rows).Select(i => new DateOnly(2020, 1, 1).AddDays(i)).ToArray();
        return new PriceTable(names, dates, prices);
    }

    public static ImmutableArray<T> Array<T>(params T[] items) => [.. items];
}
