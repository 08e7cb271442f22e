using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>
/// Risk budgeting with per-asset weight bounds, in the formulation of Richard and Roncalli (2019, "Constrained risk
/// budgeting portfolios"): y*(λ) = argmin ½ yᵀΣy − λ Σ bᵢ ln yᵢ subject to loᵢ ≤ yᵢ ≤ hiᵢ, with λ &gt; 0 chosen so
/// that Σ y*(λ) = 1; the weights are w = y*(λ). At the answer every asset strictly inside its bounds has absolute
/// risk contribution wᵢ(Σw)ᵢ = λbᵢ (the free assets' contributions stay in proportion to their budgets), and an
/// asset at a bound is there because the budget would push it further. This is not the same portfolio as
/// "minimise Σ(RCᵢ − bᵢ)² within the bounds" or "rescale the unconstrained answer and clip": published numbers for
/// one constrained problem differ with the formulation, so docs/decisions.md names this one.
/// </summary>
/// <remarks>
/// Solved by cyclical coordinate descent for each λ (each coordinate step is the positive root of
/// Σᵢᵢyᵢ² + cᵢyᵢ − λbᵢ = 0, clipped to the bounds: exact for a convex function of one variable) and bisection on
/// ln λ, since Σ y*(λ) increases with λ. Without binding bounds it reproduces <see cref="RiskBudgeting.Solve"/>.
/// </remarks>
public static class BoundedRiskBudgeting
{
    /// <summary>The risk-budget weights within per-asset bounds (see the class remarks for the problem and the method).</summary>
    /// <param name="covariance">The n × n covariance matrix of returns, symmetric positive semidefinite.</param>
    /// <param name="budgets">Risk budgets per asset, each &gt; 0, summing to 1 (all 1/n for risk parity).</param>
    /// <param name="lower">Per-asset lower bounds in universe order.</param>
    /// <param name="upper">Per-asset upper bounds in universe order.</param>
    /// <param name="names">Asset names for messages; "asset i" when null.</param>
    /// <returns>n weights within their bounds, summing to 1.</returns>
    /// <exception cref="ArgumentException">The budgets or bounds do not have one entry per asset.</exception>
    /// <exception cref="InfeasibleConstraintsException">An asset's bounds admit no positive weight, or the bounds' sums exclude 1.</exception>
    /// <exception cref="InvalidOperationException">No λ gives weights summing to 1, or coordinate descent did not converge.</exception>
    public static double[] Solve(Matrix<double> covariance, IReadOnlyList<double> budgets, IReadOnlyList<double> lower, IReadOnlyList<double> upper, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        var n = covariance.RowCount;
        if (budgets.Count != n || lower.Count != n || upper.Count != n)
        {
            throw new ArgumentException("one budget and one pair of bounds per asset");
        }

        string Name(int i) => names is not null && i < names.Count ? names[i] : $"asset {i}";
        for (var i = 0; i < n; i++)
        {
            if (lower[i] > upper[i] || upper[i] <= 0)
            {
                throw new InfeasibleConstraintsException($"bounds of {Name(i)} admit no positive weight: [{lower[i]}, {upper[i]}]");
            }
        }

        if (lower.Sum() > 1 + 1e-12 || upper.Sum() < 1 - 1e-12)
        {
            throw new InfeasibleConstraintsException($"bounds sum to [{lower.Sum():0.######}, {upper.Sum():0.######}], which excludes 1: they conflict with the budget (weights sum to 1)");
        }

        var sigma = SymmetricRows.RowMajor(covariance);

        // Start from the unconstrained answer, clipped; λ from its scale (Σ y = 1 at λ = yᵀΣy for the unconstrained problem).
        var y = RiskBudgeting.Solve(covariance, budgets);
        var wv = Vector<double>.Build.DenseOfArray(y);
        var lambda = wv.DotProduct(covariance * wv);
        double Total(double l)
        {
            Sweep(sigma, n, budgets, lower, upper, l, y);
            return y.Sum();
        }

        var lo = lambda;
        var hi = lambda;
        var guard = 0;
        while (Total(lo) > 1)
        {
            lo /= 2;
            if (++guard > 200)
            {
                throw new InvalidOperationException("bounded risk budgeting: no λ gives weights summing to 1");
            }
        }

        while (Total(hi) < 1)
        {
            hi *= 2;
            if (++guard > 400)
            {
                throw new InvalidOperationException("bounded risk budgeting: no λ gives weights summing to 1");
            }
        }

        for (var iteration = 0; iteration < 200 && (hi - lo) > 1e-15 * hi; iteration++)
        {
            var mid = Math.Sqrt(lo * hi);
            if (Total(mid) < 1)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        Total(hi);
        var sum = y.Sum();
        var w = y.Select(v => v / sum).ToArray();
        for (var i = 0; i < n; i++)
        {
            w[i] = Math.Min(upper[i], Math.Max(lower[i], w[i]));
        }

        var excess = w.Sum() - 1;
        var best = Enumerable.Range(0, n).OrderByDescending(i => excess > 0 ? w[i] - lower[i] : upper[i] - w[i]).First();
        w[best] -= excess;
        return w;
    }

    /// <summary>Coordinate descent for one λ, warm-started from <paramref name="y"/>, until no coordinate moves by more than 1e-13 relative.</summary>
    private static void Sweep(double[] sigma, int n, IReadOnlyList<double> budgets, IReadOnlyList<double> lower, IReadOnlyList<double> upper, double lambda, double[] y)
    {
        for (var i = 0; i < n; i++)
        {
            y[i] = Math.Min(upper[i], Math.Max(Math.Max(lower[i], 1e-300), y[i]));
        }

        var sy = new double[n];
        RiskBudgeting.Multiply(sigma, n, y, sy);

        var moved = double.PositiveInfinity;
        for (var sweep = 0; sweep < 100_000; sweep++)
        {
            moved = 0.0;
            for (var i = 0; i < n; i++)
            {
                var sii = sigma[(i * n) + i];
                var c = sy[i] - (sii * y[i]);
                var root = (-c + Math.Sqrt((c * c) + (4 * sii * lambda * budgets[i]))) / (2 * sii);
                var next = Math.Min(upper[i], Math.Max(lower[i], root));
                var delta = next - y[i];
                if (delta != 0)
                {
                    // Σ is symmetric: column i is row i. Σy += delta · row i, vectorised.
                    VectorKernels.AddScaled(sigma.AsSpan(i * n, n), delta, sy);

                    y[i] = next;
                    moved = Math.Max(moved, Math.Abs(delta) / Math.Max(next, 1e-300));
                }
            }

            // Relative moves of 1e-13 are at the floating-point floor for these sums; below that sweeps only jitter.
            if (moved < 1e-13)
            {
                return;
            }
        }

        if (moved > 1e-9)
        {
            throw new InvalidOperationException($"bounded risk budgeting: coordinate descent did not converge (last relative move {moved:E1})");
        }
    }
}
