namespace Ballast.Optimisation;

/// <summary>
/// The inner solve of <see cref="BoundedRiskBudgeting"/>: y*(λ) = argmin f(y) = ½ yᵀΣy − λ Σ bᵢ ln yᵢ within the box
/// lo ≤ y ≤ hi, for one λ, warm-started from <see cref="Y"/>, with g = ∇f = Σy − λb/y and H = Σ + diag(λb/y²).
/// First cyclical coordinate descent, whose steps are exact and clipped to the box, until the set of assets at a bound
/// settles; then Newton steps on a working set in the manner of Moré and Toraldo (1991, "On the solution of large
/// quadratic programming problems with bound constraints", SIAM J. Optim. 1(1), 93–113): the assets the working set
/// holds at a bound stay there, the others take the Newton step H_FF⁻¹ g_F (a Cholesky factorisation of the free
/// block), along the projection of y − α·d on the box, α halved until the Armijo condition of the projected search
/// holds (Bertsekas 1982, "Projected Newton methods for optimization problems with simple constraints", SIAM J.
/// Control Optim. 20(2), 221–246); an asset the step takes to a bound joins the working set, and held assets the
/// gradient pulls inside are released only once the error on the free ones is a tenth of theirs. Releasing while the
/// free problem is still far from solved makes the free set swing by dozens of assets a step on a strongly correlated
/// matrix (plain projected Newton needed more than 100 steps there); with the rule, about ten.
/// </summary>
/// <remarks>
/// The logarithm keeps y &gt; 0 on its own, so a lower bound of 0 never binds; the projection also keeps each step
/// above a hundredth of the current value, a damping that stops a long Newton step from reaching the barrier. The
/// decrease of f is computed from the step (gᵀδ + ½δᵀΣδ + λΣbᵢ(δᵢ/yᵢ − ln(1 + δᵢ/yᵢ))), not as a difference of two
/// values of f, so the line search still sees the decrease near the optimum, where f itself no longer changes in
/// floating point.
/// </remarks>
internal sealed class BoxNewton
{
    /// <summary>The largest relative risk-contribution error |yᵢ(Σy)ᵢ/(λbᵢ) − 1| on free assets the solve aims for.</summary>
    public const double Tolerance = 1e-11;

    /// <summary>The largest error accepted when rounding stops the solve before <see cref="Tolerance"/>.</summary>
    public const double AcceptedError = 1e-9;

    private const int MaxSteps = 100;

    private const int MaxSweeps = 200;

    private const int SettledSweeps = 3;

    /// <summary>Held assets are released once the error on the free ones is below this fraction of their own.</summary>
    private const double ReleaseRatio = 0.1;

    private const int MaxHalvings = 60;

    /// <summary>The Armijo constant: a step must achieve this fraction of the decrease its slope predicts.</summary>
    private const double Sufficient = 1e-4;

    private readonly int _n;
    private readonly double[] _b;
    private readonly double[] _sy;
    private readonly double[] _gradient;
    private readonly double[] _diagonal;
    private readonly double[] _direction;
    private readonly double[] _trial;
    private readonly double[] _delta;
    private readonly double[] _sDelta;
    private readonly int[] _free;
    private readonly bool[] _isFree;
    private readonly bool[] _held;
    private readonly int[] _factored;
    private readonly double[] _block;
    private readonly double[] _factor;
    private readonly double[] _rhs;
    private readonly double[] _solution;
    private int _freeCount;
    private int _factoredCount = -1;

    /// <summary>Whether a Newton step of the current <see cref="Minimise"/> factored H (else the factor is of an earlier λ).</summary>
    private bool _factoredAtThisLambda;
    private double _lambda;

    /// <summary>The problem: Σ row-major (never written), budgets, bounds; <see cref="Y"/> starts at zero and must be set within the box.</summary>
    public BoxNewton(double[] sigma, int n, double[] budgets, double[] lower, double[] upper)
    {
        (Sigma, _n, _b, Lower, Upper) = (sigma, n, budgets, lower, upper);
        Y = new double[n];
        _sy = new double[n];
        _gradient = new double[n];
        _diagonal = new double[n];
        _direction = new double[n];
        _trial = new double[n];
        _delta = new double[n];
        _sDelta = new double[n];
        _free = new int[n];
        _isFree = new bool[n];
        _held = new bool[n];
        _factored = new int[n];
        _block = new double[n * n];
        _factor = new double[CholeskyTiles.Stride(n) * CholeskyTiles.Stride(n)];
        _rhs = new double[n];
        _solution = new double[n];
    }

    /// <summary>Σ, row-major.</summary>
    public double[] Sigma { get; }

    /// <summary>The lower bounds.</summary>
    public double[] Lower { get; }

    /// <summary>The upper bounds.</summary>
    public double[] Upper { get; }

    /// <summary>The current point: the warm start before <see cref="Minimise"/>, y*(λ) after it.</summary>
    public double[] Y { get; }

    /// <summary>Moves <see cref="Y"/> (within the box, every yᵢ &gt; 0) to y*(<paramref name="lambda"/>).</summary>
    /// <exception cref="InvalidOperationException">Rounding stopped the solve above <see cref="AcceptedError"/>, or the free block is not positive definite.</exception>
    public void Minimise(double lambda, Func<int, string> name)
    {
        _lambda = lambda;
        _factoredAtThisLambda = false;
        var y = Y;
        RiskBudgeting.Multiply(Sigma, _n, y, _sy);
        Sweeps();
        Gradient();
        for (var i = 0; i < _n; i++)
        {
            _held[i] = Upper[i] <= Lower[i] || ((y[i] <= Lower[i] || y[i] >= Upper[i]) && !Pulled(i));
        }

        var (onFree, onHeld) = Errors();
        var error = Math.Max(onFree, onHeld);
        for (var step = 0; step < MaxSteps && error >= Tolerance; step++)
        {
            if (onFree <= Math.Max(ReleaseRatio * onHeld, Tolerance))
            {
                Release(onFree);
            }

            ChooseFree();
            Factor(name);
            Direction();
            if (!LineSearch(out var full))
            {
                break;
            }

            var previous = error;
            Gradient();
            (onFree, onHeld) = Errors();
            error = Math.Max(onFree, onHeld);

            // A full step that does not reduce a small error is at the rounding floor.
            if (full && error >= previous && error < AcceptedError)
            {
                break;
            }
        }

        if (error > AcceptedError)
        {
            throw new InvalidOperationException($"bounded risk budgeting: Newton stopped at a relative risk-contribution error of {error:E1}");
        }
    }

    /// <summary>
    /// dy*/dλ at the current point into <paramref name="derivative"/>: H_FF⁻¹ (b/y)_F on the assets strictly inside
    /// their bounds, zero on the others (implicit differentiation of (Σy)_F − λ(b/y)_F = 0); returns its sum.
    /// </summary>
    public double Sensitivity(double[] derivative)
    {
        var y = Y;
        _freeCount = 0;
        for (var i = 0; i < _n; i++)
        {
            if (y[i] > Lower[i] && y[i] < Upper[i])
            {
                _free[_freeCount++] = i;
            }
        }

        Array.Clear(derivative);
        if (_freeCount == 0)
        {
            return 0;
        }

        // The factor of the last Newton step serves when it was taken at this λ on this free set (the point has moved by
        // one small step since). A factor of an earlier λ does not: when coordinate descent alone solved this λ, that
        // factor's barrier curvature λb/y² is another point's, the slope it gives is off by a steady factor, and the
        // search on λ then oscillated about the root, converging linearly (found by a property test: 100 steps for
        // three assets, one free).
        if (!_factoredAtThisLambda || !SameFreeSet())
        {
            Gradient();
            if (!TryFactor())
            {
                return 0;
            }
        }

        var m = _freeCount;
        for (var a = 0; a < m; a++)
        {
            _rhs[a] = _b[_free[a]] / y[_free[a]];
        }

        CholeskyTiles.Solve(_factor, m, _rhs.AsSpan(0, m), _solution.AsSpan(0, m));
        var sum = 0.0;
        for (var a = 0; a < m; a++)
        {
            derivative[_free[a]] = _solution[a];
            sum += _solution[a];
        }

        return sum;
    }

    /// <summary>
    /// Cyclical coordinate descent (each step the positive root of Σᵢᵢyᵢ² + cᵢyᵢ − λbᵢ = 0 clipped to the box, exact
    /// for a convex function of one variable) until the set of assets at a bound has stayed the same for
    /// <see cref="SettledSweeps"/> sweeps, at most <see cref="MaxSweeps"/>: cheap (one pass over Σ each) and good at
    /// finding which bounds bind, which is where Newton steps are slow; Newton then converges from there.
    /// </summary>
    private void Sweeps()
    {
        var y = Y;
        var atBound = new bool[_n];
        var settled = 0;
        for (var sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var changed = false;
            for (var i = 0; i < _n; i++)
            {
                var sii = Sigma[(i * _n) + i];
                var c = _sy[i] - (sii * y[i]);
                var root = (-c + Math.Sqrt((c * c) + (4 * sii * _lambda * _b[i]))) / (2 * sii);
                var next = Math.Min(Upper[i], Math.Max(Lower[i], root));
                var delta = next - y[i];
                if (delta != 0)
                {
                    VectorKernels.AddScaled(Sigma.AsSpan(i * _n, _n), delta, _sy);
                    y[i] = next;
                }

                var bound = next <= Lower[i] || next >= Upper[i];
                changed |= bound != atBound[i];
                atBound[i] = bound;
            }

            settled = changed ? 0 : settled + 1;
            if (settled >= SettledSweeps)
            {
                break;
            }
        }

        // Σy afresh: the updates above accumulate rounding.
        RiskBudgeting.Multiply(Sigma, _n, y, _sy);
    }

    /// <summary>g and the diagonal of H at the current point.</summary>
    private void Gradient()
    {
        var y = Y;
        for (var i = 0; i < _n; i++)
        {
            var pull = _lambda * _b[i] / y[i];
            _gradient[i] = _sy[i] - pull;
            _diagonal[i] = Sigma[(i * _n) + i] + (pull / y[i]);
        }
    }

    /// <summary>Asset i's relative risk-contribution error |gᵢ| yᵢ / (λbᵢ) = |yᵢ(Σy)ᵢ / (λbᵢ) − 1|.</summary>
    private double Relative(int i) => Math.Abs(_gradient[i]) * Y[i] / (_lambda * _b[i]);

    /// <summary>The projection of <paramref name="value"/> on asset i's box, never below a hundredth of yᵢ (see the remarks).</summary>
    private double Project(int i, double value) => Math.Min(Upper[i], Math.Max(Math.Max(Lower[i], Y[i] / 100), value));

    /// <summary>
    /// The largest relative error on the assets the working set leaves free, and on those it holds at a bound while
    /// the gradient pulls them inside (the violations that releasing them would remove).
    /// </summary>
    private (double OnFree, double OnHeld) Errors()
    {
        var (onFree, onHeld) = (0.0, 0.0);
        for (var i = 0; i < _n; i++)
        {
            var relative = Relative(i);
            if (!_held[i])
            {
                onFree = Math.Max(onFree, relative);
            }
            else if (Pulled(i))
            {
                onHeld = Math.Max(onHeld, relative);
            }
        }

        return (onFree, onHeld);
    }

    /// <summary>Whether the gradient pulls held asset i off its bound (into the box).</summary>
    private bool Pulled(int i) => Upper[i] > Lower[i] && ((Y[i] <= Lower[i] && _gradient[i] < 0) || (Y[i] >= Upper[i] && _gradient[i] > 0));

    /// <summary>Frees every held asset the gradient pulls off its bound by more than <paramref name="above"/> (relative).</summary>
    private void Release(double above)
    {
        for (var i = 0; i < _n; i++)
        {
            if (_held[i] && Pulled(i) && Relative(i) > above)
            {
                _held[i] = false;
            }
        }
    }

    /// <summary>The free set: the assets the working set does not hold.</summary>
    private void ChooseFree()
    {
        _freeCount = 0;
        for (var i = 0; i < _n; i++)
        {
            if (!_held[i])
            {
                _free[_freeCount++] = i;
            }
        }
    }

    private void Factor(Func<int, string> name)
    {
        if (_freeCount > 0 && !TryFactor())
        {
            throw new InvalidOperationException($"bounded risk budgeting: the Hessian on the free assets is not positive definite (near {name(_free[0])}); the covariance is numerically degenerate");
        }

        _factoredAtThisLambda = _freeCount > 0;
    }

    /// <summary>Factors H_FF (Σ_FF plus the barrier's curvature) for the current free set; false when a pivot is not positive.</summary>
    private bool TryFactor()
    {
        var m = _freeCount;
        if (m != _factoredCount)
        {
            // The factor's stride depends on m: clear what an earlier, differently sized factor left.
            Array.Clear(_factor);
        }

        for (var a = 0; a < m; a++)
        {
            var row = _free[a] * _n;
            for (var c = 0; c < a; c++)
            {
                _block[(a * m) + c] = Sigma[row + _free[c]];
            }

            _block[(a * m) + a] = _diagonal[_free[a]];
        }

        Array.Copy(_free, _factored, m);
        _factoredCount = m;
        if (CholeskyTiles.Factor(_block.AsSpan(0, m * m), m, _factor))
        {
            return true;
        }

        _factoredCount = -1;
        return false;
    }

    private bool SameFreeSet() => _factoredCount == _freeCount && _free.AsSpan(0, _freeCount).SequenceEqual(_factored.AsSpan(0, _freeCount));

    /// <summary>d: the Newton step on the free set, the diagonally scaled gradient on the others.</summary>
    private void Direction()
    {
        Array.Clear(_direction);
        var m = _freeCount;
        if (m == 0)
        {
            return;
        }

        for (var a = 0; a < m; a++)
        {
            _rhs[a] = _gradient[_free[a]];
        }

        CholeskyTiles.Solve(_factor, m, _rhs.AsSpan(0, m), _solution.AsSpan(0, m));
        for (var a = 0; a < m; a++)
        {
            _direction[_free[a]] = _solution[a];
        }
    }

    /// <summary>u − ln(1 + u) for u &gt; −1, by its series where the difference would cancel (|u| &lt; 10⁻³).</summary>
    private static double LinearMinusLog(double u) =>
        Math.Abs(u) < 1e-3 ? u * u * (0.5 - (u * ((1.0 / 3) - (u * (0.25 - (u / 5)))))) : u - Math.Log(1 + u);

    /// <summary>
    /// Moves y to P(y − α d) for the first α in 1, ½, ¼, … that satisfies the Armijo condition of Bertsekas (1982):
    /// f(y) − f(y(α)) ≥ σ (α Σ_F gᵢdᵢ + Σ_A gᵢ(yᵢ − yᵢ(α))). False when none does (rounding: no decrease is left to see).
    /// </summary>
    private bool LineSearch(out bool full)
    {
        var y = Y;
        var free = _isFree;
        Array.Clear(free);
        for (var a = 0; a < _freeCount; a++)
        {
            free[_free[a]] = true;
        }

        var alpha = 1.0;
        for (var halving = 0; halving < MaxHalvings; halving++, alpha /= 2)
        {
            var slope = 0.0;
            for (var i = 0; i < _n; i++)
            {
                _trial[i] = Project(i, y[i] - (alpha * _direction[i]));
                _delta[i] = _trial[i] - y[i];
                slope += free[i] ? alpha * _gradient[i] * _direction[i] : -_gradient[i] * _delta[i];
            }

            RiskBudgeting.Multiply(Sigma, _n, _delta, _sDelta);
            var change = VectorKernels.Dot(_gradient, _delta) + (VectorKernels.Dot(_delta, _sDelta) / 2);
            for (var i = 0; i < _n; i++)
            {
                change += _lambda * _b[i] * LinearMinusLog(_delta[i] / y[i]);
            }

            if (change <= -Sufficient * slope && slope > 0)
            {
                Array.Copy(_trial, y, _n);
                for (var i = 0; i < _n; i++)
                {
                    _held[i] |= y[i] <= Lower[i] || y[i] >= Upper[i];
                }

                RiskBudgeting.Multiply(Sigma, _n, y, _sy);
                full = halving == 0;
                return true;
            }
        }

        full = false;
        return false;
    }
}
