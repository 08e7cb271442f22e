using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ballast.Backtesting;

/// <summary>
/// The backtester's row loop between decisions, for up to <see cref="Width"/> runs over one price table at once, one
/// run per vector lane. Each row values every lane's holdings at the close, accumulates its drift |w − t| and, on rows
/// where no lane has to be asked, books each lane's return and moves on; it stops on the first row where some lane's
/// policy must be asked (an event) or a lane's next calendar candidate row is reached.
/// </summary>
/// <remarks>
/// <para>
/// Every lane does exactly the same floating-point operations in the same order as the scalar reference does for one
/// run (<see cref="EngineKernel.Scalar"/>), so a run's numbers do not depend on the kernel, on the lane it ran in or on
/// which runs shared its group: a policy gives the same bits alone, in a sweep of 100,000 or on a cluster's silo.
/// The arithmetic of one lane on a row (n assets, units u, prices p, targets t, cash c):
/// </para>
/// <list type="bullet">
/// <item>products xᵢ = uᵢ·pᵢ, value V = (((c + x₀) + x₁) + …) + xₙ₋₁ in asset order, scale s = 1 / V;</item>
/// <item>drift dᵢ = |fma(−tᵢ, V, xᵢ)|, the row's Σ dᵢ (from 0, in asset order) and max dᵢ; the run's drift sum
/// becomes fma(Σ dᵢ, |s|, sum) and its drift maximum max(maximum, max dᵢ · |s|);</item>
/// <item>a row that no policy is asked on is booked at NAV = V (<see cref="Accumulate"/>, its return (V − N₋₁) · (1/N₋₁)).</item>
/// </list>
/// <para>
/// Lanes are independent: nothing in one lane's arithmetic reads another's. Lanes that hold no run (a group smaller
/// than the width) or whose run failed are inactive: they compute, and nothing they compute stops the scan or is read.
/// </para>
/// </remarks>
internal sealed class LaneScanner
{
    /// <summary>
    /// How far below the band a row's drift, as scanned, still stops the scan: far above the last-bit difference
    /// between the scanned form and the exact one, far below any band a policy states.
    /// </summary>
    internal const double BandMargin = 1e-12;

    /// <summary>For each pattern of lane bits, the vector with all bits set in those lanes.</summary>
    private static readonly Vector<long>[] LaneMasks = BuildLaneMasks();

    private readonly int _n;
    private readonly double[] _prices;
    private readonly bool _vector;

    // Per lane, lane-minor: _units[i * Width + lane] is asset i's units in that lane; likewise the negated targets.
    private readonly double[] _units;
    private readonly double[] _negativeTargets;
    private readonly double[] _cash;

    // Per lane: the return statistics, the last booked row's NAV and 1/NAV, and the drift totals.
    private readonly double[] _nav;
    private readonly double[] _inverse;
    private readonly double[] _shift;
    private readonly double[] _sum;
    private readonly double[] _sumSquares;
    private readonly double[] _downside;
    private readonly double[] _peak;
    private readonly double[] _floorFactor;
    private readonly double[] _maxDrawdown;
    private readonly double[] _driftSum;
    private readonly double[] _driftMax;

    // When a lane stops: a row is an event for it when the row is one of its candidate rows (bit k of the row's
    // _candidateBits; every row for a lane that stops on every row or has no calendar) and either it has no band or
    // its scanned drift is above band − margin.
    private readonly byte[] _candidateBits;
    private readonly double[] _stopAbove;
    private readonly long[] _noBand;
    private readonly long[] _active;

    // The stop row's value and 1/value per lane (valid after a scan that stopped).
    private readonly double[] _value;
    private readonly double[] _scale;

    private long _count;
    private readonly double _riskFree;

    /// <summary>
    /// A scanner over <paramref name="prices"/> (rows of <paramref name="assets"/> prices) with the given kernel
    /// (<see cref="EngineKernel.Auto"/>: vectors where the hardware has them); the downside deviation is measured against
    /// <paramref name="riskFreePerPeriod"/> in every lane.
    /// </summary>
    public LaneScanner(double[] prices, int assets, EngineKernel kernel, double riskFreePerPeriod = 0)
    {
        _riskFree = riskFreePerPeriod;
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(assets);
        _n = assets;
        _prices = prices;
        _vector = EngineKernels.ForRowScan(kernel) == EngineKernel.Vector;
        var w = Width;
        _units = new double[assets * w];
        _negativeTargets = new double[assets * w];
        _cash = new double[w];
        _nav = new double[w];
        _inverse = new double[w];
        _shift = new double[w];
        _sum = new double[w];
        _sumSquares = new double[w];
        _downside = new double[w];
        _peak = new double[w];
        _floorFactor = new double[w];
        _maxDrawdown = new double[w];
        _driftSum = new double[w];
        _driftMax = new double[w];
        _stopAbove = new double[w];
        _candidateBits = new byte[prices.Length / assets];
        _noBand = new long[w];
        _active = new long[w];
        _value = new double[w];
        _scale = new double[w];
        _noBand.AsSpan().Fill(-1);
    }

    /// <summary>Lanes per scanner: the vector width in doubles (the scalar kernel runs as many lanes, one after another).</summary>
    public static int Width => Lanes.Width;

    /// <summary>The kernel this scanner runs: <see cref="EngineKernel.Vector"/> or <see cref="EngineKernel.Scalar"/>.</summary>
    public EngineKernel Kernel => _vector ? EngineKernel.Vector : EngineKernel.Scalar;

    /// <summary>
    /// Starts <paramref name="lane"/> at row 0's NAV, holding <paramref name="units"/> and <paramref name="cash"/>. A row's
    /// return is (N − N₋₁) · (1/N₋₁): exactly 0 when the NAV did not move. Returns are summed shifted by a constant near
    /// them, row 1's return at these holdings, so the variance is free of cancellation without a division per row.
    /// </summary>
    public void Start(int lane, double nav, ReadOnlySpan<double> units, double cash, ReadOnlySpan<double> targets)
    {
        CheckLane(lane);
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

        SetHoldings(lane, units, cash);
        SetTargets(lane, targets);
        _nav[lane] = nav;
        _inverse[lane] = 1 / nav;
        _peak[lane] = nav;
        _floorFactor[lane] = 1;
        _maxDrawdown[lane] = 0;
        _sum[lane] = 0;
        _sumSquares[lane] = 0;
        _downside[lane] = 0;
        _driftSum[lane] = 0;
        _driftMax[lane] = 0;
        _shift[lane] = double.IsFinite(shift) ? shift : 0;
    }

    /// <summary>
    /// When <paramref name="lane"/> stops: on every row (<paramref name="everyRow"/>: the run is recorded or its policy
    /// observes each row), else on its <paramref name="candidates"/> rows (null: every row) where, with a
    /// <paramref name="band"/>, its scanned drift may exceed the band. An active lane's events stop the scan.
    /// </summary>
    public void SetStops(int lane, bool everyRow, bool[]? candidates, double? band)
    {
        CheckLane(lane);
        var bit = (byte)(1 << lane);
        var bits = _candidateBits.AsSpan();
        if (everyRow || candidates is null)
        {
            for (var t = 0; t < bits.Length; t++)
            {
                bits[t] |= bit;
            }
        }
        else
        {
            // A bool is one byte, 0 or 1: shifted into the lane's bit, a whole vector of rows at a time. Rows past
            // the flags are no candidates.
            bits = bits[..Math.Min(bits.Length, candidates.Length)];
            var flags = MemoryMarshal.AsBytes(candidates.AsSpan(0, bits.Length));
            var t = 0;
            for (; t + Vector<byte>.Count <= bits.Length; t += Vector<byte>.Count)
            {
                var row = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(flags), (nuint)t);
                (Vector.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)t) | Vector.ShiftLeft(row, lane)).StoreUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)t);
            }

            for (; t < bits.Length; t++)
            {
                bits[t] |= (byte)(flags[t] << lane);
            }
        }

        _noBand[lane] = everyRow || band is null ? -1 : 0;
        _stopAbove[lane] = (band ?? 0) - BandMargin;
        _active[lane] = -1;
    }

    /// <summary>Takes <paramref name="lane"/> out of the scan: nothing it computes stops a scan any longer.</summary>
    public void Deactivate(int lane)
    {
        CheckLane(lane);
        _active[lane] = 0;
    }

    /// <summary>The lane's units and cash, after the initial investment or a trade.</summary>
    public void SetHoldings(int lane, ReadOnlySpan<double> units, double cash)
    {
        for (var i = 0; i < _n; i++)
        {
            _units[(i * Width) + lane] = units[i];
        }

        _cash[lane] = cash;
    }

    /// <summary>The lane's targets in force (fractions), which its drift is measured against.</summary>
    public void SetTargets(int lane, ReadOnlySpan<double> targets)
    {
        if (targets.Length != _n)
        {
            throw new ArgumentException("one target per asset is needed", nameof(targets));
        }

        for (var i = 0; i < _n; i++)
        {
            _negativeTargets[(i * Width) + lane] = -targets[i];
        }
    }

    /// <summary>The value of the lane's holdings on the row the last scan stopped on.</summary>
    public double Value(int lane) => _value[lane];

    /// <summary>1 / <see cref="Value"/>.</summary>
    public double Scale(int lane) => _scale[lane];

    /// <summary>The NAV of the lane's last booked row.</summary>
    public double Nav(int lane) => _nav[lane];

    /// <summary>The lane's drift totals: Σ and max of |w − t| over every row and asset scanned.</summary>
    public (double Sum, double Max) DriftTotals(int lane) => (_driftSum[lane], _driftMax[lane]);

    /// <summary>The lane's return statistics of the rows booked so far.</summary>
    public ReturnStatistics Returns(int lane) => new(_count, _shift[lane], _sum[lane], _sumSquares[lane], _downside[lane], _maxDrawdown[lane], _riskFree);

    /// <summary>
    /// The lane's weights on the stop row, x·(1/V) per asset into <paramref name="weights"/>, and the exact largest
    /// |w − t| from them (what the policy is shown).
    /// </summary>
    public double StopWeights(int lane, int row, Span<double> weights)
    {
        var n = _n;
        var scale = _scale[lane];
        var exact = 0.0;
        for (var i = 0; i < n; i++)
        {
            var w = _units[(i * Width) + lane] * _prices[(row * n) + i] * scale;
            weights[i] = w;
            exact = double.MaxNative(exact, Math.Abs(w + _negativeTargets[(i * Width) + lane]));
        }

        return exact;
    }

    /// <summary>
    /// Books the stop row in every lane at its NAV after the row's trades, <paramref name="navAfter"/> (a lane that did
    /// not trade: its value): the return into the statistics, and the NAV and 1/NAV the next row's return starts from
    /// (the scanned 1/value reused where nothing changed the NAV).
    /// </summary>
    public void Book(ReadOnlySpan<double> navAfter)
    {
        for (var lane = 0; lane < Width; lane++)
        {
            var nav = navAfter[lane];
            var peak = _peak[lane];
            var floor = _floorFactor[lane];
            var drawdown = _maxDrawdown[lane];
            var sum = _sum[lane];
            var squares = _sumSquares[lane];
            var downside = _downside[lane];
            Accumulate((nav - _nav[lane]) * _inverse[lane], nav, _shift[lane], _riskFree, ref sum, ref squares, ref downside, ref peak, ref floor, ref drawdown);
            _sum[lane] = sum;
            _sumSquares[lane] = squares;
            _downside[lane] = downside;
            _peak[lane] = peak;
            _floorFactor[lane] = floor;
            _maxDrawdown[lane] = drawdown;
            _inverse[lane] = nav == _value[lane] ? _scale[lane] : 1 / nav;
            _nav[lane] = nav;
        }

        _count++;
    }

    /// <summary>
    /// Scans rows from <paramref name="row"/> on. Rows where no active lane has an event are finished here (every
    /// lane's return booked at NAV = value). Returns the first row where some active lane has one, with those lanes in
    /// <paramref name="events"/> (bit k for lane k); its values in <see cref="Value"/> and <see cref="Scale"/>, its
    /// drift accumulated, its returns not yet booked (<see cref="Book"/>). Or the row count when none is left.
    /// </summary>
    /// <remarks>
    /// The drift uses |w − t| = |x − t·V| · |1/V| (x = units · price, V the value): the division runs beside the
    /// distance rather than before it. That form can differ from |x/V − t| in the last bits, so the band test here only
    /// decides where to stop (with a margin far above that difference); the stop row's drift is recomputed from its
    /// weights (<see cref="StopWeights"/>), and that is what the policy sees.
    /// </remarks>
    public int Scan(int row, int rows, out int events)
    {
        if ((long)rows * _n > _prices.Length || row < 1)
        {
            throw new ArgumentException("the rows must be in the table and the scan starts after row 0");
        }

        return _vector ? ScanVector(row, rows, out events) : ScanScalar(row, rows, out events);
    }

    /// <summary>One row's return r at NAV <paramref name="nav"/> into the running sums and the drawdown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(double r, double nav, double shift, double riskFree, ref double sum, ref double sumSquares, ref double downside, ref double peak, ref double floorFactor, ref double maxDrawdown)
    {
        var x = r - shift;
        sum += x;
        sumSquares = Math.FusedMultiplyAdd(x, x, sumSquares);
        var shortfall = double.MinNative(0, r - riskFree);
        downside = Math.FusedMultiplyAdd(shortfall, shortfall, downside);

        // The floor peak·(1 + max drawdown) spares a division per row: only a new deepest drawdown divides.
        peak = double.MaxNative(peak, nav);
        if (nav < peak * floorFactor)
        {
            maxDrawdown = (nav / peak) - 1;
            floorFactor = 1 + maxDrawdown;
        }
    }

    private static Vector<long>[] BuildLaneMasks()
    {
        var masks = new Vector<long>[1 << Vector<double>.Count];
        Span<long> lanes = stackalloc long[Vector<double>.Count];
        for (var bits = 0; bits < masks.Length; bits++)
        {
            for (var k = 0; k < lanes.Length; k++)
            {
                lanes[k] = (bits & (1 << k)) != 0 ? -1 : 0;
            }

            masks[bits] = new Vector<long>(lanes);
        }

        return masks;
    }

    private void CheckLane(int lane) => ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)lane, (uint)Width, nameof(lane));

    /// <summary>The reference: each lane's row in plain scalar code, lane after lane.</summary>
    private int ScanScalar(int row, int rows, out int events)
    {
        var n = _n;
        var w = Width;
        events = 0;
        int t;
        for (t = row; t < rows; t++)
        {
            for (var lane = 0; lane < w; lane++)
            {
                var total = _cash[lane];
                for (var i = 0; i < n; i++)
                {
                    total += _units[(i * w) + lane] * _prices[(t * n) + i];
                }

                var scale = 1 / total;
                var rowSum = 0.0;
                var rowLargest = 0.0;
                for (var i = 0; i < n; i++)
                {
                    var x = _units[(i * w) + lane] * _prices[(t * n) + i];
                    var d = Math.Abs(Math.FusedMultiplyAdd(_negativeTargets[(i * w) + lane], total, x));
                    rowSum += d;
                    rowLargest = double.MaxNative(rowLargest, d);
                }

                var s = Math.Abs(scale);
                _driftSum[lane] = Math.FusedMultiplyAdd(rowSum, s, _driftSum[lane]);
                rowLargest *= s;
                _driftMax[lane] = double.MaxNative(_driftMax[lane], rowLargest);
                _value[lane] = total;
                _scale[lane] = scale;
                if (_active[lane] != 0 && (_candidateBits[t] & (1 << lane)) != 0 && (_noBand[lane] != 0 || rowLargest > _stopAbove[lane]))
                {
                    events |= 1 << lane;
                }
            }

            if (events != 0)
            {
                return t;
            }

            // No lane is asked here: every lane's row ends at NAV = value.
            Book(_value);
        }

        return t;
    }

    /// <summary>The vector scan for the universe's size: unrolled, units and targets held in registers, up to 8 assets; loops over memory beyond.</summary>
    private int ScanVector(int row, int rows, out int events) => _n switch
    {
        1 => ScanVector<Assets1>(row, rows, out events),
        2 => ScanVector<Assets2>(row, rows, out events),
        3 => ScanVector<Assets3>(row, rows, out events),
        4 => ScanVector<Assets4>(row, rows, out events),
        5 => ScanVector<Assets5>(row, rows, out events),
        6 => ScanVector<Assets6>(row, rows, out events),
        7 => ScanVector<Assets7>(row, rows, out events),
        8 => ScanVector<Assets8>(row, rows, out events),
        _ => ScanVector<AnyAssets>(row, rows, out events),
    };

    /// <summary>
    /// Every lane's row at once, in vector registers: per lane the very operations of <see cref="ScanScalar"/>. With a
    /// fixed count (<typeparamref name="TAssets"/> 1 to 8) the JIT folds the guards away, so the row is straight-line
    /// code; <see cref="AnyAssets"/> loops over the assets in memory.
    /// </summary>
    private int ScanVector<TAssets>(int row, int rows, out int events)
        where TAssets : struct, IAssetCount
    {
        var n = _n;
        var w = Width;
        var k = TAssets.Value;
        events = 0;
        unchecked
        {
            ref var prices = ref MemoryMarshal.GetArrayDataReference(_prices);
            ref var units = ref MemoryMarshal.GetArrayDataReference(_units);
            ref var negativeTargets = ref MemoryMarshal.GetArrayDataReference(_negativeTargets);
            var u0 = Vector.LoadUnsafe(ref units);
            var u1 = k > 1 ? Vector.LoadUnsafe(ref units, (nuint)w) : default;
            var u2 = k > 2 ? Vector.LoadUnsafe(ref units, (nuint)(2 * w)) : default;
            var u3 = k > 3 ? Vector.LoadUnsafe(ref units, (nuint)(3 * w)) : default;
            var u4 = k > 4 ? Vector.LoadUnsafe(ref units, (nuint)(4 * w)) : default;
            var u5 = k > 5 ? Vector.LoadUnsafe(ref units, (nuint)(5 * w)) : default;
            var u6 = k > 6 ? Vector.LoadUnsafe(ref units, (nuint)(6 * w)) : default;
            var u7 = k > 7 ? Vector.LoadUnsafe(ref units, (nuint)(7 * w)) : default;
            var t0 = Vector.LoadUnsafe(ref negativeTargets);
            var t1 = k > 1 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)w) : default;
            var t2 = k > 2 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(2 * w)) : default;
            var t3 = k > 3 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(3 * w)) : default;
            var t4 = k > 4 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(4 * w)) : default;
            var t5 = k > 5 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(5 * w)) : default;
            var t6 = k > 6 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(6 * w)) : default;
            var t7 = k > 7 ? Vector.LoadUnsafe(ref negativeTargets, (nuint)(7 * w)) : default;
            var cash = Load(_cash);
            var navLast = Load(_nav);
            var inverseLast = Load(_inverse);
            var shift = Load(_shift);
            var riskFree = new Vector<double>(_riskFree);
            var sum = Load(_sum);
            var sumSquares = Load(_sumSquares);
            var downside = Load(_downside);
            var peak = Load(_peak);
            var floorFactor = Load(_floorFactor);
            var maxDrawdown = Load(_maxDrawdown);
            var driftSum = Load(_driftSum);
            var driftMax = Load(_driftMax);
            var stopAbove = Load(_stopAbove);
            ref var candidateBits = ref MemoryMarshal.GetArrayDataReference(_candidateBits);
            ref var laneMasks = ref MemoryMarshal.GetArrayDataReference(LaneMasks);
            var noBand = Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_noBand));
            var active = Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_active));
            var magnitude = Vector.AsVectorDouble(new Vector<long>(long.MaxValue));
            var count = _count;
            var total = default(Vector<double>);
            var scale = default(Vector<double>);
            int t;
            for (t = row; t < rows; t++)
            {
                ref var p = ref Unsafe.Add(ref prices, (nint)t * n);
                Vector<double> rowSum;
                Vector<double> rowLargest;
                if (k > 0)
                {
                    var x0 = u0 * new Vector<double>(p);
                    total = cash + x0;
                    var x1 = k > 1 ? u1 * new Vector<double>(Unsafe.Add(ref p, 1)) : default;
                    total = k > 1 ? total + x1 : total;
                    var x2 = k > 2 ? u2 * new Vector<double>(Unsafe.Add(ref p, 2)) : default;
                    total = k > 2 ? total + x2 : total;
                    var x3 = k > 3 ? u3 * new Vector<double>(Unsafe.Add(ref p, 3)) : default;
                    total = k > 3 ? total + x3 : total;
                    var x4 = k > 4 ? u4 * new Vector<double>(Unsafe.Add(ref p, 4)) : default;
                    total = k > 4 ? total + x4 : total;
                    var x5 = k > 5 ? u5 * new Vector<double>(Unsafe.Add(ref p, 5)) : default;
                    total = k > 5 ? total + x5 : total;
                    var x6 = k > 6 ? u6 * new Vector<double>(Unsafe.Add(ref p, 6)) : default;
                    total = k > 6 ? total + x6 : total;
                    var x7 = k > 7 ? u7 * new Vector<double>(Unsafe.Add(ref p, 7)) : default;
                    total = k > 7 ? total + x7 : total;
                    scale = Vector<double>.One / total;
                    var d = Vector.FusedMultiplyAdd(t0, total, x0) & magnitude;
                    rowSum = d;
                    rowLargest = d;
                    Drift(k > 1, t1, total, x1, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 2, t2, total, x2, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 3, t3, total, x3, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 4, t4, total, x4, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 5, t5, total, x5, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 6, t6, total, x6, magnitude, ref rowSum, ref rowLargest);
                    Drift(k > 7, t7, total, x7, magnitude, ref rowSum, ref rowLargest);
                }
                else
                {
                    total = cash;
                    for (var i = 0; i < n; i++)
                    {
                        total += Vector.LoadUnsafe(ref units, (nuint)(i * w)) * new Vector<double>(Unsafe.Add(ref p, i));
                    }

                    scale = Vector<double>.One / total;
                    rowSum = Vector<double>.Zero;
                    rowLargest = Vector<double>.Zero;
                    for (var i = 0; i < n; i++)
                    {
                        var x = Vector.LoadUnsafe(ref units, (nuint)(i * w)) * new Vector<double>(Unsafe.Add(ref p, i));
                        Drift(true, Vector.LoadUnsafe(ref negativeTargets, (nuint)(i * w)), total, x, magnitude, ref rowSum, ref rowLargest);
                    }
                }

                var s = scale & magnitude;
                driftSum = Vector.FusedMultiplyAdd(rowSum, s, driftSum);
                rowLargest *= s;
                driftMax = Vector.MaxNative(driftMax, rowLargest);

                // The row's candidate lanes, from its bits through a table of lane masks (no branch per lane).
                var candidateLanes = Unsafe.Add(ref laneMasks, Unsafe.Add(ref candidateBits, t));
                var stops = candidateLanes & (noBand | Vector.GreaterThan(rowLargest, stopAbove)) & active;
                if (stops != Vector<long>.Zero)
                {
                    events = LaneBits(stops);
                    break;
                }

                // No lane is asked here: every lane's row ends at NAV = value. The previous row's 1/NAV spares a division.
                var r = (total - navLast) * inverseLast;
                var shifted = r - shift;
                sum += shifted;
                sumSquares = Vector.FusedMultiplyAdd(shifted, shifted, sumSquares);
                var shortfall = Vector.MinNative(Vector<double>.Zero, r - riskFree);
                downside = Vector.FusedMultiplyAdd(shortfall, shortfall, downside);
                peak = Vector.MaxNative(peak, total);
                var floor = peak * floorFactor;
                if (Vector.LessThanAny(total, floor))
                {
                    var deeper = Vector.LessThan(total, floor);
                    maxDrawdown = Vector.ConditionalSelect(deeper, (total / peak) - Vector<double>.One, maxDrawdown);
                    floorFactor = Vector.ConditionalSelect(deeper, Vector<double>.One + maxDrawdown, floorFactor);
                }

                count++;
                inverseLast = scale;
                navLast = total;
            }

            Store(total, _value);
            Store(scale, _scale);
            Store(navLast, _nav);
            Store(inverseLast, _inverse);
            Store(sum, _sum);
            Store(sumSquares, _sumSquares);
            Store(downside, _downside);
            Store(peak, _peak);
            Store(floorFactor, _floorFactor);
            Store(maxDrawdown, _maxDrawdown);
            Store(driftSum, _driftSum);
            Store(driftMax, _driftMax);
            _count = count;
            return t;
        }

        static Vector<double> Load(double[] lanes) => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(lanes));

        static void Store(Vector<double> value, double[] lanes) => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(lanes));
    }

    /// <summary>Bit k set where lane k of <paramref name="mask"/> is set (all bits or none in each lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LaneBits(Vector<long> mask)
    {
        if (Vector<long>.Count == Vector256<long>.Count)
        {
            return (int)Vector256.ExtractMostSignificantBits(mask.AsVector256());
        }

        var bits = 0;
        for (var lane = 0; lane < Vector<long>.Count; lane++)
        {
            bits |= mask[lane] != 0 ? 1 << lane : 0;
        }

        return bits;
    }

    /// <summary>One asset's drift d = |fma(−t, V, x)| into the row's sum and maximum, where <paramref name="present"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Drift(bool present, Vector<double> negativeTarget, Vector<double> total, Vector<double> product, Vector<double> magnitude, ref Vector<double> rowSum, ref Vector<double> rowLargest)
    {
        if (present)
        {
            var d = Vector.FusedMultiplyAdd(negativeTarget, total, product) & magnitude;
            rowSum += d;
            rowLargest = Vector.MaxNative(rowLargest, d);
        }
    }

    /// <summary>A universe size fixed at JIT time (0: any, looped over).</summary>
    private interface IAssetCount
    {
        static abstract int Value { get; }
    }

    private struct AnyAssets : IAssetCount
    {
        public static int Value => 0;
    }

    private struct Assets1 : IAssetCount
    {
        public static int Value => 1;
    }

    private struct Assets2 : IAssetCount
    {
        public static int Value => 2;
    }

    private struct Assets3 : IAssetCount
    {
        public static int Value => 3;
    }

    private struct Assets4 : IAssetCount
    {
        public static int Value => 4;
    }

    private struct Assets5 : IAssetCount
    {
        public static int Value => 5;
    }

    private struct Assets6 : IAssetCount
    {
        public static int Value => 6;
    }

    private struct Assets7 : IAssetCount
    {
        public static int Value => 7;
    }

    private struct Assets8 : IAssetCount
    {
        public static int Value => 8;
    }
}
