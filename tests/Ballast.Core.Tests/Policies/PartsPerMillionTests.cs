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

    [Fact]
    public void Round_ManyWeights_AgreesWithTheFrameworkSortsItReplaced()
    {
        // Above 64 weights the leftover units go in the order of a merge sort of PartsPerMillion's own; the reference
        // is the former way (the framework's sort by remainder, then each run of equal remainders by rank). Weights
        // drawn from a few values give long runs of equal remainders; ranks are a permutation, or the index.
        Gen.Select(Gen.Int[65, 400], Gen.Int[1, 6], Gen.Bool, Gen.Int[0, 1_000_000]).Sample((n, values, ranked, seed) =>
        {
            var rng = new Random(seed);
            var fractions = Enumerable.Range(0, n).Select(_ => (double)(1 + rng.Next(values))).ToArray();
            var ranks = ranked ? Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray() : [];

            if (FrameworkSortReference(fractions, ranks) is { } expected)
            {
                Assert.Equal(expected, PartsPerMillion.Round(fractions, ranks));
            }
        });
    }

    /// <summary>Largest-remainder rounding as it was done above 64 weights before the merge sort; null when no unit is left over (the sort is not used).</summary>
    private static int[]? FrameworkSortReference(double[] fractions, int[] tieOrder)
    {
        var n = fractions.Length;
        var sum = fractions.Sum();
        var result = new int[n];
        var remainders = new double[n];
        long assigned = 0;
        for (var i = 0; i < n; i++)
        {
            var exact = fractions[i] / sum * PartsPerMillion.One;
            var floor = Math.Floor(exact);
            result[i] = (int)floor;
            remainders[i] = exact - floor;
            assigned += result[i];
        }

        var left = PartsPerMillion.One - assigned;
        if (left <= 0)
        {
            return null;
        }

        var keys = remainders.Select(r => -r).ToArray();
        var items = Enumerable.Range(0, n).ToArray();
        keys.AsSpan().Sort(items.AsSpan());
        var order = Enumerable.Range(0, n).Select(i => (Remainder: -keys[i], Rank: tieOrder.Length == 0 ? items[i] : tieOrder[items[i]], Index: items[i])).ToArray();
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && order[end].Remainder == order[start].Remainder)
            {
                end++;
            }

            order.AsSpan(start, end - start).Sort((x, y) => x.Rank.CompareTo(y.Rank));
            start = end;
        }

        for (var k = 0; k < left; k++)
        {
            result[order[k % n].Index]++;
        }

        return result;
    }
}
