using System.Globalization;
using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// One policy through <see cref="Backtester.Run"/> (no recording). OperationsPerInvoke is assets × rows, so the
/// reported Mean is the cost per asset-row. Targets: calendar ≤ 1 ns per asset-row, band ≤ 3 ns per asset-row.
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
}
