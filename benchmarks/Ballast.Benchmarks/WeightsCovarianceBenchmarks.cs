using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Ballast.Io;
using Ballast.Optimisation;
using Ballast.Policies;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Benchmarks;

/// <summary>
/// The in-process part of <c>ballast weights --covariance FILE --scheme risk-parity</c> (everything but the process
/// start-up and the console), on a covariance of <see cref="OptimisationData"/> (the one-factor model, or the strongly
/// correlated twenty-factor model where risk parity needs its Newton finish) written as a pandas CSV at round-trip
/// precision (1,000 assets: about 20 MB): reading the CSV with its checks, the positive-semidefinite check alone, the
/// policy's solve through the policy step, and the whole path. Reported Mean is the time per call.
/// </summary>
[MemoryDiagnoser]
public class WeightsCovarianceBenchmarks
{
    private byte[] _csv = null!;
    private Matrix<double> _covariance = null!;
    private double[] _rowMajor = null!;
    private RebalancePolicy _policy = null!;

    [Params(100, 1_000)]
    public int Assets { get; set; }

    [Params("one-factor", "twenty-factor")]
    public string Model { get; set; } = "one-factor";

    [GlobalSetup]
    public void Setup()
    {
        _covariance = Model == "twenty-factor" ? OptimisationData.TwentyFactorCovariance(Assets) : OptimisationData.OneFactorCovariance(Assets);
        var names = Enumerable.Range(0, Assets).Select(i => string.Create(CultureInfo.InvariantCulture, $"A{i:D4}")).ToArray();
        var text = new StringBuilder("," + string.Join(',', names) + "\n");
        for (var i = 0; i < Assets; i++)
        {
            text.Append(names[i]);
            for (var j = 0; j < Assets; j++)
            {
                text.Append(',').Append(_covariance[i, j].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        _csv = Encoding.UTF8.GetBytes(text.ToString());
        _rowMajor = [.. Enumerable.Range(0, Assets * Assets).Select(k => _covariance[k / Assets, k % Assets])];
        ImmutableArray<string> universe = [.. names];
        _policy = new RebalancePolicy(new PolicySpec
        {
            Name = "risk-parity",
            Universe = universe,
            Capital = 1,
            Weights = new RiskWeights(RiskScheme.RiskParity, CovarianceSpec.Default, [], [], []),
            Costs = CostSpec.Zero(Assets),
            Trigger = new NoTrigger(),
            Lot = [.. new double[Assets]],
        });
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// {0} assets, {1}: {2:N0} bytes of CSV", Assets, Model, _csv.Length));
    }

    [Benchmark(Description = "CovarianceCsv.Read (parse, symmetry, PSD check)")]
    public Matrix<double> ReadCsv() => CovarianceCsv.Read(_csv, "cov.csv").Covariance;

    [Benchmark(Description = "SemidefiniteCheck.Check alone")]
    public SemidefiniteResult Check() => SemidefiniteCheck.Check(_rowMajor, Assets);

    [Benchmark(Description = "risk parity through PolicyStep.TargetsFromCovariance")]
    public int[] Solve() => PolicyStep.TargetsFromCovariance(_policy, _covariance, new double[Assets]);

    [Benchmark(Description = "the whole in-process path: read, solve, risk contributions, volatilities")]
    public double[] Whole()
    {
        var (_, covariance) = CovarianceCsv.Read(_csv, "cov.csv");
        var ppm = PolicyStep.TargetsFromCovariance(_policy, covariance, new double[Assets]);
        var weights = ppm.Select(p => p / 1e6).ToArray();
        _ = CovarianceEstimators.Volatilities(covariance);
        return RiskBudgeting.RiskContributions(covariance, weights);
    }
}
