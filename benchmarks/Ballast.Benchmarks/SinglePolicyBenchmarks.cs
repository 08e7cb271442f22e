using System.Globalization;
using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// One policy through <see cref="Backtester.Run"/> (no recording), a group of one (its lane of the row scan's vector
/// alone), and four at once through <see cref="Backtester.RunGroup"/> as a sweep runs them (one per lane).
/// OperationsPerInvoke is runs × assets × rows, so the reported Mean is the cost per asset-row of one run. Targets:
/// calendar ≤ 1 ns per asset-row, band ≤ 3 ns per asset-row.
/// </summary>
[MemoryDiagnoser]
public class SinglePolicyBenchmarks
{
    private const int Rows = BenchData.Rows;

    private readonly BacktestSettings _settings = new(PeriodsPerYear: 252);
    private PriceTable _table5 = null!;
    private PriceTable _table10 = null!;
    private PriceTable _table100 = null!;
    private RebalancePolicy _calendar5 = null!;
    private RebalancePolicy _band5 = null!;
    private RebalancePolicy _calendar10 = null!;
    private RebalancePolicy _calendar100 = null!;
    private RebalancePolicy _band10 = null!;
    private RebalancePolicy _band100 = null!;
    private RebalancePolicy[] _calendarGroup5 = null!;
    private RebalancePolicy[] _holdGroup5 = null!;
    private PolicyRun?[] _groupRuns = null!;
    private Exception?[] _groupFailures = null!;

    [GlobalSetup]
    public void Setup()
    {
        _table5 = BenchData.Table(5);
        _table10 = BenchData.Table(10);
        _table100 = BenchData.Table(100);
        _calendar5 = new RebalancePolicy(BenchData.Policy(_table5, "monthly-5", BenchData.MonthlyCalendar));
        _band5 = new RebalancePolicy(BenchData.Policy(_table5, "band5-5", BenchData.Band5Points, BenchData.ToBandEdge));
        _calendar10 = new RebalancePolicy(BenchData.Policy(_table10, "monthly-10", BenchData.MonthlyCalendar));
        _calendar100 = new RebalancePolicy(BenchData.Policy(_table100, "monthly-100", BenchData.MonthlyCalendar));
        _band10 = new RebalancePolicy(BenchData.Policy(_table10, "band5-10", BenchData.Band5Points, BenchData.ToBandEdge));
        _band100 = new RebalancePolicy(BenchData.Policy(_table100, "band5-100", BenchData.Band5Points, BenchData.ToBandEdge));

        // Four distinct policies per group (costs 0 to 15 bps), as a sweep's neighbouring cells are.
        _calendarGroup5 = [.. Enumerable.Range(0, Backtester.GroupSize).Select(k => new RebalancePolicy(BenchData.Policy(_table5, $"monthly-5-{k}", BenchData.MonthlyCalendar) with { Costs = Costs(5, 5.0 * k) }))];
        _holdGroup5 = [.. Enumerable.Range(0, Backtester.GroupSize).Select(k => new RebalancePolicy(BenchData.Policy(_table5, $"hold-5-{k}", new NoTrigger()) with { Costs = Costs(5, 5.0 * k) }))];
        _groupRuns = new PolicyRun?[Backtester.GroupSize];
        _groupFailures = new Exception?[Backtester.GroupSize];

        // Say how much trading each case does: the per-row cost depends heavily on how often a rebalance fires.
        foreach (var (table, policy) in new[] { (_table5, _calendar5), (_table5, _band5), (_table10, _calendar10), (_table100, _calendar100), (_table10, _band10), (_table100, _band100) })
        {
            var metrics = Backtester.Run(table, policy, _settings).Metrics;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// {0}: {1} assets x {2} rows, {3} rebalances, final NAV {4:F2}", policy.Spec.Name, table.ColumnCount, table.RowCount, metrics.Rebalances, metrics.FinalNav));
        }
    }

    [Benchmark(OperationsPerInvoke = 5 * Rows, Description = "calendar monthly, 5 assets (per asset-row)")]
    public BacktestMetrics CalendarMonthly5() => Backtester.Run(_table5, _calendar5, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 5 * Rows, Description = "abs 5pt band every row, band-edge, 5 assets (per asset-row)")]
    public BacktestMetrics Band5() => Backtester.Run(_table5, _band5, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 10 * Rows, Description = "calendar monthly, 10 assets (per asset-row)")]
    public BacktestMetrics CalendarMonthly10() => Backtester.Run(_table10, _calendar10, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 100 * Rows, Description = "calendar monthly, 100 assets (per asset-row)")]
    public BacktestMetrics CalendarMonthly100() => Backtester.Run(_table100, _calendar100, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 10 * Rows, Description = "abs 5pt band every row, band-edge, 10 assets (per asset-row)")]
    public BacktestMetrics Band10() => Backtester.Run(_table10, _band10, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 100 * Rows, Description = "abs 5pt band every row, band-edge, 100 assets (per asset-row)")]
    public BacktestMetrics Band100() => Backtester.Run(_table100, _band100, _settings).Metrics;

    [Benchmark(OperationsPerInvoke = 4 * 5 * Rows, Description = "4 calendar monthly policies in one group, 5 assets (per run-asset-row)")]
    public PolicyRun? CalendarMonthlyGroup5() => Group(_calendarGroup5);

    [Benchmark(OperationsPerInvoke = 4 * 5 * Rows, Description = "4 buy-and-hold policies in one group, 5 assets (per run-asset-row)")]
    public PolicyRun? HoldGroup5() => Group(_holdGroup5);

    private static CostSpec Costs(int assets, double bps) => new([.. Enumerable.Repeat(bps, assets)], [.. new double[assets]], 0);

    private PolicyRun? Group(RebalancePolicy[] policies)
    {
        Backtester.RunGroup(_table5, policies, _settings, _groupRuns, _groupFailures);
        return _groupRuns[0];
    }
}
