using Ballast.Optimisation;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

/// <summary>
/// Minimum variance and mean-variance under general linear constraints (groups, correlation clusters, beta, L1
/// turnover), checked against an independent brute-force oracle that tries every small active set.
/// </summary>
public class ConstrainedPortfolioTests
{
    private static readonly Matrix<double> GmvCovariance = FromVolsAndCorrelations(
        [0.15, 0.20, 0.25, 0.30],
        new double[,] { { 1, 0.1, 0.4, 0.5 }, { 0.1, 1, 0.7, 0.4 }, { 0.4, 0.7, 1, 0.8 }, { 0.5, 0.4, 0.8, 1 } });

    private static readonly string[] Names = ["A", "B", "C", "D"];

    private static Matrix<double> FromVolsAndCorrelations(double[] vols, double[,] rho) =>
        Matrix<double>.Build.Dense(vols.Length, vols.Length, (i, j) => vols[i] * vols[j] * rho[i, j]);

    private static void Near(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"weight {i}: expected {expected[i]}, got {actual[i]} (expected {string.Join(", ", expected)}; got {string.Join(", ", actual)})");
        }
    }

    /// <summary>
    /// The exact optimum of min ½wᵀQw + cᵀw s.t. Σw = 1 and rows aᵀw ≥ b, found by trying every set of at most n − 1
    /// active rows, solving its equality-constrained KKT system, and keeping the one that is feasible with
    /// non-negative multipliers (unique for a positive definite Q). Independent of the solver under test.
    /// </summary>
    private static double[] Oracle(Matrix<double> q, double[] c, List<(double[] A, double B)> rows)
    {
        var n = q.RowCount;
        var m = rows.Count;
        foreach (var subset in Subsets(m, n - 1))
        {
            var k = subset.Length + 1;
            var kkt = Matrix<double>.Build.Dense(n + k, n + k);
            var rhs = Vector<double>.Build.Dense(n + k);
            kkt.SetSubMatrix(0, 0, q);
            for (var i = 0; i < n; i++)
            {
                rhs[i] = -c[i];
                kkt[i, n] = -1;
                kkt[n, i] = 1;
            }

            rhs[n] = 1;
            for (var s = 0; s < subset.Length; s++)
            {
                var (a, b) = rows[subset[s]];
                for (var i = 0; i < n; i++)
                {
                    kkt[i, n + 1 + s] = -a[i];
                    kkt[n + 1 + s, i] = a[i];
                }

                rhs[n + 1 + s] = b;
            }

            if (Math.Abs(kkt.Determinant()) < 1e-14)
            {
                continue;
            }

            var solution = kkt.Solve(rhs);
            var w = solution.SubVector(0, n).ToArray();
            var feasible = rows.All(r => r.A.Zip(w, (x, y) => x * y).Sum() >= r.B - 1e-10);
            var dual = Enumerable.Range(0, subset.Length).All(s => solution[n + 1 + s] >= -1e-10);
            if (feasible && dual)
            {
                return w;
            }
        }

        throw new InvalidOperationException("oracle: no optimum (infeasible)");
    }

    private static IEnumerable<int[]> Subsets(int m, int maxSize)
    {
        for (var size = 0; size <= Math.Min(m, maxSize); size++)
        {
            foreach (var s in Combinations(m, size, 0))
            {
                yield return s;
            }
        }
    }

    private static IEnumerable<int[]> Combinations(int m, int size, int start)
    {
        if (size == 0)
        {
            yield return [];
            yield break;
        }

        for (var i = start; i <= m - size; i++)
        {
            foreach (var rest in Combinations(m, size - 1, i + 1))
            {
                yield return [i, .. rest];
            }
        }
    }

    /// <summary>The oracle's rows for long-only bounds, linear constraints and (as all 2ⁿ sign half-spaces) an L1 ball.</summary>
    private static List<(double[] A, double B)> OracleRows(int n, PortfolioConstraints constraints)
    {
        var rows = new List<(double[] A, double B)>();
        for (var i = 0; i < n; i++)
        {
            var e = new double[n];
            e[i] = 1;
            rows.Add((e, constraints.Lower.IsDefaultOrEmpty ? 0 : constraints.Lower[i]));
            if (!constraints.Upper.IsDefaultOrEmpty && constraints.Upper[i] < 1)
            {
                rows.Add(([.. e.Select(v => -v)], -constraints.Upper[i]));
            }
        }

        foreach (var l in constraints.Linear)
        {
            if (double.IsFinite(l.Lower))
            {
                rows.Add((l.Coefficients.ToArray(), l.Lower));
            }

            if (double.IsFinite(l.Upper))
            {
                rows.Add(([.. l.Coefficients.Select(v => -v)], -l.Upper));
            }
        }

        if (constraints.MaxTurnover is { } t)
        {
            for (var mask = 0; mask < 1 << n; mask++)
            {
                var s = Enumerable.Range(0, n).Select(i => (mask >> i & 1) == 1 ? 1.0 : -1.0).ToArray();
                rows.Add(([.. s.Select(v => -v)], -(t + s.Zip(constraints.Current, (a, b) => a * b).Sum())));
            }
        }

        return rows;
    }

    private static LinearConstraint Group(double min, double max, params int[] members) =>
        ConstraintBuilder.Group("g" + string.Concat(members), members, Names, 4, min, max);

    [Fact]
    public void General_BoundsOnly_ReproducesThePublishedGmvWeights()
    {
        Near([0.65487, 0.34513, 0, 0], MinimumVariance.SolveGeneral(GmvCovariance, null, PortfolioConstraints.None with { Linear = [Group(0, 1, 0)] }, Names), 1e-5);
        Near([0.56195, 0.23805, 0.1, 0.1], MinimumVariance.SolveGeneral(GmvCovariance, null, new PortfolioConstraints { Lower = [0.1, 0.1, 0.1, 0.1], Linear = [Group(0, 1, 0)] }, Names), 1e-5);
        Near([0.4, 0.2, 0.2, 0.2], MinimumVariance.SolveGeneral(GmvCovariance, null, new PortfolioConstraints { Lower = [0.2, 0.2, 0.2, 0.2], Linear = [Group(0, 1, 0)] }, Names), 1e-5);
        Near([0.5, 0.5, 0, 0], MinimumVariance.SolveGeneral(GmvCovariance, null, new PortfolioConstraints { Upper = [0.5, 0.5, 0.5, 0.5], Linear = [Group(0, 1, 0)] }, Names), 1e-5);
    }

    [Fact]
    public void Groups_CapOnTheUnconstrainedWinners_BindsAndMatchesTheOracle()
    {
        // Unconstrained, A and B hold everything; capping them at 80% forces 20% into C and D.
        var constraints = new PortfolioConstraints { Linear = [Group(0, 0.8, 0, 1)] };
        var w = MinimumVariance.Solve(GmvCovariance, constraints, Names);
        Assert.Equal(0.8, w[0] + w[1], 9);
        Near(Oracle(GmvCovariance, new double[4], OracleRows(4, constraints)), w, 1e-8);
    }

    [Fact]
    public void Groups_MinimumOnALaggardGroup_MatchesTheOracle()
    {
        var constraints = new PortfolioConstraints { Upper = [0.6, 1, 1, 1], Linear = [Group(0.3, 1, 2, 3), Group(0, 0.25, 1)] };
        var w = MinimumVariance.Solve(GmvCovariance, constraints, Names);
        Near(Oracle(GmvCovariance, new double[4], OracleRows(4, constraints)), w, 1e-8);
        Assert.True(w[2] + w[3] >= 0.3 - 1e-9);
        Assert.True(w[1] <= 0.25 + 1e-9);
    }

    [Fact]
    public void Groups_ThatConflict_AreAnErrorNamingEachConflictingConstraint()
    {
        var constraints = new PortfolioConstraints { Linear = [Group(0.7, 1, 0, 1), Group(0.5, 1, 2, 3)] };
        var e = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, constraints, Names));
        Assert.Contains("group 'g01'", e.Message, StringComparison.Ordinal);
        Assert.Contains("group 'g23'", e.Message, StringComparison.Ordinal);
        Assert.Contains("budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_ThatConflictWithAThirdPresent_NameOnlyAnIrreducibleSet()
    {
        // g01 >= 0.55 and g23 >= 0.5 cannot both hold; g2 >= 0.1 is satisfiable alongside either and is not named.
        var constraints = new PortfolioConstraints { Linear = [Group(0.55, 0.6, 0, 1), Group(0.5, 1, 2, 3), Group(0.1, 0.4, 2)] };
        var e = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, constraints, Names));
        Assert.Contains("group 'g01'", e.Message, StringComparison.Ordinal);
        Assert.Contains("group 'g23'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("group 'g2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BetaLimit_BelowTheUnconstrainedBeta_BindsAndMatchesTheOracle()
    {
        var betas = new[] { 1.2, 0.9, 0.5, 0.2 };
        var free = MinimumVariance.Solve(GmvCovariance);
        var freeBeta = betas.Zip(free, (b, w) => b * w).Sum();
        var constraints = new PortfolioConstraints { Linear = [ConstraintBuilder.Beta("SPY", betas, double.NegativeInfinity, 0.8)] };
        var w = MinimumVariance.Solve(GmvCovariance, constraints, Names);
        Assert.True(freeBeta > 0.8, $"the unconstrained beta {freeBeta} should exceed the limit for this test to mean anything");
        Assert.Equal(0.8, betas.Zip(w, (b, x) => b * x).Sum(), 9);
        Near(Oracle(GmvCovariance, new double[4], OracleRows(4, constraints)), w, 1e-8);
    }

    [Fact]
    public void BetaLimit_Unreachable_NamesTheBetaAndTheBounds()
    {
        var constraints = new PortfolioConstraints { Upper = [1, 1, 0.1, 0.1], Linear = [ConstraintBuilder.Beta("SPY", [1.2, 0.9, 0.5, 0.2], double.NegativeInfinity, 0.5)] };
        var e = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, constraints, Names));
        Assert.Contains("beta_limit", e.Message, StringComparison.Ordinal);
        Assert.Contains("upper bound of C", e.Message, StringComparison.Ordinal);
        Assert.Contains("upper bound of D", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxTurnover_FromEqualWeights_StopsShortOfTheOptimumAndMatchesTheOracle()
    {
        var constraints = new PortfolioConstraints { Current = [0.25, 0.25, 0.25, 0.25], MaxTurnover = 0.4 };
        var w = MinimumVariance.Solve(GmvCovariance, constraints, Names);
        Assert.Equal(0.4, w.Zip(constraints.Current, (a, b) => Math.Abs(a - b)).Sum(), 9);
        Near(Oracle(GmvCovariance, new double[4], OracleRows(4, constraints)), w, 1e-8);
    }

    [Fact]
    public void MaxTurnover_Generous_ChangesNothing()
    {
        var constraints = new PortfolioConstraints { Current = [0.25, 0.25, 0.25, 0.25], MaxTurnover = 2 };
        Near(MinimumVariance.Solve(GmvCovariance), MinimumVariance.Solve(GmvCovariance, constraints, Names), 1e-9);
    }

    [Fact]
    public void MaxTurnover_WithBoundsThatForceMore_NamesBoth()
    {
        var constraints = new PortfolioConstraints { Lower = [0, 0, 0.4, 0.4], Current = [0.5, 0.5, 0, 0], MaxTurnover = 0.5 };
        var e = Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.Solve(GmvCovariance, constraints, Names));
        Assert.Contains("max_turnover", e.Message, StringComparison.Ordinal);
        Assert.Contains("lower bound of", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MeanVariance_WithAGroup_MatchesTheOracle()
    {
        var mu = new[] { 0.03, 0.05, 0.07, 0.09 };
        var constraints = new PortfolioConstraints { Linear = [Group(0, 0.5, 2, 3)] };
        var w = MinimumVariance.MeanVariance(GmvCovariance, mu, 2, constraints, Names);
        Near(Oracle(GmvCovariance * 2, [.. mu.Select(m => -m)], OracleRows(4, constraints)), w, 1e-8);
    }

    [Fact]
    public void CorrelationClusters_CompleteLinkage_GroupsOnlyPairsAllAboveTheThreshold()
    {
        // A~B 0.9, B~C 0.85, A~C 0.5: complete linkage keeps {A, B} and leaves C alone (single linkage would chain all three).
        var rho = new double[,] { { 1, 0.9, 0.5, 0 }, { 0.9, 1, 0.85, 0 }, { 0.5, 0.85, 1, 0 }, { 0, 0, 0, 1 } };
        var clusters = ConstraintBuilder.CorrelationClusters(FromVolsAndCorrelations([0.1, 0.2, 0.3, 0.4], rho), 0.8);
        var only = Assert.Single(clusters);
        Assert.Equal([0, 1], only);

        // Three mutually correlated assets form one cluster.
        rho = new double[,] { { 1, 0.9, 0.82, 0 }, { 0.9, 1, 0.85, 0 }, { 0.82, 0.85, 1, 0 }, { 0, 0, 0, 1 } };
        Assert.Equal([0, 1, 2], Assert.Single(ConstraintBuilder.CorrelationClusters(FromVolsAndCorrelations([0.1, 0.2, 0.3, 0.4], rho), 0.8)));
    }

    [Fact]
    public void CorrelationClusterCap_BindsOnAClusterTheOptimumOverweights()
    {
        var rho = new double[,] { { 1, 0.9, 0.1, 0.1 }, { 0.9, 1, 0.1, 0.1 }, { 0.1, 0.1, 1, 0.2 }, { 0.1, 0.1, 0.2, 1 } };
        var cov = FromVolsAndCorrelations([0.05, 0.06, 0.3, 0.3], rho);
        var cluster = Assert.Single(ConstraintBuilder.CorrelationClusters(cov, 0.8));
        var constraints = new PortfolioConstraints { Linear = [ConstraintBuilder.ClusterCap(cluster, Names, 4, 0.8, 0.5)] };
        var w = MinimumVariance.Solve(cov, constraints, Names);
        Assert.True(MinimumVariance.Solve(cov)[0] + MinimumVariance.Solve(cov)[1] > 0.5);
        Assert.Equal(0.5, w[0] + w[1], 9);
        Near(Oracle(cov, new double[4], OracleRows(4, constraints)), w, 1e-8);
    }

    [Fact]
    public void Betas_AreCovarianceOverReferenceVariance()
    {
        // The first column is 1.5 x the reference plus a constant, so its beta is exactly 1.5.
        var reference = new[] { 0.01, -0.01, 0.02, 0.0 };
        var returns = new double[,] { { (1.5 * 0.01) + 0.001, 0.02 }, { (1.5 * -0.01) + 0.001, 0.01 }, { (1.5 * 0.02) + 0.001, -0.01 }, { 0.001, 0.02 } };
        var betas = ConstraintBuilder.Betas(returns, reference);
        Assert.Equal(1.5, betas[0], 12);
        var refMean = reference.Average();
        var col = Enumerable.Range(0, 4).Select(k => returns[k, 1]).ToArray();
        var cov = Enumerable.Range(0, 4).Sum(k => (col[k] - col.Average()) * (reference[k] - refMean));
        var variance = reference.Sum(r => (r - refMean) * (r - refMean));
        Assert.Equal(cov / variance, betas[1], 12);
    }

    [Fact]
    public void RandomProblems_EverySolutionMatchesTheOracle_AndMeetsItsConstraints()
    {
        Gen.Select(Gen.Int[2, 4], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 2, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 2)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-2);
            var names = Enumerable.Range(0, n).Select(i => $"X{i}").ToArray();
            var members = Enumerable.Range(0, n).Where(_ => rng.NextDouble() < 0.5).ToArray();
            var linear = new List<LinearConstraint>();
            if (members.Length > 0)
            {
                linear.Add(ConstraintBuilder.Group("g", members, names, n, 0.1 * rng.NextDouble(), 0.4 + (0.6 * rng.NextDouble())));
            }

            var betas = Enumerable.Range(0, n).Select(_ => 0.2 + (1.2 * rng.NextDouble())).ToArray();
            linear.Add(ConstraintBuilder.Beta("REF", betas, double.NegativeInfinity, betas.Max() - (0.3 * rng.NextDouble() * (betas.Max() - betas.Min()))));
            var current = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            current = [.. current.Select(v => v / current.Sum())];
            var constraints = new PortfolioConstraints
            {
                Upper = [.. Enumerable.Range(0, n).Select(_ => 0.5 + (0.5 * rng.NextDouble()))],
                Linear = [.. linear],
                Current = [.. current],
                MaxTurnover = rng.NextDouble() < 0.5 ? null : 0.05 + (0.5 * rng.NextDouble()),
            };

            double[] expected;
            try
            {
                expected = Oracle(cov, new double[n], OracleRows(n, constraints));
            }
            catch (InvalidOperationException)
            {
                Assert.Throws<InfeasibleConstraintsException>(() => MinimumVariance.SolveGeneral(cov, null, constraints, names));
                return;
            }

            Near(expected, MinimumVariance.SolveGeneral(cov, null, constraints, names), 1e-7);
        }, iter: 300);
    }

    [Fact]
    public void RandomBoundedProblems_GeneralAndBoundedSolversAgree()
    {
        Gen.Select(Gen.Int[2, 30], Gen.Int[0, 1_000_000]).Sample((n, seed) =>
        {
            var rng = new Random(seed);
            var a = Matrix<double>.Build.Dense(n + 5, n, (_, _) => rng.NextDouble() - 0.5);
            var cov = (a.TransposeThisAndMultiply(a) / (n + 5)) + (Matrix<double>.Build.DenseIdentity(n) * 1e-3);
            var lower = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? 0.5 / n : 0).ToArray();
            var upper = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5 ? 1.5 / n : 1).ToArray();
            var bounded = MinimumVariance.Solve(cov, lower, upper);
            var general = MinimumVariance.SolveGeneral(cov, null, new PortfolioConstraints { Lower = [.. lower], Upper = [.. upper] }, null);
            Near(bounded, general, 1e-7);
        }, iter: 200);
    }
}
