using System.Globalization;
using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// A 1,000-policy sweep on 10 assets × 5,000 rows through <c>Backtester.RunAll</c> (parallel on all cores).
/// The grid is 5 check frequencies (every row, weekly, monthly, quarterly, annual) × 20 absolute drift bands
/// (0.01 .. 0.20) × 10 execution variants. Policies are compiled in setup; the Mean is the whole sweep.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    public const int Assets = 10;

    private static readonly CalendarFrequency?[] Checks = [null, CalendarFrequency.Weekly, CalendarFrequency.Monthly, CalendarFrequency.Quarterly, CalendarFrequency.Annual];

    private static readonly (string Name, ExecutionSpec Spec)[] Executions =
    [
        ("target", new ExecutionSpec(ExecutionTarget.Target)),
        ("edge", new ExecutionSpec(ExecutionTarget.BandEdge)),
        ("target-half", new ExecutionSpec(ExecutionTarget.Target, Partial: 0.5)),
        ("edge-half", new ExecutionSpec(ExecutionTarget.BandEdge, Partial: 0.5)),
        ("target-quarter", new ExecutionSpec(ExecutionTarget.Target, Partial: 0.25)),
        ("target-min50bp", new ExecutionSpec(ExecutionTarget.Target, MinTrade: new MinTrade(null, 0.005))),
        ("edge-min1000", new ExecutionSpec(ExecutionTarget.BandEdge, MinTrade: new MinTrade(1_000, null))),
        ("target-cap10", new ExecutionSpec(ExecutionTarget.Target, MaxTurnover: 0.10)),
        ("edge-cap5", new ExecutionSpec(ExecutionTarget.BandEdge, MaxTurnover: 0.05)),
        ("target-half-min50bp-cap20", new ExecutionSpec(ExecutionTarget.Target, Partial: 0.5, MinTrade: new MinTrade(null, 0.005), MaxTurnover: 0.20)),
    ];

    private readonly BacktestSettings _settings = new(PeriodsPerYear: 252);
    private PriceTable _table = null!;
    private RebalancePolicy[] _policies = null!;

    public static int PolicyCount => Checks.Length * 20 * Executions.Length;

    [GlobalSetup]
    public void Setup()
    {
        _table = BenchData.Table(Assets);
        var policies = new List<RebalancePolicy>(PolicyCount);
        foreach (var check in Checks)
        {
            for (var b = 1; b <= 20; b++)
            {
                var band = b / 100.0;
                foreach (var (executionName, execution) in Executions)
                {
                    var name = string.Format(CultureInfo.InvariantCulture, "{0}-abs{1:0.00}-{2}", check is { } c ? c.ToSpecName() : "every-row", band, executionName);
                    var trigger = new DriftTrigger(DriftMeasure.Absolute, band, check);
                    policies.Add(new RebalancePolicy(BenchData.Policy(_table, name, trigger, execution)));
                }
            }
        }

        _policies = [.. policies];
        var runs = Backtester.RunAll(_table, _policies, _settings, baselineIndex: 0);
        var rebalances = runs.Sum(r => (long)r.Metrics.Rebalances);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// sweep: {0} policies on {1} assets x {2} rows, {3} rebalances in total ({4:F1} per policy)", _policies.Length, Assets, _table.RowCount, rebalances, (double)rebalances / _policies.Length));
    }

    [Benchmark(Description = "sweep 1,000 policies, 10 assets x 5,000 rows (whole sweep)")]
    public PolicyRun[] Sweep1000() => Backtester.RunAll(_table, _policies, _settings, baselineIndex: 0);
}
