using Ballast.Optimisation;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

/// <summary>
/// The bounded risk-budgeting solver Ballast used before the projected Newton method (issue 11): the same
/// Richard–Roncalli problem, coordinate descent for each λ and bisection on ln λ. Slow (on a strongly correlated
/// 1,000-asset matrix it did not finish in 54 minutes) but simple: kept here as an independent oracle for small cases.
/// </summary>
internal static class CoordinateDescentBoundedRiskBudgeting
{
    /// <summary>The weights y*(λ)/Σy* at the λ bisection ends on (not clipped after normalising, unlike the old solver's last step).</summary>
    public static double[] Solve(Matrix<double> covariance, IReadOnlyList<double> budgets, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        var n = covariance.RowCount;
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
        return [.. y.Select(v => v / sum)];
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
