namespace Ballast.Io.Reports.Tearsheet;

/// <summary>Rolling annualised volatility and Sharpe ratio over a trailing window of per-row returns.</summary>
/// <param name="Window">The number of returns in each window.</param>
/// <param name="Volatility">At row t (t ≥ window): s · √P over returns t − window + 1 .. t; NaN before.</param>
/// <param name="Sharpe">At row t (t ≥ window): (r̄ − rf_p) / s · √P over the same returns; NaN before and where s = 0.</param>
public sealed record RollingSeries(int Window, double[] Volatility, double[] Sharpe);

/// <summary>
/// Rolling volatility and Sharpe with the conventions of the full-window metrics (docs/metrics.md): per-row returns
/// rₜ = Nₜ / Nₜ₋₁ − 1, sample deviation s with ddof 1, annualised with √P, and the per-period risk-free rate
/// rf_p = (1 + rf)^(1/P) − 1. The window is one year of periods (P returns) by default: pyfolio and QuantStats default to
/// six months of trading days (126), but a year is the horizon the annual figures speak of and it is defined for any P.
/// </summary>
public static class RollingStatistics
{
    /// <summary>The series for <paramref name="nav"/> (one value per row, index 0 = the first row).</summary>
    /// <param name="nav">NAV at each row's close.</param>
    /// <param name="periodsPerYear">P, for annualising.</param>
    /// <param name="riskFree">The annual risk-free rate rf.</param>
    /// <param name="window">Returns per window; default (0) P. At least 2.</param>
    public static RollingSeries Compute(ReadOnlySpan<double> nav, int periodsPerYear, double riskFree, int window = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(periodsPerYear);
        window = window == 0 ? periodsPerYear : window;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        var n = nav.Length;
        var volatility = new double[n];
        var sharpe = new double[n];
        Array.Fill(volatility, double.NaN);
        Array.Fill(sharpe, double.NaN);
        if (n <= window)
        {
            return new RollingSeries(window, volatility, sharpe);
        }

        var returns = new double[n];
        for (var t = 1; t < n; t++)
        {
            returns[t] = (nav[t] / nav[t - 1]) - 1;
        }

        var rfPeriod = Math.Pow(1 + riskFree, 1.0 / periodsPerYear) - 1;
        var annualise = Math.Sqrt(periodsPerYear);

        // Each window is summed afresh around its own mean (two passes): O(n · window) but exact to the last digits,
        // where running sums would drift over decades of daily rows.
        for (var t = window; t < n; t++)
        {
            var from = t - window + 1;
            var sum = 0.0;
            for (var k = from; k <= t; k++)
            {
                sum += returns[k];
            }

            var mean = sum / window;
            var squares = 0.0;
            for (var k = from; k <= t; k++)
            {
                var d = returns[k] - mean;
                squares += d * d;
            }

            var s = Math.Sqrt(squares / (window - 1));
            volatility[t] = s * annualise;
            sharpe[t] = s > 0 ? (mean - rfPeriod) / s * annualise : double.NaN;
        }

        return new RollingSeries(window, volatility, sharpe);
    }
}
