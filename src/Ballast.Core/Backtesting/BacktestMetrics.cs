namespace Ballast.Backtesting;

/// <summary>
/// Performance and behaviour of one policy. Formulas are in docs/metrics.md. Values that are undefined for a run
/// (a ratio with a zero denominator) are null.
/// </summary>
public sealed record BacktestMetrics
{
    /// <summary>The date of the window's first row (d₀, the initial investment).</summary>
    public required DateOnly Start { get; init; }

    /// <summary>The date of the window's last row (d_{T−1}).</summary>
    public required DateOnly End { get; init; }

    /// <summary>Y = (End − Start in days) / 365.25, the calendar years used by CAGR, turnover and cost drag.</summary>
    public required double Years { get; init; }

    /// <summary>NAV at the last row's close after its trades and costs, in currency.</summary>
    public required double FinalNav { get; init; }

    /// <summary>Final NAV / capital − 1, a fraction (the initial investment's costs count against it).</summary>
    public required double TotalReturn { get; init; }

    /// <summary>(Final NAV / capital)^(1/Years) − 1, a fraction per year; null when Years ≤ 0.</summary>
    public double? Cagr { get; init; }

    /// <summary>Sample standard deviation (ddof 1) of the per-row NAV returns × √P, a fraction per year; null with fewer than two returns.</summary>
    public double? Volatility { get; init; }

    /// <summary>(mean return − per-period risk-free) / standard deviation × √P; null when the deviation is undefined or 0.</summary>
    public double? Sharpe { get; init; }

    /// <summary>(mean return − per-period risk-free) / downside deviation over all periods × √P; null when that deviation is 0.</summary>
    public double? Sortino { get; init; }

    /// <summary>The deepest fall of NAV below its running peak, a fraction ≤ 0 (0 when NAV never fell).</summary>
    public required double MaxDrawdown { get; init; }

    /// <summary>CAGR / |max drawdown|; null when the drawdown is 0 or CAGR is undefined.</summary>
    public double? Calmar { get; init; }

    /// <summary>Rows after the first on which at least one asset traded (the initial investment is not counted).</summary>
    public required int Rebalances { get; init; }

    /// <summary>Σ over rebalances of Σᵢ|Δvᵢ| / (2 · NAV before) / Years, a fraction of NAV per year; null when Years ≤ 0.</summary>
    public double? TurnoverOneWayAnnual { get; init; }

    /// <summary>Twice <see cref="TurnoverOneWayAnnual"/>; null when Years ≤ 0.</summary>
    public double? TurnoverTwoWayAnnual { get; init; }

    /// <summary>All transaction costs paid, the initial investment's included, in currency.</summary>
    public required double CostsPaid { get; init; }

    /// <summary>10,000 · Σ over rebalances of cost / NAV before, per year (rebalances only); null when Years ≤ 0.</summary>
    public double? CostDragBpsPerYear { get; init; }

    /// <summary>Mean over rows 1 .. T−1 and assets of |pre-trade weight − target in force|, a weight fraction.</summary>
    public required double MeanAbsDrift { get; init; }

    /// <summary>Largest |pre-trade weight − target in force| over rows 1 .. T−1 and assets, a weight fraction.</summary>
    public required double MaxAbsDrift { get; init; }

    /// <summary>CAGR minus the CAGR of the policy's own buy-and-hold twin (same universe, weights, costs, lots and capital) over the same window.</summary>
    public double? RebalancingPremium { get; init; }
}

/// <summary>
/// The row loop's part of the metrics: the streaming sums of the per-row returns and the deepest drawdown (kept by
/// <see cref="LaneScanner"/>, which books every row).
/// </summary>
/// <param name="Count">Returns booked (one per row after the first).</param>
/// <param name="Shift">The constant every return was shifted by before summing.</param>
/// <param name="Sum">Σ (r − shift).</param>
/// <param name="SumSquares">Σ (r − shift)².</param>
/// <param name="Downside">Σ min(0, r − risk-free)².</param>
/// <param name="MaxDrawdown">The deepest NAV / running peak − 1 (≤ 0).</param>
/// <param name="RiskFreePerPeriod">The per-period risk-free rate the downside was measured against.</param>
internal readonly record struct ReturnStatistics(long Count, double Shift, double Sum, double SumSquares, double Downside, double MaxDrawdown, double RiskFreePerPeriod);

/// <summary>Streaming accumulator for the rest of <see cref="BacktestMetrics"/>: constant memory per policy.</summary>
internal struct MetricsAccumulator
{
    private double _driftSum;
    private long _driftCount;
    private double _driftMax;
    private int _rebalances;
    private double _turnoverOneWay;
    private double _costs;
    private double _costFractions;

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

    /// <summary>A rebalance that moved <paramref name="traded"/> in value (Σ |Δ value|) and cost <paramref name="cost"/>, at a NAV before it of 1 / <paramref name="inverseNav"/>.</summary>
    public void AddRebalance(double traded, double cost, double inverseNav)
    {
        _rebalances++;
        _turnoverOneWay += traded * inverseNav * 0.5;
        _costs += cost;
        _costFractions += cost * inverseNav;
    }

    public readonly BacktestMetrics Finish(double capital, double finalNav, DateOnly start, DateOnly end, int periodsPerYear, in ReturnStatistics returns)
    {
        var count = returns.Count;
        var years = (end.DayNumber - start.DayNumber) / 365.25;
        var totalReturn = (finalNav / capital) - 1;
        double? cagr = years > 0 ? Math.Pow(finalNav / capital, 1 / years) - 1 : null;
        var shiftedMean = count > 0 ? returns.Sum / count : 0;
        var mean = returns.Shift + shiftedMean;
        var sd = count > 1 ? Math.Sqrt(Math.Max(0, (returns.SumSquares - (count * shiftedMean * shiftedMean)) / (count - 1))) : (double?)null;
        var sqrtP = Math.Sqrt(periodsPerYear);
        double? volatility = sd * sqrtP;
        double? sharpe = sd is > 0 ? (mean - returns.RiskFreePerPeriod) / sd * sqrtP : null;
        var downsideDeviation = count > 0 ? Math.Sqrt(returns.Downside / count) : 0;
        double? sortino = downsideDeviation > 0 ? (mean - returns.RiskFreePerPeriod) / downsideDeviation * sqrtP : null;
        double? calmar = cagr is { } c && returns.MaxDrawdown < 0 ? c / Math.Abs(returns.MaxDrawdown) : null;
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
            MaxDrawdown = returns.MaxDrawdown,
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
