using Ballast.Optimisation;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

public class RiskBudgetingConvergenceTests
{
    private static Matrix<double> FactorModel(int n, int factors, int seed) => FactorModels.Strong(n, factors, seed);

    [Fact]
    public void RiskParity_StronglyCorrelatedFactorModel_ConvergesWithinAFewThousandSweeps()
    {
        // Coordinate descent alone crawls here (linear convergence at a rate near one): 5,000 sweeps leave a
        // relative risk-contribution error of about 1e-4, and the solver used to throw "did not converge".
        var covariance = FactorModel(200, 10, 11);
        var budgets = Enumerable.Repeat(1.0 / 200, 200).ToArray();

        var w = RiskBudgeting.Solve(covariance, budgets, maxSweeps: 5_000);
        var rc = RiskBudgeting.RiskContributions(covariance, w);

        Assert.Equal(1.0, w.Sum(), 12);
        Assert.All(w, x => Assert.True(x > 0));
        Assert.All(rc, r => Assert.True(Math.Abs(r - (1.0 / 200)) * 200 < 1e-10, $"risk contribution {r} vs 1/200"));
    }

    [Fact]
    public void RiskBudgets_StronglyCorrelatedFactorModelWithUnequalBudgets_HitTheBudgets()
    {
        var covariance = FactorModel(120, 5, 3);
        var rng = new Random(5);
        var raw = Enumerable.Range(0, 120).Select(_ => 0.2 + rng.NextDouble()).ToArray();
        var budgets = raw.Select(b => b / raw.Sum()).ToArray();

        var w = RiskBudgeting.Solve(covariance, budgets);
        var rc = RiskBudgeting.RiskContributions(covariance, w);

        for (var i = 0; i < budgets.Length; i++)
        {
            Assert.True(Math.Abs(rc[i] - budgets[i]) / budgets[i] < 1e-10, $"asset {i}: risk contribution {rc[i]} vs budget {budgets[i]}");
        }
    }

    [Fact]
    public void RiskParity_ThousandAssetTwentyFactorModel_HitsEqualContributionsWithinTheTolerance()
    {
        // The size `ballast weights --covariance` is measured at (docs/policy-spec.md): coordinate descent alone is
        // far from converged here, so the Newton finish (conjugate gradients on the last Cholesky factor) does the work.
        const int n = 1_000;
        var covariance = FactorModel(n, 20, 2026);
        var budgets = Enumerable.Repeat(1.0 / n, n).ToArray();

        var w = RiskBudgeting.Solve(covariance, budgets);
        var rc = RiskBudgeting.RiskContributions(covariance, w);

        Assert.Equal(1.0, w.Sum(), 12);
        Assert.All(w, x => Assert.True(x > 0));
        Assert.All(rc, r => Assert.True(Math.Abs(r - (1.0 / n)) * n < 1e-10, $"risk contribution {r} vs 1/{n}"));
    }

    [Fact]
    public void RiskBudgets_ThousandAssetTwentyFactorModelWithUnequalBudgets_HitTheBudgets()
    {
        const int n = 1_000;
        var covariance = FactorModel(n, 20, 7);
        var rng = new Random(9);
        var raw = Enumerable.Range(0, n).Select(_ => 0.1 + rng.NextDouble()).ToArray();
        var budgets = raw.Select(b => b / raw.Sum()).ToArray();

        var w = RiskBudgeting.Solve(covariance, budgets);
        var rc = RiskBudgeting.RiskContributions(covariance, w);

        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(rc[i] - budgets[i]) / budgets[i] < 1e-10, $"asset {i}: risk contribution {rc[i]} vs budget {budgets[i]}");
        }
    }

    [Fact]
    public void RiskParity_MatrixSymmetricOnlyWithinRounding_SolvesTheMatrixAsGiven()
    {
        // An exactly symmetric matrix is read through its own storage, one that is not through a row-major copy: both
        // must give the answer of the same matrix, so a tiny asymmetry moves the weights by no more than it moves Σ.
        var covariance = FactorModel(300, 10, 5);
        var skewed = covariance.Clone();
        skewed[7, 3] *= 1 + 1e-14;
        var budgets = Enumerable.Repeat(1.0 / 300, 300).ToArray();

        Assert.Same(covariance.AsColumnMajorArray(), SymmetricRows.RowMajor(covariance));
        Assert.NotSame(skewed.AsColumnMajorArray(), SymmetricRows.RowMajor(skewed));
        Assert.Equal(skewed.ToRowMajorArray(), SymmetricRows.RowMajor(skewed));
        var w = RiskBudgeting.Solve(covariance, budgets);
        var v = RiskBudgeting.Solve(skewed, budgets);
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal(w[i], v[i], 12));
    }
}
