using Ballast.Optimisation;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

/// <summary>Published reference numbers for the estimators and weighting schemes.</summary>
public class OptimisationTests
{
    private static Matrix<double> M(double[,] values) => Matrix<double>.Build.DenseOfArray(values);

    private static Matrix<double> FromVolsAndCorrelations(double[] vols, double[,] rho) =>
        Matrix<double>.Build.Dense(vols.Length, vols.Length, (i, j) => vols[i] * vols[j] * rho[i, j]);

    private static void Near(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"weight {i}: expected {expected[i]}, got {actual[i]} (all: {string.Join(", ", actual)})");
        }
    }

    [Fact]
    public void LedoitWolf_ScaledIdentityTarget_MatchesTheClosedForm()
    {
        var (covariance, shrinkage) = CovarianceEstimators.LedoitWolf(M(new double[,] { { 1, 2 }, { 2, 4 }, { 3, 5 } }));

        Assert.Equal(0.34364, shrinkage, 5);
        Assert.Equal(0.8193967163, covariance[0, 0], 9);
        Assert.Equal(0.6563573883, covariance[0, 1], 9);
        Assert.Equal(0.6563573883, covariance[1, 0], 9);
        Assert.Equal(1.4028255059, covariance[1, 1], 9);
    }

    [Fact]
    public void Sample_UsesDdofOne()
    {
        var covariance = CovarianceEstimators.Sample(M(new double[,] { { 1, 2 }, { 2, 4 }, { 3, 5 } }));

        Assert.Equal(1.0, covariance[0, 0], 12);
        Assert.Equal(1.5, covariance[0, 1], 12);
        Assert.Equal(7.0 / 3, covariance[1, 1], 12);
    }

    [Fact]
    public void Ewma_VeryLongHalflife_ApproachesTheMaximumLikelihoodCovariance()
    {
        var returns = M(new double[,] { { 1, 2 }, { 2, 4 }, { 3, 5 } });
        var ewma = CovarianceEstimators.Ewma(returns, 1e9);
        var sample = CovarianceEstimators.Sample(returns) * (2.0 / 3);

        Assert.True((ewma - sample).FrobeniusNorm() < 1e-6);
    }

    [Fact]
    public void RiskParity_DiagonalCovariance_IsInverseVolatility()
    {
        var w = RiskBudgeting.Solve(M(new double[,] { { 0.01, 0, 0, 0 }, { 0, 0.04, 0, 0 }, { 0, 0, 0.09, 0 }, { 0, 0, 0, 0.16 } }), [0.25, 0.25, 0.25, 0.25]);

        Near([0.48, 0.24, 0.16, 0.12], w, 1e-10);
    }

    [Fact]
    public void RiskParity_CorrelatedPairs_MatchesPublishedWeightsWithEqualContributions()
    {
        var cov = FromVolsAndCorrelations([0.1, 0.2, 0.3, 0.4], new double[,] { { 1, 0.8, 0, 0 }, { 0.8, 1, 0, 0 }, { 0, 0, 1, -0.5 }, { 0, 0, -0.5, 1 } });

        var w = RiskBudgeting.Solve(cov, [0.25, 0.25, 0.25, 0.25]);

        Near([0.383613, 0.191806, 0.242618, 0.181963], w, 1e-6);
        Assert.All(RiskBudgeting.RiskContributions(cov, w), rc => Assert.Equal(0.25, rc, 10));
    }

    [Fact]
    public void RiskParityAndBudgets_RoncalliExample_MatchPublishedWeights()
    {
        var cov = M(new double[,] { { 0.01, 0.0075, 0.01, 0.015 }, { 0.0075, 0.0225, 0.015, 0.0225 }, { 0.01, 0.015, 0.04, 0.045 }, { 0.015, 0.0225, 0.045, 0.09 } });

        Near([0.4101, 0.2734, 0.1899, 0.1266], RiskBudgeting.Solve(cov, [0.25, 0.25, 0.25, 0.25]), 5e-5);
        Near([0.4505, 0.3004, 0.1467, 0.1024], RiskBudgeting.Solve(cov, [0.3, 0.3, 0.195, 0.205]), 5e-5);
    }

    [Fact]
    public void RiskBudgets_TwoAssets_MatchPublishedWeights()
    {
        var cov = M(new double[,] { { 1, 0.45 }, { 0.45, 0.25 } });

        Near([0.3333, 0.6667], RiskBudgeting.Solve(cov, [0.5, 0.5]), 5e-5);
        Near([0.1492, 0.8508], RiskBudgeting.Solve(cov, [0.25, 0.75]), 5e-5);
    }

    [Fact]
    public void RiskBudgets_RandomCovariances_HitTheBudgetsWithin1e10Relative()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 3, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 3)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-3);
            var raw = Enumerable.Range(0, n).Select(_ => 0.1 + rng.NextDouble()).ToArray();
            var budgets = raw.Select(b => b / raw.Sum()).ToArray();

            var w = RiskBudgeting.Solve(cov, budgets);
            var rc = RiskBudgeting.RiskContributions(cov, w);

            Assert.Equal(1.0, w.Sum(), 1e-12);
            for (var i = 0; i < n; i++)
            {
                Assert.True(w[i] > 0);
                Assert.True(Math.Abs(rc[i] - budgets[i]) / budgets[i] < 1e-10, $"asset {i}: risk contribution {rc[i]} vs budget {budgets[i]}");
            }
        });
    }

    private static readonly Matrix<double> GmvCovariance = FromVolsAndCorrelations(
        [0.15, 0.20, 0.25, 0.30],
        new double[,] { { 1, 0.1, 0.4, 0.5 }, { 0.1, 1, 0.7, 0.4 }, { 0.4, 0.7, 1, 0.8 }, { 0.5, 0.4, 0.8, 1 } });

    [Fact]
    public void MinimumVariance_LongOnly_MatchesPublishedWeights() =>
        Near([0.65487, 0.34513, 0, 0], MinimumVariance.Solve(GmvCovariance), 1e-5);

    [Fact]
    public void MinimumVariance_LowerBoundTenPercent_MatchesPublishedWeights() =>
        Near([0.56195, 0.23805, 0.1, 0.1], MinimumVariance.Solve(GmvCovariance, [0.1, 0.1, 0.1, 0.1]), 1e-5);

    [Fact]
    public void MinimumVariance_LowerBoundTwentyPercent_MatchesPublishedWeights() =>
        Near([0.4, 0.2, 0.2, 0.2], MinimumVariance.Solve(GmvCovariance, [0.2, 0.2, 0.2, 0.2]), 1e-9);

    [Fact]
    public void MinimumVariance_UpperBoundFiftyPercent_MatchesPublishedWeights() =>
        Near([0.5, 0.5, 0, 0], MinimumVariance.Solve(GmvCovariance, null, [0.5, 0.5, 0.5, 0.5]), 1e-9);

    [Fact]
    public void MinimumVariance_BoundsThatCannotSumToOne_AreAnErrorNamingThem()
    {
        var e = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, [0.3, 0.3, 0.3, 0.3]));
        Assert.Contains("lower bounds sum to 1.2 > 1", e.Message, StringComparison.Ordinal);

        var e2 = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, null, [0.2, 0.2, 0.2, 0.2]));
        Assert.Contains("upper bounds sum to 0.8 < 1", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MinimumVariance_RandomProblems_NoFeasiblePerturbationLowersVariance()
    {
        Gen.Select(Gen.Int[2, 7], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 2, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 2)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-3);
            var upper = Enumerable.Range(0, n).Select(_ => 0.3 + (0.7 * rng.NextDouble())).ToArray();
            if (upper.Sum() < 1)
            {
                return;
            }

            var w = MinimumVariance.Solve(cov, null, upper);
            double Variance(double[] x) => Vector<double>.Build.DenseOfArray(x) * cov * Vector<double>.Build.DenseOfArray(x);
            var best = Variance(w);

            // Moving a little weight from any asset to any other, within bounds, never lowers the variance.
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var eps = Math.Min(1e-4, Math.Min(w[i], upper[j] - w[j]));
                    if (i == j || eps <= 0)
                    {
                        continue;
                    }

                    var moved = (double[])w.Clone();
                    moved[i] -= eps;
                    moved[j] += eps;
                    Assert.True(Variance(moved) >= best - 1e-15, $"moving {eps} from {i} to {j} lowers the variance");
                }
            }
        });
    }

    [Fact]
    public void InverseVolatility_WeightsAreProportionalToOneOverVolatility() =>
        Near([0.48, 0.24, 0.16, 0.12], RiskBudgeting.InverseVolatility(M(new double[,] { { 0.01, 0, 0, 0 }, { 0, 0.04, 0, 0 }, { 0, 0, 0.09, 0 }, { 0, 0, 0, 0.16 } })), 1e-12);
}

public class MeanVarianceTests
{
    private static readonly Matrix<double> Diagonal = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.04, 0 }, { 0, 0.09 } });

    [Theory]
    [InlineData(2.0, 0.5)]                    // 0.08 w − 0.10 = 0.18 (1 − w) − 0.15  →  w = 0.5
    [InlineData(10.0, 0.85 / 1.3)]            // 0.4 w − 0.1 = 0.9 (1 − w) − 0.15   →  w = 0.653846
    [InlineData(1e9, 0.09 / 0.13)]            // λ → ∞: minimum variance, w = σ₂² / (σ₁² + σ₂²)
    [InlineData(0.5, 0.0)]                    // the unconstrained optimum is short asset 1: long-only stops at 0
    public void MeanVariance_TwoAssets_MatchesTheFirstOrderCondition(double riskAversion, double expectedFirst)
    {
        var w = MinimumVariance.MeanVariance(Diagonal, [0.10, 0.15], riskAversion);

        Assert.Equal(expectedFirst, w[0], 9);
        Assert.Equal(1 - expectedFirst, w[1], 9);
    }

    [Fact]
    public void MeanVariance_WithBounds_StaysInside() =>
        Assert.Equal(0.2, MinimumVariance.MeanVariance(Diagonal, [0.10, 0.15], 0.5, [0.2, 0.2], [0.8, 0.8])[0], 12);
}

/// <summary>The structural properties the issue lists, on random inputs.</summary>
public class OptimisationPropertyTests
{
    private static Matrix<double> Covariance(double[] vols, double rho) =>
        Matrix<double>.Build.Dense(vols.Length, vols.Length, (i, j) => vols[i] * vols[j] * (i == j ? 1 : rho));

    [Fact]
    public void TwoAssetErc_IsProportionalToInverseVolatility()
    {
        Gen.Select(Gen.Double[0.05, 0.6], Gen.Double[0.05, 0.6], Gen.Double[-0.9, 0.9]).Sample((s1, s2, rho) =>
        {
            var w = RiskBudgeting.Solve(Covariance([s1, s2], rho), [0.5, 0.5]);
            Assert.Equal(1 / s1 / ((1 / s1) + (1 / s2)), w[0], 1e-9);
        });
    }

    [Fact]
    public void DiagonalRiskBudgets_AreProportionalToRootBudgetOverVolatility()
    {
        Gen.Double[0.05, 0.6].Array[2, 8].Select(Gen.Double[0.05, 1].Array[8]).Sample((vols, raw) =>
        {
            var n = vols.Length;
            var budgets = raw.Take(n).Select(b => b / raw.Take(n).Sum()).ToArray();
            var w = RiskBudgeting.Solve(Covariance(vols, 0), budgets);
            var expected = Enumerable.Range(0, n).Select(i => Math.Sqrt(budgets[i]) / vols[i]).ToArray();
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(expected[i] / expected.Sum(), w[i], 1e-8);
            }
        });
    }

    [Fact]
    public void ConstantCorrelationErc_IsInverseVolatility()
    {
        Gen.Double[0.05, 0.6].Array[2, 8].Select(Gen.Double[0, 0.9]).Sample((vols, rho) =>
        {
            var n = vols.Length;
            var w = RiskBudgeting.Solve(Covariance(vols, rho), Enumerable.Repeat(1.0 / n, n).ToArray());
            var inverse = RiskBudgeting.InverseVolatility(Covariance(vols, rho));
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(inverse[i], w[i], 1e-8);
            }
        });
    }

    [Fact]
    public void LongOnlyGmv_RiskContributionsEqualWeights_AndKktHolds()
    {
        Gen.Select(Gen.Int[2, 7], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 2, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 2)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-3);
            var w = MinimumVariance.Solve(cov);
            var rc = RiskBudgeting.RiskContributions(cov, w);
            var gradient = cov * Vector<double>.Build.DenseOfArray(w);
            var lambda = Enumerable.Range(0, n).Where(i => w[i] > 1e-9).Select(i => gradient[i]).Average();
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(w[i], rc[i], 1e-8);
                Assert.True(w[i] >= 0);
                if (w[i] > 1e-9)
                {
                    Assert.Equal(lambda, gradient[i], 1e-9);
                }
                else
                {
                    Assert.True(gradient[i] >= lambda - 1e-12, "an asset at zero must not lower the variance if bought");
                }
            }
        });
    }
}

public class LedoitWolfConstantCorrelationTests
{
    [Fact]
    public void LedoitWolfConstantCorrelation_MatchesAnIndependentComputationOfThePapersFormulas()
    {
        // Reference values computed separately (plain Python over lists, written from Ledoit & Wolf 2004) for this data.
        double[] loadings = [0.9, 0.1, 0.5, -0.3];
        var returns = Matrix<double>.Build.Dense(500, 4, (t, j) => ((loadings[j] * Math.Sin(t * 1.3)) + (0.6 * Math.Sin((t * (j + 2) * 0.77) + (j * 1.1)))) * (0.01 + (0.004 * j)));

        var (covariance, shrinkage) = CovarianceEstimators.LedoitWolfConstantCorrelation(returns);

        Assert.Equal(0.017491126620939396, shrinkage, 12);
        Assert.Equal(5.8764213808136616e-05, covariance[0, 0], 15);
        Assert.Equal(6.084106540449512e-06, covariance[0, 1], 15);
        Assert.Equal(-4.234874821090139e-06, covariance[1, 3], 15);
        Assert.Equal(0.00010879381386270237, covariance[3, 3], 15);
    }

    [Fact]
    public void LedoitWolfConstantCorrelation_KeepsVariancesAndShrinksCorrelationsTowardsTheirAverage()
    {
        Gen.Int[0, 100_000].Sample(seed =>
        {
            var rng = new Random(seed);
            var returns = Matrix<double>.Build.Dense(30, 3, (_, _) => rng.NextDouble() - 0.5);
            var (shrunk, delta) = CovarianceEstimators.LedoitWolfConstantCorrelation(returns);
            var sample = CovarianceEstimators.Sample(returns) * (29.0 / 30);
            Assert.InRange(delta, 0, 1);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(sample[i, i], shrunk[i, i], 1e-13);
            }
        });
    }
}

public class MinimumVarianceLargeTests
{
    [Fact]
    public void MinimumVariance_EightyAssetsWithCaps_IsFeasibleAndNoPairwiseMoveLowersVariance()
    {
        var rng = new Random(11);
        const int n = 80;
        var beta = Enumerable.Range(0, n).Select(_ => 0.3 + (0.6 * rng.NextDouble())).ToArray();
        var vol = Enumerable.Range(0, n).Select(_ => 0.1 + (0.3 * rng.NextDouble())).ToArray();
        var cov = Matrix<double>.Build.Dense(n, n, (i, j) => vol[i] * vol[j] * (i == j ? 1 : beta[i] * beta[j]));
        var upper = Enumerable.Repeat(0.05, n).ToArray();

        var w = MinimumVariance.Solve(cov, null, upper);

        Assert.Equal(1.0, w.Sum(), 12);
        Assert.All(w, x => Assert.InRange(x, 0, 0.05 + 1e-12));
        var v = Vector<double>.Build.DenseOfArray(w);
        var gradient = cov * v;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                // Moving weight from i (above 0) to j (below its cap) cannot help: gradient_j >= gradient_i.
                if (i != j && w[i] > 1e-9 && w[j] < 0.05 - 1e-9)
                {
                    Assert.True(gradient[j] >= gradient[i] - 1e-10, $"moving weight from {i} to {j} lowers the variance");
                }
            }
        }
    }
}
