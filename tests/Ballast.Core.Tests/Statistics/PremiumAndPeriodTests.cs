using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Policies;
using Ballast.Statistics;

namespace Ballast.Core.Tests.Statistics;

/// <summary>The diversification return, risk contributions, and sub-period metrics of one continuous run.</summary>
public class PremiumAndPeriodTests
{
    [Fact]
    public void DiversificationReturn_TwoAssets_IsHalfW1W2TimesTheVarianceOfTheDifference()
    {
        // ½(w₁σ₁² + w₂σ₂² − w′Σw) = ½ w₁ w₂ (σ₁² + σ₂² − 2σ₁₂) = ½ w₁ w₂ Var(r₁ − r₂) when w₁ + w₂ = 1.
        var (a, b) = Draws.NormalPair(8, 400, 0.0005, 0.012, 0.0002, 0.004, -0.2);
        var returns = new double[a.Length, 2];
        for (var t = 0; t < a.Length; t++)
        {
            returns[t, 0] = a[t];
            returns[t, 1] = b[t];
        }

        var diff = a.Zip(b, (x, y) => x - y).ToArray();
        var expected = 0.5 * 0.6 * 0.4 * Draws.Cov(diff, diff) * 252;

        var result = DiversificationReturn.Compute([0.6, 0.4], DiversificationReturn.Covariance(returns), 252);

        Assert.Equal(expected, result.DiversificationReturn, 12);
        Assert.Equal((0.6 * Draws.Cov(a, a) + (0.4 * Draws.Cov(b, b))) * 252, result.WeightedVariance, 12);
        Assert.Equal(0.01 - result.DiversificationReturn, result.Rest(0.01), 15);
    }

    [Fact]
    public void RiskContributions_SumToOne_AndEqualTheWeightsForUncorrelatedEqualVolatility()
    {
        var equal = DiversificationReturn.RiskContributions([0.7, 0.3], new double[,] { { 0.04, 0 }, { 0, 0.04 } });
        Assert.Equal(0.7 * 0.7 / ((0.7 * 0.7) + (0.3 * 0.3)), equal[0], 12); // wᵢ² σ² / Σ wⱼ² σ²

        var cov = new double[,] { { 0.04, 0.006 }, { 0.006, 0.01 } };
        var rc = DiversificationReturn.RiskContributions([0.6, 0.4], cov);
        var variance = (0.36 * 0.04) + (2 * 0.24 * 0.006) + (0.16 * 0.01);
        Assert.Equal(0.6 * ((0.04 * 0.6) + (0.006 * 0.4)) / variance, rc[0], 12);
        Assert.Equal(1, rc.Sum(), 12);
    }

    [Fact]
    public void PeriodMetrics_OfTheWholeWindow_MatchTheEnginesMetrics()
    {
        double[] a = [100, 104, 101, 99, 108, 111, 103, 115, 117, 110];
        double[] b = [50, 49, 51, 52, 50, 53, 55, 54, 56, 58];
        var table = Specs.Table(["A", "B"], a, b);
        var run = Backtester.Run(table, new RebalancePolicy(Specs.Fixed(["A", "B"], [0.6, 0.4], Specs.EveryRow)), new BacktestSettings(252, RiskFree: 0.01, Record: true));
        var rf = ReturnSeries.RiskFreePerPeriod(0.01, 252);

        var slice = PeriodMetrics.Of(run.Equity, table.Dates, 0, table.RowCount - 1, 252, rf);

        Assert.Equal(run.Metrics.Volatility!.Value, slice.Volatility!.Value, 12);
        Assert.Equal(run.Metrics.Sharpe!.Value, slice.Sharpe!.Value, 10);
        Assert.Equal(run.Metrics.MaxDrawdown, slice.MaxDrawdown, 12);
        Assert.Equal(table.RowCount - 1, slice.Returns);
    }

    [Fact]
    public void PeriodMetrics_OfASlice_StartFromTheCloseBeforeIt()
    {
        double[] equity = [100, 110, 99, 120, 90, 108];
        var dates = Enumerable.Range(0, 6).Select(i => new DateOnly(2021, 1, 1).AddDays(10 * i)).ToArray();

        var slice = PeriodMetrics.Of(equity, dates, 2, 4, 12, 0);

        // Base: row 1 (110). Returns 99/110 − 1, 120/99 − 1, 90/120 − 1; peak 120 then 90: drawdown −25 %.
        double[] r = [(99 / 110.0) - 1, (120 / 99.0) - 1, (90 / 120.0) - 1];
        var mean = r.Average();
        var sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / 2);
        Assert.Equal(dates[2], slice.Start);
        Assert.Equal(dates[4], slice.End);
        Assert.Equal(3, slice.Returns);
        Assert.Equal((90 / 110.0) - 1, slice.TotalReturn, 12);
        Assert.Equal(Math.Pow(90 / 110.0, 365.25 / 30) - 1, slice.Cagr!.Value, 12);
        Assert.Equal(sd * Math.Sqrt(12), slice.Volatility!.Value, 12);
        Assert.Equal(mean / sd * Math.Sqrt(12), slice.Sharpe!.Value, 12);
        Assert.Equal(-0.25, slice.MaxDrawdown, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => PeriodMetrics.Of(equity, dates, 4, 2, 12, 0));
    }
}
