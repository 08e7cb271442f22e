using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>
/// One linear constraint aᵀx = b or aᵀx ≥ b of a <see cref="DualActiveSet"/> problem, with the words that name it in
/// an infeasibility message (e.g. "group 'equity': total weight ≤ 0.6"). <see cref="Index"/> null means dense
/// coefficients; otherwise <see cref="Values"/>[k] multiplies x[<see cref="Index"/>[k]].
/// </summary>
internal sealed class QpConstraint(string label, double[] values, double bound, bool equality, int[]? index = null)
{
    public string Label { get; } = label;

    public double[] Values { get; } = values;

    public int[]? Index { get; } = index;

    public double Bound { get; } = bound;

    public bool Equality { get; } = equality;

    public double Norm { get; } = Math.Sqrt(values.Sum(v => v * v));

    public static QpConstraint AtLeast(string label, int variable, double bound) => new(label, [1.0], bound, false, [variable]);

    public static QpConstraint AtMost(string label, int variable, double bound) => new(label, [-1.0], -bound, false, [variable]);

    public double Dot(ReadOnlySpan<double> x)
    {
        var sum = 0.0;
        if (Index is null)
        {
            for (var k = 0; k < Values.Length; k++)
            {
                sum += Values[k] * x[k];
            }
        }
        else
        {
            for (var k = 0; k < Index.Length; k++)
            {
                sum += Values[k] * x[Index[k]];
            }
        }

        return sum;
    }

    /// <summary>Adds <paramref name="scale"/>·a to <paramref name="target"/>.</summary>
    public void AddTo(Span<double> target, double scale)
    {
        if (Index is null)
        {
            for (var k = 0; k < Values.Length; k++)
            {
                target[k] += scale * Values[k];
            }
        }
        else
        {
            for (var k = 0; k < Index.Length; k++)
            {
                target[Index[k]] += scale * Values[k];
            }
        }
    }
}

/// <summary>The answer of <see cref="DualActiveSet.Solve"/>: the minimiser and its multipliers, or the conflicting constraints.</summary>
internal sealed record QpOutcome(double[]? X, IReadOnlyList<(QpConstraint Constraint, double Multiplier)> Active, IReadOnlyList<string> Conflict, int Iterations)
{
    public bool Feasible => X is not null;
}

/// <summary>
/// The Goldfarb–Idnani dual active-set method (Math. Programming 27, 1983) for a strictly convex quadratic program
/// min ½xᵀGx + cᵀx subject to equality and inequality rows aᵢᵀx = bᵢ, aᵢᵀx ≥ bᵢ. It starts from the unconstrained
/// minimum and adds the most violated constraint at a time, keeping the dual feasible, so it needs no feasible start
/// (no phase 1). When a violated constraint cannot be satisfied together with the active ones (its normal is a
/// non-positive combination of theirs) the problem is infeasible and those constraints are a Farkas certificate:
/// they are returned as the conflict. The factorisation is kept as J = L⁻ᵀQ and R (the QR factors of J-transformed
/// active normals), updated by Givens rotations, so an iteration costs O(n²).
/// </summary>
internal static class DualActiveSet
{
    /// <summary>
    /// Solves the problem; <paramref name="separate"/>, when given, is asked for a further violated constraint once all
    /// listed ones hold (lazily generated cuts, e.g. the sign vectors of an L1 ball), and may return null.
    /// </summary>
    public static QpOutcome Solve(Matrix<double> g, double[] c, List<QpConstraint> constraints, Func<double[], QpConstraint?>? separate = null)
    {
        var n = g.RowCount;
        var lowerInverse = g.Cholesky().Factor.Inverse();

        // J = L⁻ᵀ, row-major: J[k, j] = (L⁻¹)[j, k].
        var j = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            for (var col = 0; col <= k; col++)
            {
                j[(col * n) + k] = lowerInverse[k, col];
            }
        }

        var state = new State(n, j);

        // Unconstrained minimum x = −G⁻¹c = −J Jᵀ c.
        var jtc = new double[n];
        for (var col = 0; col < n; col++)
        {
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                sum += j[(k * n) + col] * c[k];
            }

            jtc[col] = sum;
        }

        var x = new double[n];
        for (var k = 0; k < n; k++)
        {
            var sum = 0.0;
            for (var col = 0; col < n; col++)
            {
                sum += j[(k * n) + col] * jtc[col];
            }

            x[k] = -sum;
        }

        var isActive = new bool[constraints.Count];
        var iterations = 0;

        for (var i = 0; i < constraints.Count; i++)
        {
            var row = constraints[i];
            if (!row.Equality)
            {
                continue;
            }

            var (zn, dd) = state.Directions(row);
            var wanted = row.Bound - row.Dot(x);
            if (zn <= 1e-20 * dd)
            {
                if (Math.Abs(wanted) <= 1e-11 * Math.Max(1, Math.Abs(row.Bound)))
                {
                    continue; // implied by the equalities already active
                }

                return Conflict(constraints, state, row);
            }

            var t = wanted / zn;
            state.Step(x, t);
            state.Add(i, t);
            isActive[i] = true;
            iterations++;
        }

        var limit = (20 * (constraints.Count + n)) + 1000;
        while (true)
        {
            var p = -1;
            var worst = -1e-11;
            for (var i = 0; i < constraints.Count; i++)
            {
                var row = constraints[i];
                if (isActive[i] || row.Equality)
                {
                    continue;
                }

                var slack = (row.Dot(x) - row.Bound) / Math.Max(row.Norm, 1e-300);
                if (slack < worst)
                {
                    worst = slack;
                    p = i;
                }
            }

            if (p < 0 && separate?.Invoke(x) is { } cut)
            {
                constraints.Add(cut);
                Array.Resize(ref isActive, constraints.Count);
                p = constraints.Count - 1;
            }

            if (p < 0)
            {
                return new QpOutcome(x, [.. Enumerable.Range(0, state.Q).Select(a => (constraints[state.Active[a]], state.U[a]))], [], iterations);
            }

            var added = constraints[p];
            var uPlus = 0.0;
            while (true)
            {
                if (++iterations > limit)
                {
                    throw new InvalidOperationException($"the dual active-set method did not settle in {limit} iterations");
                }

                var (zn, dd) = state.Directions(added);

                // Partial step: the first active inequality whose multiplier would reach zero.
                var t1 = double.PositiveInfinity;
                var leave = -1;
                for (var a = 0; a < state.Q; a++)
                {
                    if (!constraints[state.Active[a]].Equality && state.R[a] > 0)
                    {
                        var ratio = state.U[a] / state.R[a];
                        if (ratio < t1)
                        {
                            t1 = ratio;
                            leave = a;
                        }
                    }
                }

                var violation = added.Dot(x) - added.Bound;
                var t2 = zn > 1e-20 * dd ? -violation / zn : double.PositiveInfinity;
                var t = Math.Min(t1, t2);
                if (double.IsPositiveInfinity(t))
                {
                    return Conflict(constraints, state, added);
                }

                if (double.IsPositiveInfinity(t2))
                {
                    state.UpdateMultipliers(t);
                    uPlus += t;
                    isActive[state.Active[leave]] = false;
                    state.Remove(leave);
                    continue;
                }

                state.Step(x, t);
                uPlus += t;
                if (t2 <= t1)
                {
                    state.Add(p, uPlus);
                    isActive[p] = true;
                    break;
                }

                isActive[state.Active[leave]] = false;
                state.Remove(leave);
            }
        }
    }

    private static QpOutcome Conflict(List<QpConstraint> constraints, State state, QpConstraint violated)
    {
        var scale = 0.0;
        for (var a = 0; a < state.Q; a++)
        {
            scale = Math.Max(scale, Math.Abs(state.R[a]));
        }

        var labels = new List<string> { violated.Label };
        for (var a = 0; a < state.Q; a++)
        {
            if (Math.Abs(state.R[a]) > 1e-9 * scale && !labels.Contains(constraints[state.Active[a]].Label))
            {
                labels.Add(constraints[state.Active[a]].Label);
            }
        }

        return new QpOutcome(null, [], labels, 0);
    }

    /// <summary>The factorisation and the active set; <see cref="D"/>, <see cref="Z"/>, <see cref="R"/> hold the last step directions.</summary>
    private sealed class State(int n, double[] j)
    {
        private readonly double[] _rMatrix = new double[n * n];

        public int Q { get; private set; }

        public int[] Active { get; } = new int[n];

        public double[] U { get; } = new double[n];

        public double[] D { get; } = new double[n];

        public double[] Z { get; } = new double[n];

        /// <summary>The dual direction r = R⁻¹ d₁ over the active constraints.</summary>
        public double[] R { get; } = new double[n];

        /// <summary>d = Jᵀa, primal direction z = J₂d₂, dual direction r; returns (zᵀa = |d₂|², |d|²).</summary>
        public (double Zn, double Dd) Directions(QpConstraint row)
        {
            Array.Clear(D);
            if (row.Index is null)
            {
                for (var k = 0; k < n; k++)
                {
                    var a = row.Values[k];
                    if (a != 0)
                    {
                        var offset = k * n;
                        for (var col = 0; col < n; col++)
                        {
                            D[col] += j[offset + col] * a;
                        }
                    }
                }
            }
            else
            {
                for (var e = 0; e < row.Index.Length; e++)
                {
                    var a = row.Values[e];
                    var offset = row.Index[e] * n;
                    for (var col = 0; col < n; col++)
                    {
                        D[col] += j[offset + col] * a;
                    }
                }
            }

            var zn = 0.0;
            var dd = 0.0;
            for (var col = 0; col < n; col++)
            {
                dd += D[col] * D[col];
                if (col >= Q)
                {
                    zn += D[col] * D[col];
                }
            }

            for (var k = 0; k < n; k++)
            {
                var sum = 0.0;
                var offset = k * n;
                for (var col = Q; col < n; col++)
                {
                    sum += j[offset + col] * D[col];
                }

                Z[k] = sum;
            }

            for (var a = Q - 1; a >= 0; a--)
            {
                var sum = D[a];
                for (var b = a + 1; b < Q; b++)
                {
                    sum -= _rMatrix[(a * n) + b] * R[b];
                }

                R[a] = sum / _rMatrix[(a * n) + a];
            }

            return (zn, dd);
        }

        public void UpdateMultipliers(double t)
        {
            for (var a = 0; a < Q; a++)
            {
                U[a] -= t * R[a];
            }
        }

        /// <summary>x += t·z and the active multipliers move by −t·r.</summary>
        public void Step(double[] x, double t)
        {
            for (var k = 0; k < n; k++)
            {
                x[k] += t * Z[k];
            }

            UpdateMultipliers(t);
        }

        /// <summary>Appends the constraint whose d = Jᵀa is in <see cref="D"/>: rotates d₂ onto its first entry.</summary>
        public void Add(int constraint, double multiplier)
        {
            for (var col = n - 1; col > Q; col--)
            {
                var cc = D[col - 1];
                var ss = D[col];
                var h = Hypot(cc, ss);
                if (h == 0)
                {
                    continue;
                }

                D[col] = 0;
                cc /= h;
                ss /= h;
                if (cc < 0)
                {
                    cc = -cc;
                    ss = -ss;
                    D[col - 1] = -h;
                }
                else
                {
                    D[col - 1] = h;
                }

                RotateColumns(j, n, n, col - 1, col, cc, ss);
            }

            for (var a = 0; a <= Q; a++)
            {
                _rMatrix[(a * n) + Q] = D[a];
            }

            Active[Q] = constraint;
            U[Q] = multiplier;
            Q++;
        }

        /// <summary>Drops the active constraint at position <paramref name="leave"/> and restores R to triangular form.</summary>
        public void Remove(int leave)
        {
            for (var a = leave; a < Q - 1; a++)
            {
                Active[a] = Active[a + 1];
                U[a] = U[a + 1];
                for (var row = 0; row < n; row++)
                {
                    _rMatrix[(row * n) + a] = _rMatrix[(row * n) + a + 1];
                }
            }

            for (var row = 0; row < n; row++)
            {
                _rMatrix[(row * n) + Q - 1] = 0;
            }

            Q--;
            for (var a = leave; a < Q; a++)
            {
                var cc = _rMatrix[(a * n) + a];
                var ss = _rMatrix[((a + 1) * n) + a];
                var h = Hypot(cc, ss);
                if (h == 0)
                {
                    continue;
                }

                cc /= h;
                ss /= h;
                _rMatrix[((a + 1) * n) + a] = 0;
                if (cc < 0)
                {
                    _rMatrix[(a * n) + a] = -h;
                    cc = -cc;
                    ss = -ss;
                }
                else
                {
                    _rMatrix[(a * n) + a] = h;
                }

                for (var k = a + 1; k < Q; k++)
                {
                    var t1 = _rMatrix[(a * n) + k];
                    var t2 = _rMatrix[((a + 1) * n) + k];
                    _rMatrix[(a * n) + k] = (t1 * cc) + (t2 * ss);
                    _rMatrix[((a + 1) * n) + k] = (ss * t1) - (cc * t2);
                }

                RotateColumns(j, n, n, a, a + 1, cc, ss);
            }
        }

        private static void RotateColumns(double[] m, int rows, int stride, int left, int right, double cc, double ss)
        {
            for (var k = 0; k < rows; k++)
            {
                var t1 = m[(k * stride) + left];
                var t2 = m[(k * stride) + right];
                m[(k * stride) + left] = (t1 * cc) + (t2 * ss);
                m[(k * stride) + right] = (ss * t1) - (cc * t2);
            }
        }

        private static double Hypot(double a, double b)
        {
            a = Math.Abs(a);
            b = Math.Abs(b);
            if (a > b)
            {
                var r = b / a;
                return a * Math.Sqrt(1 + (r * r));
            }

            if (b > 0)
            {
                var r = a / b;
                return b * Math.Sqrt(1 + (r * r));
            }

            return 0;
        }
    }
}
