using Ballast.Statistics;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// The statistics behind <c>ballast backtest --significance</c> (docs/statistics.md): one policy against the baseline
/// (both Sharpe tests and the paired stationary bootstrap, B = 1,000), and Hansen's SPA over K policies (B = 1,000,
/// mean block length 5), on T daily returns of seeded noise. Reported Mean is the time per call.
/// </summary>
[MemoryDiagnoser]
public class StatisticsBenchmarks
{
    private double[] _benchmark = null!;
    private double[][] _policies = null!;

    [Params(2_500, 5_000)]
    public int Rows { get; set; }

    [Params(100)]
    public int Policies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        double Draw() => 0.0003 + (0.01 * (random.NextDouble() - 0.5) * 3.4641);
        _benchmark = Enumerable.Range(0, Rows).Select(_ => Draw()).ToArray();
        _policies = Enumerable.Range(0, Policies).Select(_ => _benchmark.Select(x => x + (0.2 * Draw())).ToArray()).ToArray();
    }

    [Benchmark]
    public double Pairwise()
    {
        var a = _policies[0];
        var jk = JobsonKorkieMemmel.Test(a, _benchmark);
        var lw = LedoitWolfHac.Test(a, _benchmark);
        var boot = PairedBootstrap.Compare(a, _benchmark, 252, 0)!;
        return jk.PValue + lw.PValue + boot.Sharpe.PValue;
    }

    [Benchmark]
    public double Spa() => SuperiorPredictiveAbility.Test(_benchmark, _policies, new BootstrapOptions(BlockLength: 5)).PValue;
}
