using Ballast.Statistics;

namespace Ballast.Core.Tests.Statistics;

/// <summary>The one implementation of moments: its sample-adjusted skewness and excess kurtosis against Math.NET's.</summary>
public class SampleMomentsTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 40)]
    [InlineData(3, 1000)]
    public void Adjusted_MatchMathNetsSkewnessAndKurtosis(int seed, int n)
    {
        var r = Draws.Normals(seed, n, 0.0004, 0.01).Select(x => x < -0.01 ? 2 * x : x).ToArray();

        var moments = SampleMoments.Of(r);

        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Skewness(r), moments.AdjustedSkewness, 10);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Kurtosis(r), moments.AdjustedExcessKurtosis, 10);
    }

    [Fact]
    public void Adjusted_AreUndefinedForTooFewReturns()
    {
        Assert.True(double.IsNaN(SampleMoments.Of([0.01, 0.02]).AdjustedSkewness));
        Assert.True(double.IsNaN(SampleMoments.Of([0.01, 0.02, 0.04]).AdjustedExcessKurtosis));
        Assert.False(double.IsNaN(SampleMoments.Of([0.01, 0.02, 0.04]).AdjustedSkewness));
    }
}
