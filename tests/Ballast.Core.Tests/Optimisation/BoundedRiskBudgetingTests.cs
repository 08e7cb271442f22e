using Ballast.Optimisation;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

/// <summary>Constrained risk budgeting in the Richard–Roncalli formulation (see docs/decisions.md).</summary>
public class BoundedRiskBudgetingTests
{
    private static readonly Matrix<double> Roncalli = Matrix<double>.Build.DenseOfArray(new double[,]
    {
        { 0.01, 0.0075, 0.01, 0.015 }, { 0.0075, 0.0225, 0.015, 0.0225 }, { 0.01, 0.015, 0.04, 0.045 }, { 0.015, 0.0225, 0.045, 0.09 },
    });

    private static readonly double[] Equal = [0.25, 0.25, 0.25, 0.25];

    private static double[] Absolute(Matrix<double> cov, double[] w)
    {
        var sw = cov * Vector<double>.Build.DenseOfArray(w);
        return [.. w.Select((x, i) => x * sw[i])];
    }

    [Fact]
    public void Solve_BoundsThatDoNotBind_GiveThePublishedErc()
    {
        var w = BoundedRiskBudgeting.Solve(Roncalli, Equal, [0, 0, 0, 0], [1, 1, 1, 1]);
        var published = new[] { 0.4101, 0.2734, 0.1899, 0.1266 };
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(published[i], w[i], 4);
        }
    }

    [Fact]
    public void Solve_CapOnTheLowVolatilityAsset_HoldsItAtTheCapAndKeepsTheOthersInProportion()
    {
        // The ERC answer puts 41% in the first asset; capped at 30%, it sits at the cap and the three free
        // assets keep equal absolute risk contributions (λ·bᵢ with equal budgets).
        var w = BoundedRiskBudgeting.Solve(Roncalli, Equal, [0, 0, 0, 0], [0.3, 1, 1, 1]);
        Assert.Equal(0.3, w[0], 12);
        Assert.Equal(1, w.Sum(), 12);
        var rc = Absolute(Roncalli, w);
        Assert.Equal(rc[1], rc[2], 10);
        Assert.Equal(rc[1], rc[3], 10);

        // At the cap, the budget would push it higher: its contribution is below the free assets' common level.
        Assert.True(rc[0] < rc[1]);
    }

    [Fact]
    public void Solve_FloorOnTheRiskiestAsset_HoldsItAtTheFloor()
    {
        var w = BoundedRiskBudgeting.Solve(Roncalli, Equal, [0, 0, 0, 0.2], [1, 1, 1, 1]);
        Assert.Equal(0.2, w[3], 12);
        var rc = Absolute(Roncalli, w);
        Assert.Equal(rc[0], rc[1], 10);
        Assert.Equal(rc[0], rc[2], 10);
        Assert.True(rc[3] > rc[0]);
    }

    [Fact]
    public void Solve_BoundsThatExcludeOne_AreAnError()
    {
        var e = Assert.Throws<InfeasibleConstraintsException>(() => BoundedRiskBudgeting.Solve(Roncalli, Equal, [0, 0, 0, 0], [0.2, 0.2, 0.2, 0.2], ["A", "B", "C", "D"]));
        Assert.Contains("conflict with the budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_RandomProblems_FreeAssetsKeepContributionsInProportionToBudgets_AndBoundsHold()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 3, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 3)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-2);
            var raw = Enumerable.Range(0, n).Select(_ => 0.1 + rng.NextDouble()).ToArray();
            var budgets = raw.Select(b => b / raw.Sum()).ToArray();
            var upper = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4 ? (0.5 + rng.NextDouble()) / n : 1).ToArray();
            var lower = Enumerable.Range(0, n).Select(i => rng.NextDouble() < 0.3 ? Math.Min(upper[i], 0.5 / n) : 0).ToArray();
            if (upper.Sum() < 1)
            {
                return;
            }

            var w = BoundedRiskBudgeting.Solve(cov, budgets, lower, upper);
            Assert.Equal(1, w.Sum(), 10);
            var rc = Absolute(cov, w);
            var free = Enumerable.Range(0, n).Where(i => w[i] > lower[i] + 1e-9 && w[i] < upper[i] - 1e-9).ToArray();
            for (var i = 0; i < n; i++)
            {
                Assert.InRange(w[i], lower[i] - 1e-12, upper[i] + 1e-12);
            }

            if (free.Length == 0)
            {
                return;
            }

            // λ from the free assets; an asset at its upper bound would take more (rc/b ≤ λ), at a lower bound less (rc/b ≥ λ).
            var level = rc[free[0]] / budgets[free[0]];
            foreach (var i in free)
            {
                Assert.True(Math.Abs((rc[i] / budgets[i]) - level) <= 1e-8 * level, $"free asset {i}: rc/b {rc[i] / budgets[i]} vs {level}");
            }

            for (var i = 0; i < n; i++)
            {
                if (w[i] >= upper[i] - 1e-9 && upper[i] > lower[i])
                {
                    Assert.True(rc[i] / budgets[i] <= level * (1 + 1e-8), $"asset {i} at its upper bound has rc/b above λ");
                }
                else if (w[i] <= lower[i] + 1e-9 && upper[i] > lower[i])
                {
                    Assert.True(rc[i] / budgets[i] >= level * (1 - 1e-8), $"asset {i} at its lower bound has rc/b below λ");
                }
            }
        });
    }

    [Fact]
    public void Solve_ThousandAssetMarketFactorModelWithBindingBounds_FreeAssetsShareRiskEquallyAndBoundsHold()
    {
        // 20 factors, one a market factor every asset loads on, idiosyncratic volatilities 10-30 %: the size of
        // `ballast weights --covariance FILE --scheme risk-parity --bounds 0.0006:0.0011`, with the cap binding.
        const int n = 1_000;
        var rng = new Random(20261207);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var loadings = Matrix<double>.Build.Dense(n, 20, (_, j) => j == 0 ? 0.12 + (0.08 * rng.NextDouble()) : 0.06 * Normal());
        var cov = (loadings * loadings.Transpose()) + Matrix<double>.Build.DenseOfDiagonalArray([.. Enumerable.Range(0, n).Select(_ => Math.Pow(0.10 + (0.20 * rng.NextDouble()), 2))]);
        cov = (cov + cov.Transpose()) / 2;
        var budgets = Enumerable.Repeat(1.0 / n, n).ToArray();
        var lower = Enumerable.Repeat(0.0006, n).ToArray();
        var upper = Enumerable.Repeat(0.0011, n).ToArray();

        var w = BoundedRiskBudgeting.Solve(cov, budgets, lower, upper);

        Assert.Equal(1, w.Sum(), 10);
        Assert.All(w, x => Assert.InRange(x, 0.0006 - 1e-12, 0.0011 + 1e-12));
        var rc = Absolute(cov, w);
        var capped = Enumerable.Range(0, n).Where(i => w[i] >= upper[i] - 1e-9).ToArray();
        var free = Enumerable.Range(0, n).Where(i => w[i] > lower[i] + 1e-9 && w[i] < upper[i] - 1e-9).ToArray();
        Assert.True(capped.Length > 10, $"only {capped.Length} assets at the cap: the bounds should bind");
        Assert.True(free.Length > 10, $"only {free.Length} free assets");
        var level = rc[free[0]] / budgets[free[0]];
        Assert.All(free, i => Assert.True(Math.Abs((rc[i] / budgets[i]) - level) <= 1e-8 * level, $"free asset {i}: rc/b {rc[i] / budgets[i]} vs {level}"));
        Assert.All(capped, i => Assert.True(rc[i] / budgets[i] <= level * (1 + 1e-8), $"asset {i} at the cap has rc/b above λ"));
        Assert.All(Enumerable.Range(0, n).Where(i => w[i] <= lower[i] + 1e-9), i => Assert.True(rc[i] / budgets[i] >= level * (1 - 1e-8), $"asset {i} at the floor has rc/b below λ"));
    }
}
