using Ballast.Synthesis;

namespace Ballast.Core.Tests.Synthesis;

public class StrategySynthesizerTests
{
    [Fact]
    public void Generate_SameSeed_IsIdentical()
    {
        var a = StrategySynthesizer.Generate(5, 3, 11);
        var b = StrategySynthesizer.Generate(5, 3, 11);

        Assert.Equal(a.Prices, b.Prices);
        Assert.Equal(a.Dates, b.Dates);
        Assert.NotEqual(a.Prices, StrategySynthesizer.Generate(5, 3, 12).Prices);
    }

    [Fact]
    public void Generate_TwentyYears_HasDistinctVolatilitiesCorrelationAndVolatilityRegimes()
    {
        var table = StrategySynthesizer.Generate(5, 20, 42);
        var n = table.ColumnCount;
        var returns = new double[n][];
        for (var i = 0; i < n; i++)
        {
            returns[i] = [.. Enumerable.Range(1, table.RowCount - 1).Select(t => Math.Log(table.Prices[(t * n) + i] / table.Prices[((t - 1) * n) + i]))];
        }

        var vols = returns.Select(r => Std(r) * Math.Sqrt(252)).ToArray();
        Assert.True(vols.Max() > 2 * vols.Min(), $"volatilities {string.Join(", ", vols)} are too alike");
        Assert.True(vols[4] < vols[2], "ARB (5 % calm vol) should be calmer than VALUE (17 %)");
        Assert.All(vols, v => Assert.InRange(v, 0.03, 0.5));

        // VALUE and CARRY load on the common factor: positively correlated, but not identical.
        var rho = Correlation(returns[2], returns[1]);
        Assert.InRange(rho, 0.05, 0.95);

        // Regimes: rolling 21-day volatility of VALUE spans calm and stressed levels.
        var rolling = Enumerable.Range(0, returns[2].Length - 21).Select(s => Std(returns[2].AsSpan(s, 21).ToArray()) * Math.Sqrt(252)).ToArray();
        Assert.True(rolling.Max() > 2.5 * rolling.Min(), $"rolling vol ranges only {rolling.Min():0.###}..{rolling.Max():0.###}");
    }

    private static double Std(double[] x)
    {
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
    }

    private static double Correlation(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var cov = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return cov / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }
}
