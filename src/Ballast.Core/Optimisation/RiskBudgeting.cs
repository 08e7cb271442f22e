using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>
/// Long-only risk-budget portfolios: weights w ≥ 0, Σw = 1, whose risk contributions
/// RCᵢ = wᵢ (Σw)ᵢ / (w'Σw) equal the budgets bᵢ (equal budgets: equal risk contribution, "risk parity").
/// Solved by cyclical coordinate descent on the equivalent problem min ½x'Σx − Σ bᵢ ln xᵢ (Griveau-Billion,
/// Richard and Roncalli 2013), whose unique solution, normalised, is the risk-budget portfolio; each coordinate
/// step is the positive root of σᵢᵢxᵢ² + (Σ_{j≠i} σᵢⱼxⱼ)xᵢ − bᵢ = 0. Iterates until every relative risk
/// contribution error is below the tolerance. Coordinate descent converges linearly, slowly on large, strongly
/// correlated matrices (a 1,000-asset factor-model covariance needs more than 100,000 sweeps); when it has not
/// converged after <see cref="CoordinateSweeps"/> sweeps (a typical covariance converges within them), or sooner
/// when it crawls (less than halving its error in four sweeps, as on strongly correlated matrices), damped
/// Newton steps on the same (self-concordant) objective finish from where it stopped (Spinu 2013), converging
/// quadratically; each step solves (Σ + diag(b/x²)) d = ∇ by conjugate gradients preconditioned with the Cholesky
/// factor of an earlier step, factoring afresh only when that is slow (<see cref="RiskBudgetingNewton"/>).
/// </summary>
public static class RiskBudgeting
{
    /// <summary>The long-only weights whose relative risk contributions equal <paramref name="budgets"/>.</summary>
    /// <param name="covariance">The n × n covariance matrix of returns, symmetric positive semidefinite, every variance &gt; 0.</param>
    /// <param name="budgets">Risk budgets per asset, each &gt; 0, summing to 1 (all 1/n for risk parity).</param>
    /// <param name="tolerance">Stop once every relative risk-contribution error |RCᵢ − bᵢ| / bᵢ is below this.</param>
    /// <param name="maxSweeps">The iteration budget: coordinate-descent sweeps use it first (at most <see cref="CoordinateSweeps"/>), Newton steps the rest (at most <see cref="MaxNewtonSteps"/>); no Newton finish when it is at most <see cref="CoordinateSweeps"/>.</param>
    /// <returns>n weights ≥ 0 summing to 1.</returns>
    /// <exception cref="ArgumentException">The matrix is not square, the budgets do not match it, are not positive or do not sum to 1, or a variance is 0.</exception>
    /// <exception cref="InvalidOperationException">The solve did not reach <paramref name="tolerance"/>.</exception>
    public static double[] Solve(Matrix<double> covariance, IReadOnlyList<double> budgets, double tolerance = 1e-12, int maxSweeps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(budgets);
        var n = covariance.RowCount;
        if (covariance.ColumnCount != n || budgets.Count != n)
        {
            throw new ArgumentException("the covariance must be square with one budget per asset");
        }

        // Loops rather than LINQ over doubles here and below: generic LINQ instantiated over a value type is compiled
        // at run time (ReadyToRun leaves it to the JIT), which a short `ballast weights` call pays for.
        var b = new double[n];
        var budgetSum = 0.0;
        var positive = true;
        for (var i = 0; i < n; i++)
        {
            b[i] = budgets[i];
            budgetSum += b[i];
            positive &= b[i] > 0;
        }

        if (!positive || Math.Abs(budgetSum - 1) > 1e-9)
        {
            throw new ArgumentException("risk budgets must be positive and sum to 1", nameof(budgets));
        }

        for (var i = 0; i < n; i++)
        {
            if (!(covariance[i, i] > 0))
            {
                throw new ArgumentException($"asset {i} has no variance; a risk budget needs every variance > 0", nameof(covariance));
            }
        }

        // Flat row-major array (the matrix's own storage when it is exactly symmetric; never written): the sweeps touch
        // every element, and the indexer of a MathNet matrix costs several times more per element than an array.
        var c = SymmetricRows.RowMajor(covariance);

        // Start from inverse volatility, a good first guess, scaled to the optimum's level: there xᵢ(Σx)ᵢ = bᵢ, so
        // x'Σx = Σbᵢ = 1 (unscaled, the first sweeps spend themselves moving every coordinate by the same factor).
        // Keep Σx up to date as coordinates move.
        var x = new double[n];
        var sx = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = 1 / Math.Sqrt(c[(i * n) + i]);
        }

        Multiply(c, n, x, sx);
        var level = 1 / Math.Sqrt(VectorKernels.Dot(x, sx));
        VectorKernels.Scale(x, level);
        VectorKernels.Scale(sx, level);

        var converged = false;
        var newtonFinish = maxSweeps > CoordinateSweeps;
        var errors = new double[CoordinateSweeps];
        for (var sweep = 0; sweep < Math.Min(maxSweeps, CoordinateSweeps); sweep++)
        {
            for (var i = 0; i < n; i++)
            {
                var a = c[(i * n) + i];
                var cross = sx[i] - (a * x[i]);
                var updated = (-cross + Math.Sqrt((cross * cross) + (4 * a * b[i]))) / (2 * a);
                var delta = updated - x[i];
                if (delta != 0)
                {
                    // Σ is symmetric: column i is row i. Σx += delta · row i, vectorised.
                    VectorKernels.AddScaled(c.AsSpan(i * n, n), delta, sx);
                    x[i] = updated;
                }
            }

            // Risk contributions are scale-free, so they are checked on x directly, in O(n).
            errors[sweep] = WorstRelativeError(x, sx, b);
            if (errors[sweep] < tolerance)
            {
                converged = true;
                break;
            }

            // Crawling (less than halving the error in StallSweeps sweeps, as on strongly correlated matrices): the
            // Newton finish does better from here than the remaining sweeps would.
            if (newtonFinish && sweep >= StallSweeps && errors[sweep] > errors[sweep - StallSweeps] / 2)
            {
                break;
            }
        }

        if (!converged && newtonFinish)
        {
            RiskBudgetingNewton.Run(c, n, b, x, sx, tolerance, Math.Min(MaxNewtonSteps, maxSweeps - CoordinateSweeps));
        }

        var w = Normalise(x);
        var error = MaxRelativeError(covariance, w, budgets);
        if (error > Math.Max(tolerance * 100, 1e-10))
        {
            throw new InvalidOperationException($"risk budgeting did not converge: largest relative risk-contribution error {error:E2}");
        }

        return w;
    }

    /// <summary>Coordinate-descent sweeps before the solver switches to Newton steps.</summary>
    public const int CoordinateSweeps = 30;

    private const int MaxNewtonSteps = 100;

    /// <summary>The window of sweeps over which coordinate descent must at least halve its error to go on.</summary>
    private const int StallSweeps = 4;

    /// <summary>Σx for a row-major n × n Σ, one vectorised dot product per row.</summary>
    internal static void Multiply(double[] c, int n, ReadOnlySpan<double> x, Span<double> product)
    {
        unchecked
        {
            for (var i = 0; i < n; i++)
            {
                product[i] = VectorKernels.Dot(c.AsSpan(i * n, n), x);
            }
        }
    }

    /// <summary>
    /// <see cref="Multiply"/> with the rows split between two threads from <see cref="CholeskyTiles.ParallelFrom"/>
    /// assets (a product with a 1,000-asset Σ reads 8 MB); each row's dot product is computed alone, so the result is
    /// the same, bit for bit.
    /// </summary>
    internal static void MultiplyLarge(double[] c, int n, double[] x, double[] product)
    {
        if (n < CholeskyTiles.ParallelFrom || Environment.ProcessorCount < 2)
        {
            Multiply(c, n, x, product);
            return;
        }

        var half = n / 2;
        var second = Task.Run(() => MultiplyRows(c, n, x, product, half, n));
        MultiplyRows(c, n, x, product, 0, half);
        second.Wait();
    }

    /// <summary>Rows [<paramref name="from"/>, <paramref name="to"/>) of Σx.</summary>
    private static void MultiplyRows(double[] c, int n, double[] x, double[] product, int from, int to)
    {
        unchecked
        {
            for (var i = from; i < to; i++)
            {
                product[i] = VectorKernels.Dot(c.AsSpan(i * n, n), x);
            }
        }
    }

    /// <summary>The largest relative risk-contribution error maxᵢ |xᵢ(Σx)ᵢ / x'Σx − bᵢ| / bᵢ, from x and Σx (scale-free), in O(n).</summary>
    internal static double WorstRelativeError(double[] x, double[] sx, double[] b)
    {
        var variance = VectorKernels.Dot(x, sx);
        var worst = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((x[i] * sx[i] / variance) - b[i]) / b[i]);
        }

        return worst;
    }

    /// <summary>Risk contributions RCᵢ = wᵢ (Σw)ᵢ / (w'Σw); they sum to 1.</summary>
    public static double[] RiskContributions(Matrix<double> covariance, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(weights);
        var values = new double[weights.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = weights[i];
        }

        var w = Vector<double>.Build.DenseOfArray(values);
        var marginal = covariance * w;
        var variance = w.DotProduct(marginal);
        var contributions = new double[values.Length];
        for (var i = 0; i < contributions.Length; i++)
        {
            contributions[i] = values[i] * marginal[i] / variance;
        }

        return contributions;
    }

    /// <summary>Inverse-volatility weights: wᵢ ∝ 1/σᵢ.</summary>
    public static double[] InverseVolatility(Matrix<double> covariance)
    {
        var vol = CovarianceEstimators.Volatilities(covariance);
        if (vol.Any(v => !(v > 0)))
        {
            throw new ArgumentException("inverse volatility needs every variance > 0", nameof(covariance));
        }

        var inverse = vol.Select(v => 1 / v).ToArray();
        var sum = inverse.Sum();
        return [.. inverse.Select(v => v / sum)];
    }

    private static double[] Normalise(double[] x)
    {
        var sum = 0.0;
        foreach (var v in x)
        {
            sum += v;
        }

        var w = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            w[i] = x[i] / sum;
        }

        return w;
    }

    private static double MaxRelativeError(Matrix<double> covariance, double[] w, IReadOnlyList<double> budgets)
    {
        var rc = RiskContributions(covariance, w);
        var worst = 0.0;
        for (var i = 0; i < rc.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(rc[i] - budgets[i]) / budgets[i]);
        }

        return worst;
    }
}
