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

    /// <summary>
    /// Asserts the optimality (KKT) conditions of the bounded problem: weights within their bounds summing to 1; every
    /// free asset's absolute risk contribution over its budget at one common level λ (to <paramref name="tolerance"/>
    /// relative); an asset at its cap with rc/b ≤ λ (it would take more) and at its floor with rc/b ≥ λ.
    /// Returns the assets at the cap, free and at the floor.
    /// </summary>
    private static (int[] Capped, int[] Free, int[] Floored) AssertOptimal(Matrix<double> cov, double[] budgets, double[] lower, double[] upper, double[] w, double tolerance)
    {
        var n = w.Length;
        Assert.Equal(1, w.Sum(), 10);
        Assert.All(Enumerable.Range(0, n), i => Assert.InRange(w[i], lower[i] - 1e-12, upper[i] + 1e-12));
        var rc = Absolute(cov, w);
        var capped = Enumerable.Range(0, n).Where(i => upper[i] > lower[i] && w[i] >= upper[i] - 1e-9).ToArray();
        var floored = Enumerable.Range(0, n).Where(i => upper[i] > lower[i] && w[i] <= lower[i] + 1e-9).ToArray();
        var free = Enumerable.Range(0, n).Where(i => w[i] > lower[i] + 1e-9 && w[i] < upper[i] - 1e-9).ToArray();
        if (free.Length == 0)
        {
            return (capped, free, floored);
        }

        var level = rc[free[0]] / budgets[free[0]];
        Assert.All(free, i => Assert.True(Math.Abs((rc[i] / budgets[i]) - level) <= tolerance * level, $"free asset {i}: rc/b {rc[i] / budgets[i]} vs λ {level}"));
        Assert.All(capped, i => Assert.True(rc[i] / budgets[i] <= level * (1 + tolerance), $"asset {i} at its cap has rc/b above λ"));
        Assert.All(floored, i => Assert.True(rc[i] / budgets[i] >= level * (1 - tolerance), $"asset {i} at its floor has rc/b below λ"));
        return (capped, free, floored);
    }

    /// <summary>A random small problem: a Wishart-like covariance with a ridge, random budgets, some caps and floors.</summary>
    private static Gen<(Matrix<double> Covariance, double[] Budgets, double[] Lower, double[] Upper)> SmallProblems { get; } =
        Gen.Select(Gen.Int[2, 8], Gen.Int[0, 1_000_000]).Select((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 3, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 3)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-2);
            var raw = Enumerable.Range(0, n).Select(_ => 0.1 + rng.NextDouble()).ToArray();
            var budgets = raw.Select(b => b / raw.Sum()).ToArray();
            var upper = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4 ? (0.5 + rng.NextDouble()) / n : 1).ToArray();
            var lower = Enumerable.Range(0, n).Select(i => rng.NextDouble() < 0.3 ? Math.Min(upper[i], 0.5 / n) : 0).ToArray();
            return (cov, budgets, lower, upper);
        }).Where(p => p.upper.Sum() >= 1);

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
    public void Solve_AssetWhoseBoundsAreEqual_StaysThereAndTheOthersShareRisk()
    {
        var w = BoundedRiskBudgeting.Solve(Roncalli, Equal, [0, 0.3, 0, 0], [1, 0.3, 1, 1]);
        Assert.Equal(0.3, w[1], 12);
        AssertOptimal(Roncalli, Equal, [0, 0.3, 0, 0], [1, 0.3, 1, 1], w, 1e-9);
    }

    [Fact]
    public void Solve_RandomProblems_FreeAssetsKeepContributionsInProportionToBudgets_AndBoundsHold()
    {
        SmallProblems.Sample(p =>
        {
            var w = BoundedRiskBudgeting.Solve(p.Covariance, p.Budgets, p.Lower, p.Upper);
            AssertOptimal(p.Covariance, p.Budgets, p.Lower, p.Upper, w, 1e-8);
        });
    }

    [Fact]
    public void Solve_ThreeAssetsTwoAtTheirCaps_Converges()
    {
        // Found by the property above (seed 02d-AiCPWk84 at 1,000 iterations): one free asset, solved by coordinate
        // descent alone at each λ, and the slope of Σy*(λ) taken from a Newton factor of an earlier λ. The search on λ
        // oscillated about the root and gave up after 100 steps ("no λ gives weights summing to 1").
        var covariance = Matrix<double>.Build.DenseOfArray(new[,]
        {
            { 0.114684, -0.00742909, 0.0399561 },
            { -0.00742909, 0.103372, 0.0778139 },
            { 0.0399561, 0.0778139, 0.128074 },
        });
        double[] budgets = [0.24595548273045945, 0.6749526469831028, 0.0790918702864379];
        double[] lower = [1d / 6, 0, 0];
        double[] upper = [0.21882212971592732, 0.28077447869850997, 1];

        var w = BoundedRiskBudgeting.Solve(covariance, budgets, lower, upper);

        AssertOptimal(covariance, budgets, lower, upper, w, 1e-8);
        Assert.Equal(upper[0], w[0], 12);
        Assert.Equal(upper[1], w[1], 12);
    }

    [Fact]
    public void Solve_RandomProblems_EqualTheCoordinateDescentSolver()
    {
        // The solver before issue 11's rewrite (kept in the tests as an oracle) converges on these small problems.
        SmallProblems.Sample(p =>
        {
            var w = BoundedRiskBudgeting.Solve(p.Covariance, p.Budgets, p.Lower, p.Upper);
            var reference = CoordinateDescentBoundedRiskBudgeting.Solve(p.Covariance, p.Budgets, p.Lower, p.Upper);
            Assert.All(Enumerable.Range(0, w.Length), i => Assert.True(Math.Abs(w[i] - reference[i]) <= 1e-9, $"asset {i}: {w[i]} vs coordinate descent {reference[i]}"));
        });
    }

    [Fact]
    public void Solve_ThousandAssetMarketFactorModelWithBindingBounds_IsOptimal()
    {
        // The size of `ballast weights --covariance FILE --scheme risk-parity --bounds 0.0006:0.0011`, with the cap binding.
        var (capped, _) = AssertOptimalAtThousandAssets(FactorModels.Market(1_000, 20261207), 0.0006, 0.0011);
        Assert.True(capped > 100, $"only {capped} assets at the cap");
    }

    [Fact]
    public void Solve_ThousandAssetStronglyCorrelatedFactorModelWithBindingBounds_IsOptimal()
    {
        // Factors explain ~97 % of each variance: coordinate descent inside bisection on λ (the solver before issue
        // 11's rewrite) did not finish this in 54 minutes; `ballast weights --bounds 0.0005:0.002` on hard1000.csv.
        var (capped, floored) = AssertOptimalAtThousandAssets(FactorModels.Strong(1_000, 20, 11), 0.0005, 0.002);
        Assert.True(capped > 100 && floored > 100, $"{capped} assets at the cap and {floored} at the floor: both should bind");
    }

    /// <summary>
    /// Risk parity within [lo, hi] for every asset of a 1,000-asset matrix: optimal (KKT) with some assets free, and
    /// the bounds bind where the unbounded answer breaks them clearly: every asset the unbounded answer puts above
    /// 1.5 times the cap ends at the cap, and below two thirds of the floor at the floor. Returns how many end at each.
    /// </summary>
    private static (int Capped, int Floored) AssertOptimalAtThousandAssets(Matrix<double> cov, double lo, double hi)
    {
        const int n = 1_000;
        var budgets = Enumerable.Repeat(1.0 / n, n).ToArray();
        var lower = Enumerable.Repeat(lo, n).ToArray();
        var upper = Enumerable.Repeat(hi, n).ToArray();

        var w = BoundedRiskBudgeting.Solve(cov, budgets, lower, upper);

        var (capped, free, floored) = AssertOptimal(cov, budgets, lower, upper, w, 1e-8);
        Assert.True(free.Length > 100, $"only {free.Length} free assets");
        var unbounded = RiskBudgeting.Solve(cov, budgets);
        Assert.All(Enumerable.Range(0, n).Where(i => unbounded[i] > 1.5 * hi), i => Assert.Contains(i, capped));
        Assert.All(Enumerable.Range(0, n).Where(i => unbounded[i] < lo / 1.5), i => Assert.Contains(i, floored));
        return (capped.Length, floored.Length);
    }
}
