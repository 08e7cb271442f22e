namespace Ballast.Backtesting;

/// <summary>
/// How one policy's run compares with a comparator's over the same window: its buy-and-hold twin (the rebalancing
/// premium is <see cref="CagrDifference"/> against the twin) or a named baseline. Differences are policy minus
/// comparator; null where either side's metric is undefined. <see cref="Compare"/> is the one place comparisons are
/// made, for metrics.json and the premium alike, so further measures (significance) belong here.
/// </summary>
/// <param name="CagrDifference">CAGR(policy) − CAGR(comparator), a fraction per year.</param>
/// <param name="VolatilityDifference">Annualised volatility difference.</param>
/// <param name="SharpeDifference">Sharpe ratio difference.</param>
/// <param name="MaxDrawdownDifference">Maximum drawdown difference (drawdowns are negative: a positive difference is a shallower drawdown).</param>
public sealed record PolicyComparison(double? CagrDifference, double? VolatilityDifference, double? SharpeDifference, double MaxDrawdownDifference)
{
    /// <summary>Compares <paramref name="policy"/> with <paramref name="comparator"/> (run over the same window).</summary>
    public static PolicyComparison Compare(PolicyRun policy, PolicyRun comparator)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(comparator);
        var p = policy.Metrics;
        var c = comparator.Metrics;
        return new PolicyComparison(p.Cagr - c.Cagr, p.Volatility - c.Volatility, p.Sharpe - c.Sharpe, p.MaxDrawdown - c.MaxDrawdown);
    }
}
