namespace Ballast.Statistics;

/// <summary>Metrics of one slice of a continuous run's equity curve (no restart at the targets).</summary>
/// <param name="Start">The first row's date inside the slice.</param>
/// <param name="End">The last row's date inside the slice.</param>
/// <param name="Returns">The number of returns measured (rows in the slice, counting the row before it as the base when there is one).</param>
/// <param name="TotalReturn">N_last / N_base − 1.</param>
/// <param name="Cagr">(N_last / N_base)^(1/Y) − 1, Y = (date_last − date_base in days) / 365.25; null when Y ≤ 0.</param>
/// <param name="Volatility">Sample standard deviation (ddof 1) × √P; null with fewer than two returns.</param>
/// <param name="Sharpe">(mean − rf per period) / deviation × √P; null when the deviation is 0 or undefined.</param>
/// <param name="MaxDrawdown">The deepest fall below the running peak from N_base, a fraction ≤ 0.</param>
public sealed record SliceMetrics(DateOnly Start, DateOnly End, int Returns, double TotalReturn, double? Cagr, double? Volatility, double? Sharpe, double MaxDrawdown);

/// <summary>
/// Sub-period metrics of one continuous run: a slice [first, last] of an existing equity curve, measured from the close
/// of the row before it (the base, so the slice's first return is counted), or from its own first row when it starts
/// the window. Formulas as docs/metrics.md, on the slice. See docs/statistics.md.
/// </summary>
public static class PeriodMetrics
{
    /// <summary>The metrics of rows <paramref name="first"/> .. <paramref name="last"/> (inclusive) of the curve.</summary>
    public static SliceMetrics Of(ReadOnlySpan<double> equity, ReadOnlySpan<DateOnly> dates, int first, int last, int periodsPerYear, double riskFreePerPeriod)
    {
        if (equity.Length != dates.Length)
        {
            throw new ArgumentException($"the equity curve has {equity.Length} values for {dates.Length} dates");
        }

        if (first < 0 || last >= equity.Length || first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"the slice {first} .. {last} is not inside 0 .. {equity.Length - 1}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(periodsPerYear, 1);
        var baseRow = first > 0 ? first - 1 : first;
        var path = equity[baseRow..(last + 1)];
        var returns = ReturnSeries.FromEquity(path);
        var total = (equity[last] / equity[baseRow]) - 1;
        var years = (dates[last].DayNumber - dates[baseRow].DayNumber) / 365.25;
        double? cagr = years > 0 ? Math.Pow(equity[last] / equity[baseRow], 1 / years) - 1 : null;
        var moments = SampleMoments.Of(returns);
        var sd = moments.StandardDeviation;
        var sqrtP = Math.Sqrt(periodsPerYear);
        double? volatility = returns.Length > 1 ? sd * sqrtP : null;
        double? sharpe = returns.Length > 1 && sd > 0 ? (moments.Mean - riskFreePerPeriod) / sd * sqrtP : null;
        return new SliceMetrics(dates[first], dates[last], returns.Length, total, Finite(cagr), Finite(volatility), Finite(sharpe), ReturnSeries.MaxDrawdown(returns));
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
