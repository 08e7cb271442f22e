using System.Globalization;
using Ballast.Optimisation;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Benchmarks;

/// <summary>
/// Covariance inputs for the optimisation benchmarks: a one-factor model Σ = D (ββ' + diag(1 − β²)) D with
/// volatilities 10–40 % (D = diag(σ)) and factor loadings (correlations with the factor) β of 0.3–0.9, so pairwise
/// correlations lie in 0.09–0.81 and every asset keeps idiosyncratic variance σᵢ²(1 − βᵢ²) &gt; 0: positive definite.
/// Drawn from one seeded <see cref="Random"/> in a fixed order, so the n assets of a size are the first n assets of
/// every larger size.
/// </summary>
internal static class OptimisationData
{
    public static Matrix<double> OneFactorCovariance(int assets)
    {
        var random = new Random(BenchData.Seed);
        var vol = new double[assets];
        var loading = new double[assets];
        for (var i = 0; i < assets; i++)
        {
            vol[i] = 0.10 + (0.30 * random.NextDouble());
            loading[i] = 0.3 + (0.6 * random.NextDouble());
        }

        var covariance = Matrix<double>.Build.Dense(assets, assets);
        for (var i = 0; i < assets; i++)
        {
            for (var j = 0; j < assets; j++)
            {
                covariance[i, j] = i == j ? vol[i] * vol[i] : loading[i] * loading[j] * vol[i] * vol[j];
            }
        }

        return covariance;
    }

    /// <summary>
    /// The strongly correlated twenty-factor model of the risk-budgeting convergence tests, BBᵀ + D with loadings
    /// 0.1·N(0, 1) and idiosyncratic volatilities 1–9 % (the factors explain about 97 % of each variance), from one
    /// seeded <see cref="Random"/>: the case where coordinate descent crawls and the Newton finish does the work.
    /// </summary>
    public static Matrix<double> TwentyFactorCovariance(int assets)
    {
        var random = new Random(BenchData.Seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var loadings = Matrix<double>.Build.Dense(assets, 20, (_, _) => 0.1 * Normal());
        var idiosyncratic = Matrix<double>.Build.DenseOfDiagonalArray([.. Enumerable.Range(0, assets).Select(_ => Math.Pow(0.01 + (0.08 * random.NextDouble()), 2))]);
        var covariance = (loadings * loadings.Transpose()) + idiosyncratic;
        return (covariance + covariance.Transpose()) / 2;
    }

    public static double Volatility(Matrix<double> covariance, double[] weights)
    {
        var w = Vector<double>.Build.DenseOfArray(weights);
        return Math.Sqrt(w.DotProduct(covariance * w));
    }
}

/// <summary>
/// Equal risk contribution ("risk parity"): <see cref="RiskBudgeting.Solve"/> with budgets 1/n on a one-factor
/// covariance (<see cref="OptimisationData"/>), default tolerance. Reported Mean is the time per solve.
/// Targets: 100 assets ≤ 0.3 ms, 1,000 assets ≤ 30 ms.
/// </summary>
[MemoryDiagnoser]
public class OptimisationErcBenchmarks
{
    private Matrix<double> _covariance = null!;
    private double[] _budgets = null!;

    [Params(10, 100, 500, 1_000)]
    public int Assets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _covariance = OptimisationData.OneFactorCovariance(Assets);
        _budgets = [.. Enumerable.Repeat(1.0 / Assets, Assets)];

        // Say what the solve produces, so a change in the answer is visible next to a change in the time.
        var w = RiskBudgeting.Solve(_covariance, _budgets);
        var rc = RiskBudgeting.RiskContributions(_covariance, w);
        var worst = rc.Max(r => Math.Abs((r * Assets) - 1));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// ERC {0} assets: weights {1:F4}..{2:F4}, worst relative risk-contribution error {3:E1}, vol {4:P2}", Assets, w.Min(), w.Max(), worst, OptimisationData.Volatility(_covariance, w)));
    }

    [Benchmark(Description = "ERC (risk parity), budgets 1/n")]
    public double[] Erc() => RiskBudgeting.Solve(_covariance, _budgets);
}

/// <summary>
/// Risk parity within bounds: <see cref="BoundedRiskBudgeting.Solve"/> with budgets 1/n and every weight within
/// [0.5/n, 2/n], on the strongly correlated twenty-factor model (<see cref="OptimisationData.TwentyFactorCovariance"/>),
/// where both bounds bind (at 1,000 assets about an eighth of the assets end at each). Reported Mean is the time per
/// solve, the unbounded solve it starts from included. The solver before issue 11's rewrite (bisection on λ around
/// coordinate descent) did not finish the 1,000-asset case in 54 minutes.
/// </summary>
[MemoryDiagnoser]
public class OptimisationBoundedErcBenchmarks
{
    private Matrix<double> _covariance = null!;
    private double[] _budgets = null!;
    private double[] _lower = null!;
    private double[] _upper = null!;

    [Params(100, 1_000)]
    public int Assets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _covariance = OptimisationData.TwentyFactorCovariance(Assets);
        _budgets = [.. Enumerable.Repeat(1.0 / Assets, Assets)];
        _lower = [.. Enumerable.Repeat(0.5 / Assets, Assets)];
        _upper = [.. Enumerable.Repeat(2.0 / Assets, Assets)];
        var w = BoundedRiskBudgeting.Solve(_covariance, _budgets, _lower, _upper);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// bounded ERC {0} assets: {1} at the floor, {2} at the cap, vol {3:P2}", Assets, w.Count(x => x <= _lower[0]), w.Count(x => x >= _upper[0]), OptimisationData.Volatility(_covariance, w)));
    }

    [Benchmark(Description = "ERC within [0.5/n, 2/n], twenty-factor model")]
    public double[] BoundedErc() => BoundedRiskBudgeting.Solve(_covariance, _budgets, _lower, _upper);
}

/// <summary>
/// Long-only global minimum variance with bounds: <c>MinimumVariance.Solve</c> with lower 0 and upper 0.1
/// (0.5 below 20 assets) on a one-factor covariance (<see cref="OptimisationData"/>). Reported Mean is the time per
/// solve. Target: 100 assets ≤ 5 ms. 1,000 assets is left out: one solve takes over a minute.
/// </summary>
[MemoryDiagnoser]
public class OptimisationMinimumVarianceBenchmarks
{
    private Matrix<double> _covariance = null!;
    private double[] _lower = null!;
    private double[] _upper = null!;
    private string[] _names = null!;

    [Params(10, 100, 500)]
    public int Assets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _covariance = OptimisationData.OneFactorCovariance(Assets);
        _lower = new double[Assets];
        _upper = [.. Enumerable.Repeat(Assets >= 20 ? 0.1 : 0.5, Assets)];
        _names = [.. Enumerable.Range(0, Assets).Select(i => string.Create(CultureInfo.InvariantCulture, $"A{i:D4}"))];

        // The active-set method fixes one asset per iteration, so the count at a bound drives the cost: print it.
        var w = MinimumVariance.Solve(_covariance, _lower, _upper, _names);
        var atLower = w.Count(x => x <= _lower[0] + 1e-12);
        var atUpper = w.Count(x => x >= _upper[0] - 1e-12);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// min variance {0} assets, bounds [0, {1}]: {2} at lower, {3} at upper, {4} free, vol {5:P2}", Assets, _upper[0], atLower, atUpper, Assets - atLower - atUpper, OptimisationData.Volatility(_covariance, w)));
    }

    [Benchmark(Description = "long-only minimum variance, bounds [0, 0.1] (0.5 below 20 assets)")]
    public double[] MinimumVarianceBounded() => MinimumVariance.Solve(_covariance, _lower, _upper, _names);
}

/// <summary>Inputs shared by the constrained benchmarks: bounds [0, 0.1] (0.5 below 20 assets) and five groups of consecutive assets, each with total weight in [0.1, 0.3].</summary>
internal static class ConstrainedData
{
    public static (Matrix<double> Covariance, PortfolioConstraints Constraints, string[] Names) Groups(int assets)
    {
        var covariance = OptimisationData.OneFactorCovariance(assets);
        var names = Enumerable.Range(0, assets).Select(i => string.Create(CultureInfo.InvariantCulture, $"A{i:D4}")).ToArray();
        var size = assets / 5;
        var groups = Enumerable.Range(0, 5).Select(g => ConstraintBuilder.Group(string.Create(CultureInfo.InvariantCulture, $"G{g}"), [.. Enumerable.Range(g * size, size)], names, assets, 0.1, 0.3)).ToArray();
        return (covariance, new PortfolioConstraints { Upper = [.. Enumerable.Repeat(assets >= 20 ? 0.1 : 0.5, assets)], Linear = [.. groups] }, names);
    }
}

/// <summary>
/// Minimum variance with bounds and groups (the target case, <see cref="ConstrainedData"/>), solved by the dual
/// active-set method. Target: 100 assets ≤ 5 ms. The method adds one active constraint per iteration at O(n²) each,
/// so with most assets at their lower bound the cost grows as n³ (500 assets: hundreds of milliseconds).
/// </summary>
[MemoryDiagnoser]
public class OptimisationConstrainedBenchmarks
{
    private Matrix<double> _covariance = null!;
    private PortfolioConstraints _constraints = null!;
    private string[] _names = null!;

    [Params(10, 100, 500)]
    public int Assets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_covariance, _constraints, _names) = ConstrainedData.Groups(Assets);
        var w = MinimumVariance.Solve(_covariance, _constraints, _names);
        var size = Assets / 5;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// constrained min variance {0} assets: group totals {1}; {2} assets held; vol {3:P2}", Assets, string.Join(" ", Enumerable.Range(0, 5).Select(g => w.Skip(g * size).Take(size).Sum().ToString("F3", CultureInfo.InvariantCulture))), w.Count(x => x > 1e-9), OptimisationData.Volatility(_covariance, w)));
    }

    [Benchmark(Description = "min variance, bounds + 5 groups")]
    public double[] BoundsAndGroups() => MinimumVariance.Solve(_covariance, _constraints, _names);
}

/// <summary>
/// The same problem with an L1 turnover limit of 0.2 from equal weights. The L1 ball enters as lazily generated
/// sign-vector cuts, one per iteration, so this is the slow case: measured at 10 and 100 assets only.
/// </summary>
[MemoryDiagnoser]
public class OptimisationTurnoverBenchmarks
{
    private Matrix<double> _covariance = null!;
    private PortfolioConstraints _constraints = null!;
    private string[] _names = null!;

    [Params(10, 100)]
    public int Assets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_covariance, var groups, _names) = ConstrainedData.Groups(Assets);
        _constraints = groups with { Current = [.. Enumerable.Repeat(1.0 / Assets, Assets)], MaxTurnover = 0.2 };
        var w = MinimumVariance.Solve(_covariance, _constraints, _names);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// turnover-limited min variance {0} assets: L1 from equal weights {1:F4}, vol {2:P2}", Assets, w.Sum(x => Math.Abs(x - (1.0 / Assets))), OptimisationData.Volatility(_covariance, w)));
    }

    [Benchmark(Description = "min variance, bounds + 5 groups + L1 turnover 0.2")]
    public double[] BoundsGroupsTurnover() => MinimumVariance.Solve(_covariance, _constraints, _names);
}
