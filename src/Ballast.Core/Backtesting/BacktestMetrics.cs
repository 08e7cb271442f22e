namespace Ballast.Backtesting;

/// <summary>
/// Performance and behaviour of one policy. Formulas are in docs/metrics.md. Values that are undefined for a run
/// (a ratio with a zero denominator) are null.
/// </summary>
public sealed record BacktestMetrics
{
    public required DateOnly Start { get; init; }

    public required DateOnly End { get; init; }

    public required double Years { get; init; }

    public required double FinalNav { get; init; }

    public required double TotalReturn { get; init; }

    public double? Cagr { get; init; }

    public double? Volatility { get; init; }

    public double? Sharpe { get; init; }

    public double? Sortino { get; init; }

    public required double MaxDrawdown { get; init; }

    public double? Calmar { get; init; }

    public required int Rebalances { get; init; }

    public double? TurnoverOneWayAnnual { get; init; }

    public double? TurnoverTwoWayAnnual { get; init; }

    public required double CostsPaid { get; init; }

    public double? CostDragBpsPerYear { get; init; }

    public required double MeanAbsDrift { get; init; }

    public required double MaxAbsDrift { get; init; }

    /// <summary>CAGR minus buy-and-hold's CAGR over the same window.</summary>
    public double? RebalancingPremium { get; init; }
}

/// <summary>Streaming accumulator for <see cref="BacktestMetrics"/>: constant memory per policy.</summary>
internal struct MetricsAccumulator
{
    private long _returns;
    private double _sum;
    private double _sumSquares;
    private double _shift;
    private double _downside;
    private double _peak;
    private double _maxDrawdown;
    private double _floorFactor;
    private double _driftSum;
    private long _driftCount;
    private double _driftMax;
    private int _rebalances;
    private double _turnoverOneWay;
    private double _costs;
    private double _costFractions;
    private double _riskFreePerPeriod;

    /// <summary>
    /// Starts at <paramref name="nav"/>. Returns are summed shifted by <paramref name="typicalReturn"/>, any constant
    /// near them (the backtester passes the first row's return at unchanged holdings): shifted sums keep the variance
    /// free of cancellation without a division per row, and a shift known up front spares a branch per row.
    /// </summary>
    public void Start(double nav, double riskFreePerPeriod, double typicalReturn)
    {
        _peak = nav;
        _floorFactor = 1;
        _riskFreePerPeriod = riskFreePerPeriod;
        _shift = double.IsFinite(typicalReturn) ? typicalReturn : 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void AddReturn(double r, double nav)
    {
        unchecked
        {
            _returns++;
        }

        var x = r - _shift;
        _sum += x;
        _sumSquares += x * x;
        var shortfall = Math.Min(0, r - _riskFreePerPeriod);
        _downside += shortfall * shortfall;
        // Branch-free peak (a new high comes at random, so a branch on it mispredicts and stalls the row loop); the
        // floor peak·(1 + max drawdown) spares a division per row: only a new deepest drawdown divides, and rarely.
        _peak = double.MaxNative(_peak, nav);
        if (nav < _peak * _floorFactor)
        {
            _maxDrawdown = (nav / _peak) - 1;
            _floorFactor = 1 + _maxDrawdown;
        }
    }

    public void AddDrift(double sum, long count, double max)
    {
        _driftSum += sum;
        _driftCount += count;
        if (max > _driftMax)
        {
            _driftMax = max;
        }
    }

    public void AddInitialCost(double cost) => _costs += cost;

    public void AddRebalance(double turnoverOneWay, double cost, double navBefore)
    {
        _rebalances++;
        _turnoverOneWay += turnoverOneWay;
        _costs += cost;
        _costFractions += cost / navBefore;
    }

    public readonly BacktestMetrics Finish(double capital, double finalNav, DateOnly start, DateOnly end, int periodsPerYear)
    {
        var years = (end.DayNumber - start.DayNumber) / 365.25;
        var totalReturn = (finalNav / capital) - 1;
        double? cagr = years > 0 ? Math.Pow(finalNav / capital, 1 / years) - 1 : null;
        var shiftedMean = _returns > 0 ? _sum / _returns : 0;
        var mean = _shift + shiftedMean;
        var sd = _returns > 1 ? Math.Sqrt(Math.Max(0, (_sumSquares - (_returns * shiftedMean * shiftedMean)) / (_returns - 1))) : (double?)null;
        var sqrtP = Math.Sqrt(periodsPerYear);
        double? volatility = sd * sqrtP;
        double? sharpe = sd is > 0 ? (mean - _riskFreePerPeriod) / sd * sqrtP : null;
        var downsideDeviation = _returns > 0 ? Math.Sqrt(_downside / _returns) : 0;
        double? sortino = downsideDeviation > 0 ? (mean - _riskFreePerPeriod) / downsideDeviation * sqrtP : null;
        double? calmar = cagr is { } c && _maxDrawdown < 0 ? c / Math.Abs(_maxDrawdown) : null;
        static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
        cagr = Finite(cagr);
        volatility = Finite(volatility);
        sharpe = Finite(sharpe);
        sortino = Finite(sortino);
        calmar = Finite(calmar);
        return new BacktestMetrics
        {
            Start = start,
            End = end,
            Years = years,
            FinalNav = finalNav,
            TotalReturn = totalReturn,
            Cagr = cagr,
            Volatility = volatility,
            Sharpe = sharpe,
            Sortino = sortino,
            MaxDrawdown = _maxDrawdown,
            Calmar = calmar,
            Rebalances = _rebalances,
            TurnoverOneWayAnnual = years > 0 ? _turnoverOneWay / years : null,
            TurnoverTwoWayAnnual = years > 0 ? 2 * _turnoverOneWay / years : null,
            CostsPaid = _costs,
            CostDragBpsPerYear = years > 0 ? _costFractions * 10_000 / years : null,
            MeanAbsDrift = _driftCount > 0 ? _driftSum / _driftCount : 0,
            MaxAbsDrift = _driftMax,
        };
    }
}
