using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ballast.Backtesting;

/// <summary>
/// The backtester's row loop between decisions. Each row values the holdings at the close, turns values into
/// weights, accumulates |w − t| for the drift metrics and, on rows where nothing can fire, books the row's return
/// and moves on; it stops on the first row where the policy must be asked (or on every row when asked to).
/// </summary>
/// <remarks>
/// Kept small and free of calls so the JIT holds the loop state in registers: this loop is most of a backtest's
/// time. Sums run in vector registers; a universe that is not a whole number of vectors ends with one vector that
/// overlaps the previous one, its already-counted lanes masked out, so there is no scalar tail. The drift totals
/// stay in vector lanes and are reduced once, at the end.
/// </remarks>
internal sealed class RowScanner
{
    /// <summary>
    /// How far below the band a row's drift, as scanned, still stops the scan: far above the last-bit difference
    /// between the scanned form and the exact one, far below any band a policy states.
    /// </summary>
    internal const double BandMargin = 1e-12;

    private static int Width => Lanes.Width;

    private readonly int _n;
    private readonly double[] _prices;
    private readonly Layout _layout;
    private readonly int _last;
    private readonly int _mid;
    private readonly Vector<double> _fresh;
    private readonly bool _twoVectors;
    private Vector<double> _sums;
    private Vector<double> _maxes;
    private double _scalarSum;
    private double _scalarMax;

    // The return statistics (see ReturnStatistics) and the last booked row's NAV and 1/NAV. Plain fields, read into
    // locals one by one at the start of a scan and written back one by one at its end, so no wide copy ever reads
    // them back from narrower stores (which the processor cannot forward).
    private long _count;
    private double _shift;
    private double _sum;
    private double _sumSquares;
    private double _downside;
    private double _riskFree;
    private double _peak;
    private double _floorFactor;
    private double _maxDrawdown;
    private double _nav;
    private double _inverseNav;

    /// <summary>A scanner over <paramref name="prices"/> (rows of <paramref name="assets"/> prices), vectorised where it can be.</summary>
    public RowScanner(double[] prices, int assets)
        : this(prices, assets, EngineKernel.Auto)
    {
    }

    /// <summary>A scanner with the given kernel: <see cref="EngineKernel.Scalar"/> forces the scalar reference loop, the oracle the vector layouts are tested against.</summary>
    public RowScanner(double[] prices, int assets, EngineKernel kernel)
        : this(prices, assets, kernel, trimZeroVector: true)
    {
    }

    /// <summary>
    /// A scanner that, with <paramref name="trimZeroVector"/> false, runs a universe of one or two vectors through the
    /// three-vector register form, zero middle vector included: the form the trimmed one is tested against, bit for bit.
    /// </summary>
    internal RowScanner(double[] prices, int assets, EngineKernel kernel, bool trimZeroVector)
    {
        _n = assets;
        _prices = prices;
        _layout = EngineKernels.ForRowScan(kernel, assets) == EngineKernel.Scalar ? Layout.Scalar : assets <= 3 * Width ? Layout.Registers : Layout.Loop;
        if (_layout != Layout.Scalar)
        {
            _last = Lanes.Last(assets);
            _fresh = Lanes.Fresh(assets);
            _mid = assets > 2 * Width ? Width : 0;
            _twoVectors = trimZeroVector && _layout == Layout.Registers && _mid == 0;
        }
    }

    private enum Layout
    {
        /// <summary>Fewer assets than a vector holds, no vector hardware, or the scalar kernel asked for: plain loops (the reference).</summary>
        Scalar,

        /// <summary>One to three vectors: units and targets held in registers.</summary>
        Registers,

        /// <summary>More: loops over whole vectors.</summary>
        Loop,
    }

    /// <summary>The kernel this scanner runs: <see cref="EngineKernel.Vector"/> or <see cref="EngineKernel.Scalar"/>.</summary>
    public EngineKernel Kernel => _layout == Layout.Scalar ? EngineKernel.Scalar : EngineKernel.Vector;

    /// <summary>Sum and maximum of |w − t| over every row and asset scanned so far.</summary>
    public (double Sum, double Max) DriftTotals() => (Lanes.Sum(_sums) + _scalarSum, Math.Max(_scalarMax, Lanes.Max(_maxes)));

    /// <summary>The NAV of the last row booked.</summary>
    public double Nav => _nav;

    /// <summary>The return statistics of the rows booked so far.</summary>
    public ReturnStatistics Returns => new(_count, _shift, _sum, _sumSquares, _downside, _maxDrawdown, _riskFree);

    /// <summary>
    /// Starts at row 0's NAV, holding <paramref name="units"/> and <paramref name="cash"/>. A row's return is
    /// (N − N₋₁) · (1/N₋₁): exactly 0 when the NAV did not move (N · (1/N) − 1 is not, and a flat NAV would then show
    /// cancellation noise as volatility). Returns are summed shifted by a constant near them, row 1's return at
    /// these holdings: shifted sums keep the variance free of cancellation without a division per row, and a shift
    /// known up front spares a branch per row.
    /// </summary>
    public void Start(double nav, double riskFreePerPeriod, ReadOnlySpan<double> units, double cash)
    {
        if (units.Length != _n)
        {
            throw new ArgumentException("one unit count per asset is needed", nameof(units));
        }

        var shift = 0.0;
        if (_prices.Length >= 2 * _n)
        {
            var next = cash;
            for (var i = 0; i < _n; i++)
            {
                next += units[i] * _prices[_n + i];
            }

            shift = (next - nav) / nav;
        }

        _nav = nav;
        _inverseNav = 1 / nav;
        _peak = nav;
        _floorFactor = 1;
        _riskFree = riskFreePerPeriod;
        _shift = double.IsFinite(shift) ? shift : 0;
    }

    /// <summary>
    /// Books a stop row (see <see cref="Scan"/>) that ended at <paramref name="navAfter"/>: <paramref name="value"/>
    /// and <paramref name="inverse"/> are what the scan reported for it, its 1/NAV reused when nothing changed the NAV.
    /// </summary>
    public void Book(double navAfter, double value, double inverse)
    {
        Accumulate((navAfter - _nav) * _inverseNav, navAfter, _shift, _riskFree, ref _sum, ref _sumSquares, ref _downside, ref _peak, ref _floorFactor, ref _maxDrawdown);
        _count++;
        _inverseNav = navAfter == value ? inverse : 1 / navAfter;
        _nav = navAfter;
    }

    /// <summary>One row's return r at NAV <paramref name="nav"/> into the running sums and the drawdown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(double r, double nav, double shift, double riskFree, ref double sum, ref double sumSquares, ref double downside, ref double peak, ref double floorFactor, ref double maxDrawdown)
    {
        var x = r - shift;
        sum += x;
        sumSquares = Math.FusedMultiplyAdd(x, x, sumSquares);
        var shortfall = Math.Min(0, r - riskFree);
        downside = Math.FusedMultiplyAdd(shortfall, shortfall, downside);

        // Branch-free peak (a new high comes at random, so a branch on it mispredicts and stalls the row loop); the
        // floor peak·(1 + max drawdown) spares a division per row: only a new deepest drawdown divides, and rarely.
        peak = double.MaxNative(peak, nav);
        if (nav < peak * floorFactor)
        {
            maxDrawdown = (nav / peak) - 1;
            floorFactor = 1 + maxDrawdown;
        }
    }

    /// <summary>
    /// Scans rows from <paramref name="row"/> on. A row is a stop when <paramref name="everyRow"/>, or when it is a
    /// candidate row (<paramref name="candidates"/> null means all are) and, with <paramref name="checkBand"/>, its
    /// largest drift may exceed <paramref name="band"/>. Other rows are finished here: their return is booked at
    /// NAV = value. Returns the stop row with its value, 1/value, weights (in <paramref name="weights"/>) and largest
    /// drift max |w − t| (NaN unless <paramref name="rowMax"/>), its return not yet booked (<see cref="Book"/>); or the
    /// row count when none is left.
    /// </summary>
    /// <remarks>
    /// The drift totals use |w − t| = |x − t·V| / |V| (x = units · price, V the value): the products' distance from
    /// their targets needs only V, not 1/V, so the division runs beside it rather than before it, which shortens
    /// the chain of dependent steps in each row (the loop is bound by that chain). That form can differ from
    /// |x/V − t| in the last bits, so the band test here only decides where to stop (with a margin far above that
    /// difference); the stop row's drift is recomputed from its weights, and that is what the policy sees.
    /// </remarks>
    public int Scan(int row, int rows, ReadOnlySpan<double> units, double cash, ReadOnlySpan<double> targets, Span<double> weights, bool[]? candidates, bool checkBand, double band, bool rowMax, bool everyRow, out double value, out double inverse, out double driftMax)
    {
        var n = _n;
        if (units.Length != n || targets.Length != n || weights.Length != n || (long)rows * n > _prices.Length || row < 1)
        {
            throw new ArgumentException("units, targets and weights need one entry per asset, and the rows must be in the table");
        }

        if (candidates is not null && candidates.Length < rows)
        {
            throw new ArgumentException("one candidate flag per row is needed", nameof(candidates));
        }

        value = double.NaN;
        inverse = double.NaN;
        driftMax = double.NaN;
        var stopAbove = band - BandMargin;
        var stopAboveV = new Vector<double>(stopAbove);

        // Without a band to test, the stop is known before scanning: this row, or the next candidate row. Rows before
        // it then need no test at all.
        var limit = rows;
        if (everyRow || (!checkBand && candidates is null))
        {
            limit = row;
        }
        else if (!checkBand && candidates is not null)
        {
            var next = candidates.AsSpan(row, rows - row).IndexOf(true);
            limit = next < 0 ? rows : row + next;
        }

        // Lengths are checked above, so the loops index unchecked. The accumulators live in locals for the whole scan.
        unchecked
        {
            ref var u = ref MemoryMarshal.GetReference(units);
            ref var tg = ref MemoryMarshal.GetReference(targets);
            ref var prices = ref MemoryMarshal.GetArrayDataReference(_prices);
            var inverseLast = _inverseNav;
            var navLast = _nav;
            var count = _count;
            var shift = _shift;
            var riskFree = _riskFree;
            var returnSum = _sum;
            var sumSquares = _sumSquares;
            var downside = _downside;
            var peak = _peak;
            var floorFactor = _floorFactor;
            var maxDrawdown = _maxDrawdown;
            var sums = _sums;
            var maxes = _maxes;
            var scalarSum = _scalarSum;
            var scalarMax = _scalarMax;
            var layout = _layout;
            var last = _last;
            var mid = _mid;
            var fresh = _fresh;
            var width = Width;

            // Up to three vectors: units and (negated) targets stay in registers for the whole scan. A vector that
            // is not needed (the first when one vector is the whole universe, the middle when two suffice) is zero
            // and reads the row's start.
            var small = layout == Layout.Registers;
            var twoVectors = _twoVectors;
            var u0 = small && last > 0 ? Vector.LoadUnsafe(ref u) : default;
            var u1 = small && mid > 0 ? Vector.LoadUnsafe(ref u, (nuint)mid) : default;
            var uT = small ? Vector.LoadUnsafe(ref u, (nuint)last) : default;
            var t0 = small && last > 0 ? -Vector.LoadUnsafe(ref tg) : default;
            var t1 = small && mid > 0 ? -Vector.LoadUnsafe(ref tg, (nuint)mid) : default;
            var tT = small ? -Vector.LoadUnsafe(ref tg, (nuint)last) : default;
            var t = row;

            // The two-vector form values each row one row ahead (its products, value and 1/value), so the division,
            // the longest step of a row, runs while the row before it finishes rather than before the row that needs it.
            // |·| as a mask that clears the sign bit (what Vector.Abs does), held in a register with the fresh lanes'.
            var magnitude = Vector.AsVectorDouble(new Vector<long>(long.MaxValue));
            var freshMagnitude = magnitude & fresh;
            var aheadX0 = default(Vector<double>);
            var aheadXT = default(Vector<double>);
            var aheadTotal = 0.0;
            var aheadScale = 0.0;
            if (twoVectors && t < rows)
            {
                ref var first = ref Unsafe.Add(ref prices, (nint)t * n);
                aheadX0 = u0 * Vector.LoadUnsafe(ref first);
                aheadXT = uT * Vector.LoadUnsafe(ref first, (nuint)last);
                aheadTotal = cash + Lanes.Sum(aheadX0 + (aheadXT & fresh));
                aheadScale = 1 / aheadTotal;
            }

            for (; t < rows; t++)
            {
                ref var p = ref Unsafe.Add(ref prices, (nint)t * n);
                double total;
                double scale;
                bool above;
                if (twoVectors)
                {
                    // One or two vectors: the middle one of the three-vector form is zero, and adding a zero product
                    // (x₁ = 0·p, d₁ = |0·V + 0|, both +0 for finite prices and values) or taking the larger of it and a
                    // non-negative |·| changes no bit (units and |·| are never −0), so it is left out: a fifth fewer
                    // instructions per row. One vector (n = width) keeps its zero first vector the same way.
                    var x0 = aheadX0;
                    var xT = aheadXT;
                    total = aheadTotal;
                    scale = aheadScale;
                    if (t + 1 < rows)
                    {
                        ref var next = ref Unsafe.Add(ref p, n);
                        aheadX0 = u0 * Vector.LoadUnsafe(ref next);
                        aheadXT = uT * Vector.LoadUnsafe(ref next, (nuint)last);
                        aheadTotal = cash + Lanes.Sum(aheadX0 + (aheadXT & fresh));
                        aheadScale = 1 / aheadTotal;
                    }

                    var v = new Vector<double>(total);
                    var d0 = Vector.FusedMultiplyAdd(t0, v, x0) & magnitude;
                    var dT = Vector.FusedMultiplyAdd(tT, v, xT) & freshMagnitude;
                    var s = new Vector<double>(Math.Abs(scale));
                    sums = Vector.FusedMultiplyAdd(d0 + dT, s, sums);
                    var rowMaxes = Vector.MaxNative(d0, dT) * s;
                    maxes = Vector.MaxNative(maxes, rowMaxes);

                    // The largest lane is above the band when any lane is (the lanes are finite and non-negative):
                    // one comparison instead of a reduction.
                    above = checkBand && rowMax && Vector.GreaterThanAny(rowMaxes, stopAboveV);
                }
                else if (small)
                {
                    var x0 = u0 * Vector.LoadUnsafe(ref p);
                    var x1 = u1 * Vector.LoadUnsafe(ref p, (nuint)mid);
                    var xT = uT * Vector.LoadUnsafe(ref p, (nuint)last);
                    total = cash + Lanes.Sum((x0 + x1) + (xT & fresh));
                    scale = 1 / total;
                    var v = new Vector<double>(total);
                    var d0 = Vector.Abs(Vector.FusedMultiplyAdd(t0, v, x0));
                    var d1 = Vector.Abs(Vector.FusedMultiplyAdd(t1, v, x1));
                    var dT = Vector.Abs(Vector.FusedMultiplyAdd(tT, v, xT)) & fresh;
                    var s = new Vector<double>(Math.Abs(scale));
                    sums = Vector.FusedMultiplyAdd((d0 + d1) + dT, s, sums);
                    var rowMaxes = Vector.MaxNative(Vector.MaxNative(d0, d1), dT) * s;
                    maxes = Vector.MaxNative(maxes, rowMaxes);
                    above = rowMax && Lanes.Max(rowMaxes) > stopAbove;
                }
                else if (layout == Layout.Loop)
                {
                    var tail = Vector.LoadUnsafe(ref u, (nuint)last) * Vector.LoadUnsafe(ref p, (nuint)last);
                    var acc = tail & fresh;
                    for (var i = 0; i < last; i += width)
                    {
                        acc += Vector.LoadUnsafe(ref u, (nuint)i) * Vector.LoadUnsafe(ref p, (nuint)i);
                    }

                    total = cash + Lanes.Sum(acc);
                    scale = 1 / total;
                    var v = new Vector<double>(total);

                    // Products are recomputed rather than stored and reloaded: a load that spans two recent
                    // overlapping stores cannot be forwarded and stalls the row.
                    var rowSums = Vector.Abs(Vector.FusedMultiplyAdd(-Vector.LoadUnsafe(ref tg, (nuint)last), v, tail)) & fresh;
                    var rowMaxes = rowSums;
                    for (var i = 0; i < last; i += width)
                    {
                        var x = Vector.LoadUnsafe(ref u, (nuint)i) * Vector.LoadUnsafe(ref p, (nuint)i);
                        var d = Vector.Abs(Vector.FusedMultiplyAdd(-Vector.LoadUnsafe(ref tg, (nuint)i), v, x));
                        rowSums += d;
                        rowMaxes = Vector.MaxNative(rowMaxes, d);
                    }

                    var s = new Vector<double>(Math.Abs(scale));
                    sums = Vector.FusedMultiplyAdd(rowSums, s, sums);
                    rowMaxes *= s;
                    maxes = Vector.MaxNative(maxes, rowMaxes);
                    above = rowMax && Lanes.Max(rowMaxes) > stopAbove;
                }
                else
                {
                    var sum = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        sum += Unsafe.Add(ref u, i) * Unsafe.Add(ref p, i);
                    }

                    total = cash + sum;
                    scale = 1 / total;
                    var rowSum = 0.0;
                    var rowLargest = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        var d = Math.Abs(Math.FusedMultiplyAdd(-Unsafe.Add(ref tg, i), total, Unsafe.Add(ref u, i) * Unsafe.Add(ref p, i)));
                        rowSum += d;
                        rowLargest = double.MaxNative(rowLargest, d);
                    }

                    scalarSum = Math.FusedMultiplyAdd(rowSum, Math.Abs(scale), scalarSum);
                    rowLargest *= Math.Abs(scale);
                    scalarMax = double.MaxNative(scalarMax, rowLargest);
                    above = rowMax && rowLargest > stopAbove;
                }

                if (t == limit || (checkBand && above && (candidates is null || candidates[t])))
                {
                    // The weights, x·(1/V), and the exact largest |w − t| from them: needed only where the policy is asked.
                    var exact = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        var w = Unsafe.Add(ref u, i) * Unsafe.Add(ref p, i) * scale;
                        weights[i] = w;
                        var d = Math.Abs(w - Unsafe.Add(ref tg, i));
                        exact = double.MaxNative(exact, d);
                    }

                    value = total;
                    inverse = scale;
                    driftMax = rowMax ? exact : double.NaN;
                    break;
                }

                // Nothing can fire here: the row ends at NAV = value. The previous row's 1/NAV spares a division.
                Accumulate((total - navLast) * inverseLast, total, shift, riskFree, ref returnSum, ref sumSquares, ref downside, ref peak, ref floorFactor, ref maxDrawdown);
                count++;
                inverseLast = scale;
                navLast = total;
            }

            _inverseNav = inverseLast;
            _nav = navLast;
            _count = count;
            _sum = returnSum;
            _sumSquares = sumSquares;
            _downside = downside;
            _peak = peak;
            _floorFactor = floorFactor;
            _maxDrawdown = maxDrawdown;
            _sums = sums;
            _maxes = maxes;
            _scalarSum = scalarSum;
            _scalarMax = scalarMax;
            return t;
        }
    }
}
