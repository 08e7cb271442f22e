using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Policies;

public class PartsPerMillionTests
{
    [Fact]
    public void Round_Thirds_GivesTheLeftoverUnitToTheFirstByTieOrder()
    {
        Assert.Equal([333_334, 333_333, 333_333], PartsPerMillion.Round([1.0 / 3, 1.0 / 3, 1.0 / 3]));
        Assert.Equal([333_333, 333_333, 333_334], PartsPerMillion.Round([1.0 / 3, 1.0 / 3, 1.0 / 3], [2, 1, 0]));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(70)]
    [InlineData(300)]
    public void Round_EqualWeights_GiveLeftoversByTieOrderOnBothSortPaths(int n)
    {
        var ranks = Enumerable.Range(0, n).Select(i => n - 1 - i).ToArray();
        var ppm = PartsPerMillion.Round(Enumerable.Repeat(1.0, n).ToArray(), ranks);

        var floor = PartsPerMillion.One / n;
        var left = PartsPerMillion.One - (floor * n);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(ranks[i] < left ? floor + 1 : floor, ppm[i]);
        }
    }

    [Fact]
    public void Round_AnyNonNegativeWeights_SumsToExactlyOneMillionAndStaysWithinOnePart()
    {
        Gen.Double[0, 1].Array[1, 300].Where(a => a.Sum() > 0).Sample(weights =>
        {
            var ppm = PartsPerMillion.Round(weights);
            Assert.Equal(PartsPerMillion.One, ppm.Sum());
            var sum = weights.Sum();
            for (var i = 0; i < weights.Length; i++)
            {
                Assert.True(Math.Abs(ppm[i] - (weights[i] / sum * 1e6)) < 1 + 1e-6);
            }
        });
    }
}

public class TextTests
{
    [Theory]
    [InlineData("triger", "trigger")]
    [InlineData("b", "B")]
    [InlineData("Q", null)]
    [InlineData("SPYY", "SPY")]
    public void Suggest_OffersOnlyLikelyTypos(string word, string? expected) =>
        Assert.Equal(expected, NameMatching.Suggest(word, ["trigger", "B", "A", "SPY"]));
}
