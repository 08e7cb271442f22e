using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

/// <summary>Seeded factor-model covariances BBᵀ + D for the optimisation tests (no files).</summary>
internal static class FactorModels
{
    /// <summary>
    /// Strongly correlated: loadings 0.1·N(0, 1) on <paramref name="factors"/> factors, idiosyncratic volatilities
    /// 1–9 %, so the factors explain about 97 % of each variance (coordinate descent crawls here).
    /// </summary>
    public static Matrix<double> Strong(int n, int factors, int seed)
    {
        var rng = new Random(seed);
        var loadings = Matrix<double>.Build.Dense(n, factors, (_, _) => 0.1 * Normal(rng));
        return Symmetric(loadings, [.. Enumerable.Range(0, n).Select(_ => Math.Pow(0.01 + (0.08 * rng.NextDouble()), 2))]);
    }

    /// <summary>
    /// Equity-like: 20 factors, a market factor every asset loads on (0.12–0.20) and 19 with loadings N(0, 0.06²),
    /// idiosyncratic volatilities 10–30 %: the factors explain about two thirds of each variance.
    /// </summary>
    public static Matrix<double> Market(int n, int seed)
    {
        var rng = new Random(seed);
        var loadings = Matrix<double>.Build.Dense(n, 20, (_, j) => j == 0 ? 0.12 + (0.08 * rng.NextDouble()) : 0.06 * Normal(rng));
        return Symmetric(loadings, [.. Enumerable.Range(0, n).Select(_ => Math.Pow(0.10 + (0.20 * rng.NextDouble()), 2))]);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static Matrix<double> Symmetric(Matrix<double> loadings, double[] idiosyncratic)
    {
        var covariance = (loadings * loadings.Transpose()) + Matrix<double>.Build.DenseOfDiagonalArray(idiosyncratic);
        return (covariance + covariance.Transpose()) / 2;
    }
}
