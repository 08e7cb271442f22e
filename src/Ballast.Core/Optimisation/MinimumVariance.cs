using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>A constraint set that admits no portfolio; the message names the conflicting constraints.</summary>
public sealed class InfeasibleConstraintsException(string message) : Exception(message)
{
    /// <summary>Infeasible constraints, with the generic message "the constraints admit no portfolio".</summary>
    public InfeasibleConstraintsException()
        : this("the constraints admit no portfolio")
    {
    }

    /// <summary>Infeasible constraints found through another exception; the message becomes <c>message: inner message</c>.</summary>
    /// <param name="message">Which constraints conflict.</param>
    /// <param name="inner">The exception whose message is appended (it is not kept as the inner exception).</param>
    public InfeasibleConstraintsException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Long-only global minimum variance with per-asset bounds: min ½ w'Σw subject to Σw = 1 and loᵢ ≤ wᵢ ≤ hiᵢ.
/// Solved by a primal active-set method (a feasible start, equality-constrained steps on the free assets via the
/// KKT system, a ratio test that fixes the first asset to hit a bound, and release of the bound with the most
/// negative multiplier), finished by a KKT check: stationarity, feasibility and multiplier signs.
/// </summary>
public static class MinimumVariance
{
    /// <summary>The long-only minimum-variance weights within per-asset bounds (see the class summary for the method).</summary>
    /// <param name="covariance">The n × n covariance matrix of returns, symmetric positive semidefinite.</param>
    /// <param name="lower">Per-asset lower bounds in universe order; 0 for every asset when null.</param>
    /// <param name="upper">Per-asset upper bounds in universe order; 1 for every asset when null.</param>
    /// <param name="names">Asset names for messages; "asset i" when null.</param>
    /// <returns>n weights within their bounds, summing to 1.</returns>
    /// <exception cref="InfeasibleConstraintsException">The bounds conflict (a lower above an upper, or no weights within them can sum to 1).</exception>
    /// <exception cref="ArgumentException">The bounds do not have one entry per asset.</exception>
    public static double[] Solve(Matrix<double> covariance, IReadOnlyList<double>? lower = null, IReadOnlyList<double>? upper = null, IReadOnlyList<string>? names = null) =>
        SolveQuadratic(covariance, null, lower, upper, names);

    /// <summary>
    /// Long-only mean-variance: max μ'w − (λ/2) w'Σw, i.e. min ½ w'(λΣ)w − μ'w, subject to Σw = 1 and the bounds;
    /// <paramref name="riskAversion"/> is λ &gt; 0 (larger: closer to minimum variance).
    /// </summary>
    public static double[] MeanVariance(Matrix<double> covariance, IReadOnlyList<double> expectedReturns, double riskAversion, IReadOnlyList<double>? lower = null, IReadOnlyList<double>? upper = null, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(expectedReturns);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(riskAversion, 0);
        return SolveQuadratic(covariance * riskAversion, [.. expectedReturns.Select(m => -m)], lower, upper, names);
    }

    /// <summary>Minimum variance under <paramref name="constraints"/> (bounds, groups, clusters, beta, turnover).</summary>
    public static double[] Solve(Matrix<double> covariance, PortfolioConstraints constraints, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        return constraints.BoundsOnly
            ? SolveQuadratic(covariance, null, NullIfEmpty(constraints.Lower), NullIfEmpty(constraints.Upper), names)
            : SolveGeneral(covariance, null, constraints, names);
    }

    /// <summary>Mean-variance (see the other overload) under <paramref name="constraints"/>.</summary>
    public static double[] MeanVariance(Matrix<double> covariance, IReadOnlyList<double> expectedReturns, double riskAversion, PortfolioConstraints constraints, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(expectedReturns);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(riskAversion, 0);
        return constraints.BoundsOnly
            ? MeanVariance(covariance, expectedReturns, riskAversion, NullIfEmpty(constraints.Lower), NullIfEmpty(constraints.Upper), names)
            : SolveGeneral(covariance * riskAversion, [.. expectedReturns.Select(m => -m)], constraints, names);
    }

    private static double[]? NullIfEmpty(System.Collections.Immutable.ImmutableArray<double> values) => values.IsDefaultOrEmpty ? null : [.. values];

    /// <summary>
    /// min ½ w'Qw + c'w under the budget, bounds, general linear constraints and an L1 turnover limit, by the
    /// Goldfarb–Idnani dual active-set method (<see cref="DualActiveSet"/>). The turnover ball is imposed lazily by
    /// its supporting half-spaces sᵀ(w − w₀) ≤ T with s = sign(w − w₀) at the current iterate, each an exact consequence
    /// of the L1 constraint, so the answer is the exact L1-constrained optimum. The result passes a KKT check.
    /// </summary>
    internal static double[] SolveGeneral(Matrix<double> covariance, double[]? linear, PortfolioConstraints constraints, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var n = covariance.RowCount;
        string Name(int i) => names is not null && i < names.Count ? names[i] : $"asset {i}";
        string Fmt(double v) => v.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
        var lo = constraints.Lower.IsDefaultOrEmpty ? new double[n] : constraints.Lower.ToArray();
        var hi = constraints.Upper.IsDefaultOrEmpty ? Enumerable.Repeat(1.0, n).ToArray() : constraints.Upper.ToArray();
        if (lo.Length != n || hi.Length != n)
        {
            throw new ArgumentException("one lower and one upper bound per asset");
        }

        for (var i = 0; i < n; i++)
        {
            if (lo[i] > hi[i])
            {
                throw new InfeasibleConstraintsException($"bounds of {Name(i)} conflict: lower {lo[i]} > upper {hi[i]}");
            }
        }

        // Scale to unit average variance (the answer is unchanged) and add the same tiny ridge as the bounded solver.
        var scale = Enumerable.Range(0, n).Average(i => covariance[i, i]);
        if (!(scale > 0))
        {
            throw new ArgumentException("the covariance matrix has no variance");
        }

        var q = (covariance / scale) + (Matrix<double>.Build.DenseIdentity(n) * 1e-10);
        var c = linear is null ? new double[n] : linear.Select(v => v / scale).ToArray();

        var rows = new List<QpConstraint> { new("budget (weights sum to 1)", Enumerable.Repeat(1.0, n).ToArray(), 1, true) };
        for (var i = 0; i < n; i++)
        {
            if (lo[i] == hi[i])
            {
                rows.Add(new QpConstraint($"bounds of {Name(i)}: weight = {Fmt(lo[i])}", [1.0], lo[i], true, [i]));
                continue;
            }

            rows.Add(QpConstraint.AtLeast(lo[i] > 0 ? $"lower bound of {Name(i)}: weight >= {Fmt(lo[i])}" : $"long-only: {Name(i)} >= 0", i, lo[i]));
            if (hi[i] < 1)
            {
                rows.Add(QpConstraint.AtMost($"upper bound of {Name(i)}: weight <= {Fmt(hi[i])}", i, hi[i]));
            }
        }

        foreach (var constraint in constraints.Linear.IsDefault ? [] : constraints.Linear)
        {
            if (constraint.Coefficients.Length != n)
            {
                throw new ArgumentException($"constraint '{constraint.Name}' has {constraint.Coefficients.Length} coefficients for {n} assets");
            }

            if (constraint.Lower > constraint.Upper)
            {
                throw new InfeasibleConstraintsException($"{constraint.Name}: lower {Fmt(constraint.Lower)} > upper {Fmt(constraint.Upper)}");
            }

            var a = constraint.Coefficients.ToArray();
            if (constraint.Lower == constraint.Upper)
            {
                rows.Add(new QpConstraint(constraint.Name, a, constraint.Lower, true));
                continue;
            }

            if (double.IsFinite(constraint.Lower))
            {
                rows.Add(new QpConstraint(constraint.Name, a, constraint.Lower, false));
            }

            if (double.IsFinite(constraint.Upper))
            {
                rows.Add(new QpConstraint(constraint.Name, [.. a.Select(v => -v)], -constraint.Upper, false));
            }
        }

        Func<double[], QpConstraint?>? separate = null;
        double[]? current = null;
        var turnover = constraints.MaxTurnover ?? double.PositiveInfinity;
        if (constraints.MaxTurnover is { } limit)
        {
            current = constraints.Current.IsDefaultOrEmpty ? throw new ArgumentException("max_turnover needs the current weights") : constraints.Current.ToArray();
            var label = $"max_turnover: sum of |weight - current weight| <= {Fmt(limit)}";
            separate = x =>
            {
                var distance = 0.0;
                for (var i = 0; i < n; i++)
                {
                    distance += Math.Abs(x[i] - current[i]);
                }

                if (distance <= limit + 1e-11)
                {
                    return null;
                }

                // -sᵀw >= -(T + sᵀw₀), s = sign(w - w₀) (0 where they agree to rounding).
                var s = new double[n];
                var bound = -limit;
                for (var i = 0; i < n; i++)
                {
                    var d = x[i] - current[i];
                    s[i] = Math.Abs(d) <= 1e-14 ? 0 : -Math.Sign(d);
                    bound += s[i] * current[i];
                }

                return new QpConstraint(label, s, bound, false);
            };
        }

        var outcome = DualActiveSet.Solve(q, c, [.. rows], separate);
        if (!outcome.Feasible)
        {
            throw new InfeasibleConstraintsException($"the constraints conflict: {string.Join("; ", Irreducible(q, c, rows, outcome.Conflict, separate))}");
        }

        var w = outcome.X!;
        CheckGeneral(q, c, w, rows, outcome, current, turnover);
        return Clamp(w, lo, hi);
    }

    /// <summary>
    /// Shrinks a conflicting set of constraints (named by label) to an irreducible one by a deletion filter: a label is
    /// dropped when the constraints left without it still admit no portfolio. Only runs on the error path.
    /// </summary>
    private static List<string> Irreducible(Matrix<double> q, double[] c, List<QpConstraint> rows, IReadOnlyList<string> conflict, Func<double[], QpConstraint?>? separate)
    {
        // Start from the certificate plus every per-asset bound (the certificate may have used another constraint
        // where a bound would do); try the general constraints first, so the answer names them rather than bounds.
        var bounds = rows.Where(r => r.Index is { Length: 1 }).Select(r => r.Label).Where(l => !conflict.Contains(l)).ToList();
        var order = conflict.Where(l => !bounds.Contains(l)).Concat(bounds).ToList();
        var kept = conflict.Concat(bounds).ToList();
        foreach (var label in order)
        {
            var trial = kept.Where(l => l != label).ToHashSet();
            if (trial.Count == 0)
            {
                continue;
            }

            var subset = rows.Where(r => trial.Contains(r.Label)).ToList();
            var withTurnover = separate is not null && trial.Any(l => l.StartsWith("max_turnover", StringComparison.Ordinal));
            if (!DualActiveSet.Solve(q, c, subset, withTurnover ? separate : null).Feasible)
            {
                kept.Remove(label);
            }
        }

        // Report in constraint order: general ones as found, then the bounds.
        return [.. kept.OrderBy(l => bounds.Contains(l) || rows.Any(r => r.Label == l && r.Index is { Length: 1 }) ? 1 : 0)];
    }

    /// <summary>KKT check of a general solve: feasibility, stationarity Qw + c = Σ uᵢaᵢ, dual signs, complementarity.</summary>
    private static void CheckGeneral(Matrix<double> q, double[] c, double[] w, List<QpConstraint> rows, QpOutcome outcome, double[]? current, double turnover)
    {
        if (w.Any(v => !double.IsFinite(v)))
        {
            throw new InvalidOperationException("constrained optimisation KKT check failed: non-finite weights");
        }

        foreach (var row in rows)
        {
            var slack = row.Dot(w) - row.Bound;
            if (row.Equality ? Math.Abs(slack) > 1e-9 : slack < -1e-9)
            {
                throw new InvalidOperationException($"constrained optimisation KKT check failed: '{row.Label}' violated by {slack:E2}");
            }
        }

        if (current is not null && w.Zip(current, (a, b) => Math.Abs(a - b)).Sum() > turnover + 1e-9)
        {
            throw new InvalidOperationException("constrained optimisation KKT check failed: turnover limit violated");
        }

        var residual = (q * Vector<double>.Build.DenseOfArray(w)).ToArray();
        for (var i = 0; i < residual.Length; i++)
        {
            residual[i] += c[i];
        }

        var size = Math.Max(1e-300, residual.Max(Math.Abs));
        foreach (var (row, multiplier) in outcome.Active)
        {
            if (!row.Equality && multiplier < -1e-9 * size)
            {
                throw new InvalidOperationException($"constrained optimisation KKT check failed: '{row.Label}' has multiplier {multiplier:E2} < 0");
            }

            if (Math.Abs(row.Dot(w) - row.Bound) > 1e-9)
            {
                throw new InvalidOperationException($"constrained optimisation KKT check failed: active '{row.Label}' is not tight");
            }

            row.AddTo(residual, -multiplier);
        }

        var worst = residual.Max(Math.Abs);
        if (worst > 1e-8 * Math.Max(1, size))
        {
            throw new InvalidOperationException($"constrained optimisation KKT check failed: stationarity residual {worst:E2}");
        }
    }

    /// <summary>min ½ w'Qw + c'w subject to Σw = 1 and lo ≤ w ≤ hi (c = 0: minimum variance).</summary>
    private static double[] SolveQuadratic(Matrix<double> covariance, double[]? linear, IReadOnlyList<double>? lower, IReadOnlyList<double>? upper, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var n = covariance.RowCount;

        // A ridge of 1e-10 of the average variance: immaterial for a well-conditioned matrix, but it makes a singular
        // one (two assets with identical returns) strictly convex, so the optimum is unique (an even split between
        // the twins) instead of an unsolvable KKT system.
        var ridge = 1e-10 * Enumerable.Range(0, n).Average(i => covariance[i, i]);
        covariance = covariance + (Matrix<double>.Build.DenseIdentity(n) * ridge);
        var lo = lower?.ToArray() ?? new double[n];
        var hi = upper?.ToArray() ?? Enumerable.Repeat(1.0, n).ToArray();
        if (lo.Length != n || hi.Length != n)
        {
            throw new ArgumentException("one lower and one upper bound per asset");
        }

        string Name(int i) => names is not null && i < names.Count ? names[i] : $"asset {i}";
        for (var i = 0; i < n; i++)
        {
            if (lo[i] > hi[i])
            {
                throw new InfeasibleConstraintsException($"bounds of {Name(i)} conflict: lower {lo[i]} > upper {hi[i]}");
            }
        }

        if (lo.Sum() > 1 + 1e-12)
        {
            throw new InfeasibleConstraintsException($"lower bounds sum to {lo.Sum():0.######} > 1: they conflict with the budget (weights sum to 1)");
        }

        if (hi.Sum() < 1 - 1e-12)
        {
            throw new InfeasibleConstraintsException($"upper bounds sum to {hi.Sum():0.######} < 1: they conflict with the budget (weights sum to 1)");
        }

        // Feasible start: lower bounds plus the rest spread in proportion to the room each asset has.
        var room = hi.Zip(lo, (h, l) => h - l).ToArray();
        var spare = 1 - lo.Sum();
        var w = lo.Select((l, i) => l + (room.Sum() > 0 ? spare * room[i] / room.Sum() : 0)).ToArray();

        // Fast path: fix every violator at once and release every wrong-signed bound at once; usually a handful of
        // KKT solves instead of one per asset. Its answer is kept only if it passes the KKT check; otherwise (or if
        // it does not settle) the exact one-at-a-time method below runs from the start.
        if (BatchActiveSet(covariance, linear, lo, hi) is { } quick)
        {
            return Clamp(quick, lo, hi);
        }

        // Working set: +1 fixed at upper, -1 fixed at lower, 0 free.
        var fixedAt = new int[n];
        for (var iteration = 0; iteration < 50 * (n + 1); iteration++)
        {
            var free = Enumerable.Range(0, n).Where(i => fixedAt[i] == 0).ToArray();
            var target = EqualityStep(covariance, linear, w, fixedAt, free, out var lambda);
            var step = target.Zip(w, (t, x) => t - x).ToArray();
            if (step.All(s => Math.Abs(s) < 1e-15))
            {
                // Stationary on the working set: check the multipliers of the fixed assets.
                var gradient = Gradient(covariance, linear, w);
                var worst = -1;
                var worstMultiplier = -1e-12;
                for (var i = 0; i < n; i++)
                {
                    var multiplier = fixedAt[i] == -1 ? gradient[i] - lambda : fixedAt[i] == 1 ? lambda - gradient[i] : 0;
                    if (multiplier < worstMultiplier)
                    {
                        worst = i;
                        worstMultiplier = multiplier;
                    }
                }

                if (worst < 0)
                {
                    Check(covariance, linear, w, lo, hi, fixedAt, lambda);
                    return Clamp(w, lo, hi);
                }

                fixedAt[worst] = 0;
                continue;
            }

            // Ratio test: go as far towards the target as the bounds allow.
            var alpha = 1.0;
            var blocking = -1;
            foreach (var i in free)
            {
                if (step[i] < 0 && w[i] + step[i] < lo[i])
                {
                    var a = (lo[i] - w[i]) / step[i];
                    if (a < alpha)
                    {
                        alpha = a;
                        blocking = i;
                    }
                }
                else if (step[i] > 0 && w[i] + step[i] > hi[i])
                {
                    var a = (hi[i] - w[i]) / step[i];
                    if (a < alpha)
                    {
                        alpha = a;
                        blocking = i;
                    }
                }
            }

            for (var i = 0; i < n; i++)
            {
                w[i] += alpha * step[i];
            }

            if (blocking >= 0)
            {
                fixedAt[blocking] = step[blocking] < 0 ? -1 : 1;
                w[blocking] = step[blocking] < 0 ? lo[blocking] : hi[blocking];
            }
        }

        throw new InvalidOperationException("minimum variance: the active-set method did not converge");
    }

    private static double[]? BatchActiveSet(Matrix<double> q, double[]? linear, double[] lo, double[] hi)
    {
        var n = lo.Length;
        var fixedAt = new int[n];
        var w = new double[n];
        for (var iteration = 0; iteration < 30; iteration++)
        {
            for (var i = 0; i < n; i++)
            {
                w[i] = fixedAt[i] == -1 ? lo[i] : fixedAt[i] == 1 ? hi[i] : w[i];
            }

            var free = Enumerable.Range(0, n).Where(i => fixedAt[i] == 0).ToArray();
            if (free.Length == 0)
            {
                return null;
            }

            double[] target;
            double lambda;
            try
            {
                target = EqualityStep(q, linear, w, fixedAt, free, out lambda);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return null;
            }

            var violators = free.Where(i => target[i] < lo[i] - 1e-12 || target[i] > hi[i] + 1e-12).ToArray();
            if (violators.Length > 0)
            {
                foreach (var i in violators)
                {
                    fixedAt[i] = target[i] < lo[i] ? -1 : 1;
                }

                continue;
            }

            Array.Copy(target, w, n);
            var gradient = Gradient(q, linear, w);
            var wrong = Enumerable.Range(0, n).Where(i => (fixedAt[i] == -1 && gradient[i] - lambda < -1e-12) || (fixedAt[i] == 1 && lambda - gradient[i] < -1e-12)).ToArray();
            if (wrong.Length == 0)
            {
                try
                {
                    Check(q, linear, w, lo, hi, fixedAt, lambda);
                    return w;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }

            foreach (var i in wrong)
            {
                fixedAt[i] = 0;
            }

        }

        return null;
    }

    /// <summary>Removes rounding-level excursions past the bounds (e.g. −3e−17 for a lower bound of 0), keeping the sum at 1.</summary>
    private static double[] Clamp(double[] w, double[] lo, double[] hi)
    {
        var clamped = w.Select((x, i) => Math.Min(hi[i], Math.Max(lo[i], x))).ToArray();
        var excess = clamped.Sum() - 1;
        if (excess != 0)
        {
            // Take the difference from (or give it to) the asset with the most room, which stays inside its bounds.
            var best = Enumerable.Range(0, w.Length).OrderByDescending(i => excess > 0 ? clamped[i] - lo[i] : hi[i] - clamped[i]).First();
            clamped[best] -= excess;
        }

        return clamped;
    }

    /// <summary>Minimises over the free assets with the fixed ones held, subject to the budget; returns the full weight vector.</summary>
    private static Vector<double> Gradient(Matrix<double> q, double[]? linear, double[] w)
    {
        var gradient = q * Vector<double>.Build.DenseOfArray(w);
        return linear is null ? gradient : gradient + Vector<double>.Build.DenseOfArray(linear);
    }

    private static double[] EqualityStep(Matrix<double> covariance, double[]? linear, double[] w, int[] fixedAt, int[] free, out double lambda)
    {
        var n = w.Length;
        var result = (double[])w.Clone();
        lambda = 0;
        if (free.Length == 0)
        {
            // Every asset at a bound: the multiplier of the budget lies between the gradients; take the midpoint.
            var gradient = Gradient(covariance, linear, w);
            var upperMax = Enumerable.Range(0, n).Where(i => fixedAt[i] == 1).Select(i => gradient[i]).DefaultIfEmpty(double.NegativeInfinity).Max();
            var lowerMin = Enumerable.Range(0, n).Where(i => fixedAt[i] == -1).Select(i => gradient[i]).DefaultIfEmpty(double.PositiveInfinity).Min();
            lambda = double.IsInfinity(upperMax) ? lowerMin : double.IsInfinity(lowerMin) ? upperMax : (upperMax + lowerMin) / 2;
            return result;
        }

        var f = free.Length;
        var fixedSum = Enumerable.Range(0, n).Where(i => fixedAt[i] != 0).Sum(i => w[i]);

        // KKT system: [Σ_FF  -1; 1'  0] [w_F; λ] = [-Σ_FB w_B; 1 - Σ w_B].
        var kkt = Matrix<double>.Build.Dense(f + 1, f + 1);
        var rhs = Vector<double>.Build.Dense(f + 1);
        for (var a = 0; a < f; a++)
        {
            for (var b = 0; b < f; b++)
            {
                kkt[a, b] = covariance[free[a], free[b]];
            }

            kkt[a, f] = -1;
            kkt[f, a] = 1;
            var cross = 0.0;
            for (var j = 0; j < n; j++)
            {
                if (fixedAt[j] != 0)
                {
                    cross += covariance[free[a], j] * w[j];
                }
            }

            rhs[a] = -cross - (linear?[free[a]] ?? 0);
        }

        rhs[f] = 1 - fixedSum;
        var solution = kkt.Solve(rhs);
        for (var a = 0; a < f; a++)
        {
            result[free[a]] = solution[a];
        }

        lambda = solution[f];
        return result;
    }

    private static void Check(Matrix<double> covariance, double[]? linear, double[] w, double[] lo, double[] hi, int[] fixedAt, double lambda)
    {
        if (!double.IsFinite(lambda) || w.Any(x => !double.IsFinite(x)))
        {
            throw new InvalidOperationException("minimum variance KKT check failed: the KKT system is singular here (e.g. two assets with identical returns)");
        }

        var gradient = Gradient(covariance, linear, w);
        var scale = Math.Max(1e-300, gradient.AbsoluteMaximum());
        if (Math.Abs(w.Sum() - 1) > 1e-9)
        {
            throw new InvalidOperationException($"minimum variance KKT check failed: weights sum to {w.Sum()}");
        }

        for (var i = 0; i < w.Length; i++)
        {
            if (w[i] < lo[i] - 1e-9 || w[i] > hi[i] + 1e-9)
            {
                throw new InvalidOperationException($"minimum variance KKT check failed: weight {i} = {w[i]} outside [{lo[i]}, {hi[i]}]");
            }

            if (fixedAt[i] == 0 && Math.Abs(gradient[i] - lambda) > 1e-8 * scale)
            {
                throw new InvalidOperationException($"minimum variance KKT check failed: stationarity residual {gradient[i] - lambda:E2} for asset {i}");
            }
        }
    }
}
