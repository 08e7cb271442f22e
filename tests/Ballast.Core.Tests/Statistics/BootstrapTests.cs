using Ballast.Statistics;
using CsCheck;

namespace Ballast.Core.Tests.Statistics;

/// <summary>The block bootstraps, the Politis-White block length and the paired comparison.</summary>
public class BootstrapTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void BlockLength_OnALongAr1Series_ApproachesTheClosedForm(double phi)
    {
        // For an AR(1), ĝ(0) → σ²/(1 − φ)² and Ĝ → 2σ²φ / ((1 − φ²)(1 − φ)²), so the stationary bootstrap's optimal
        // length is (Ĝ / ĝ(0))^(2/3) n^(1/3) = (2φ / (1 − φ²))^(2/3) n^(1/3) (Politis and White 2004 with
        // D = 2 g(0)²). The estimate is noisy: within 25 % at n = 20,000.
        const int n = 20_000;
        var series = Draws.Ar1(5, n, phi);
        var expected = Math.Pow(2 * phi / (1 - (phi * phi)), 2.0 / 3.0) * Math.Pow(n, 1.0 / 3.0);

        var stationary = BlockLength.Optimal(series, BootstrapKind.Stationary);
        var circular = BlockLength.Optimal(series, BootstrapKind.Circular);

        Assert.InRange(stationary, 0.75 * expected, 1.25 * expected);
        Assert.Equal(Math.Pow(2 / (4.0 / 3.0), 1.0 / 3.0), circular / stationary, 9); // D_CB = (4/3) g², D_SB = 2 g²
    }

    [Fact]
    public void BlockLength_OnIidNoise_IsShortAndAtLeastOne()
    {
        var b = BlockLength.Optimal(Draws.Normals(9, 2000, 0, 1), BootstrapKind.Stationary);
        Assert.InRange(b, 1, 4);
        Assert.Equal(1, BlockLength.Optimal([1.0, 1, 1, 1, 1, 1], BootstrapKind.Stationary));
    }

    [Fact]
    public void Circular_BlocksHaveTheRoundedLengthAndWrapRound()
    {
        var bootstrap = new BlockBootstrap(BootstrapKind.Circular, 50, 6.6, 1);
        var blocks = new List<ResampleBlock>();
        var indices = new int[50];
        for (var r = 0; r < 20; r++)
        {
            bootstrap.NextIndices(indices, blocks);
            Assert.Equal(50, blocks.Sum(b => b.Length));
            Assert.All(blocks.Take(blocks.Count - 1), b => Assert.Equal(7, b.Length));
            var i = 0;
            foreach (var block in blocks)
            {
                for (var k = 0; k < block.Length; k++)
                {
                    Assert.Equal((block.Start + k) % 50, indices[i++]);
                }
            }
        }
    }

    [Fact]
    public void Stationary_MeanBlockLengthIsB_AndTheSameSeedGivesTheSameResamples()
    {
        var first = new BlockBootstrap(BootstrapKind.Stationary, 100_000, 8, 3);
        var again = new BlockBootstrap(BootstrapKind.Stationary, 100_000, 8, 3);
        var other = new BlockBootstrap(BootstrapKind.Stationary, 100_000, 8, 4);
        List<ResampleBlock> a = [], b = [], c = [];
        first.NextBlocks(a);
        again.NextBlocks(b);
        other.NextBlocks(c);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Geometric lengths with mean 8 (the last block is cut at n): about 12,500 blocks, mean within 3 %.
        Assert.InRange(a.Average(x => x.Length), 8 * 0.97, 8 * 1.03);
    }

    [Fact]
    public void Percentiles_AreType7Quantiles()
    {
        var values = Enumerable.Range(1, 101).Select(i => (double)i).Reverse().ToArray();
        var interval = PairedBootstrap.Percentiles(values, 0.05);
        Assert.Equal(3.5, interval.Lower, 12); // h = 100 · 0.025 = 2.5: between the 3rd and 4th smallest
        Assert.Equal(98.5, interval.Upper, 12);
    }

    [Fact]
    public void Compare_EstimatesAreTheDirectDifferences()
    {
        var (a, b) = Draws.NormalPair(21, 250, 0.0006, 0.012, 0.0003, 0.008, 0.5);
        var rf = 0.0001;
        var result = PairedBootstrap.Compare(a, b, 252, rf, new BootstrapOptions(Replicates: 200))!;

        static double Sharpe(double[] r, double rf) => (r.Average() - rf) / Math.Sqrt(Draws.Cov(r, r)) * Math.Sqrt(252);
        static double Cagr(double[] r) => Math.Pow(r.Aggregate(1.0, (v, x) => v * (1 + x)), 252.0 / r.Length) - 1;
        static double Drawdown(double[] r)
        {
            var path = new List<double> { 1 };
            foreach (var x in r)
            {
                path.Add(path[^1] * (1 + x));
            }

            return path.Select((v, i) => (v / path.Take(i + 1).Max()) - 1).Min();
        }

        Assert.Equal(Sharpe(a, rf) - Sharpe(b, rf), result.Sharpe.Estimate, 10);
        Assert.Equal(Cagr(a) - Cagr(b), result.Cagr.Estimate, 10);
        Assert.Equal((Math.Sqrt(Draws.Cov(a, a)) - Math.Sqrt(Draws.Cov(b, b))) * Math.Sqrt(252), result.Volatility.Estimate, 12);
        Assert.Equal(Drawdown(a) - Drawdown(b), result.MaxDrawdown.Estimate, 12);
        Assert.True(result.Sharpe.Interval.Lower < result.Sharpe.Estimate && result.Sharpe.Estimate < result.Sharpe.Interval.Upper);
        Assert.True(result.Cagr.Interval.Lower < result.Cagr.Estimate && result.Cagr.Estimate < result.Cagr.Interval.Upper);
    }

    [Fact]
    public void Compare_SwappingTheSeries_FlipsEveryDifferenceAndKeepsThePValue() =>
        Gen.Int[0, 100_000].Select(Gen.Int[5, 120], Gen.Enum<BootstrapKind>()).Sample((seed, n, kind) =>
        {
            var (a, b) = Draws.NormalPair(seed, n, 0.001, 0.02, 0.0005, 0.01, 0.3);
            var options = new BootstrapOptions(kind, Replicates: 99, Seed: seed);
            var ab = PairedBootstrap.Compare(a, b, 12, 0, options)!;
            var ba = PairedBootstrap.Compare(b, a, 12, 0, options)!;
            foreach (var (x, y) in new[] { (ab.Sharpe, ba.Sharpe), (ab.Cagr, ba.Cagr), (ab.Volatility, ba.Volatility), (ab.MaxDrawdown, ba.MaxDrawdown) })
            {
                Assert.Equal(-x.Estimate, y.Estimate);
                // Equal up to rounding, relative to the size (a CAGR interval on a few rows can reach 100s):
                // seed 5bzVJVMam-h5 gave 138.217275766858 against ...857, beyond 12 decimals but 3e-15 relative.
                Assert.Equal(-x.Interval.Upper, y.Interval.Lower, 1e-12 * Math.Max(1, Math.Abs(y.Interval.Lower)));
                Assert.Equal(-x.Interval.Lower, y.Interval.Upper, 1e-12 * Math.Max(1, Math.Abs(y.Interval.Upper)));
            }

            Assert.Equal(ab.Sharpe.PValue, ba.Sharpe.PValue);
        }, iter: 30);

    [Fact]
    public void Compare_ASeriesAgainstItself_GivesZeroDifferencesAndPOne() =>
        Gen.Int[0, 100_000].Select(Gen.Int[3, 120]).Sample((seed, n) =>
        {
            var a = Draws.Normals(seed, n, 0.001, 0.02);
            var result = PairedBootstrap.Compare(a, a, 252, 0, new BootstrapOptions(Replicates: 49, Seed: seed))!;
            foreach (var d in new[] { result.Sharpe, result.Cagr, result.Volatility, result.MaxDrawdown })
            {
                Assert.Equal(0, d.Estimate);
                Assert.Equal(new Interval(0, 0), d.Interval);
            }

            Assert.Equal(1, result.Sharpe.PValue);
        }, iter: 30);

    [Fact]
    public void Compare_SharpePValue_UnderTheNullRejectsAboutFivePercent()
    {
        // 400 seeded draws of iid normal pairs with equal Sharpe ratios, B = 199 each. The rejection rate's standard
        // error is √(0.05 · 0.95 / 400) ≈ 0.011; ±3 s.e. gives [0.017, 0.083] (the percentile-type p-value is
        // slightly liberal at T = 240; the bound allows for it, not for a broken test that rejects 0 % or 20 %).
        var rejections = 0;
        for (var seed = 0; seed < 400; seed++)
        {
            var (a, b) = Draws.NormalPair(5000 + seed, 240, 0.1, 1, 0.2, 2, 0.6);
            var p = PairedBootstrap.Compare(a, b, 12, 0, new BootstrapOptions(Replicates: 199, Seed: seed, BlockLength: 1))!.Sharpe.PValue;
            if (p <= 0.05)
            {
                rejections++;
            }
        }

        Assert.InRange(rejections / 400.0, 0.017, 0.083);
    }

    [Fact]
    public void Compare_IsDeterministicForASeedAndChangesWithIt()
    {
        var (a, b) = Draws.NormalPair(2, 200, 0.001, 0.02, 0.0005, 0.01, 0.3);
        var one = PairedBootstrap.Compare(a, b, 252, 0, new BootstrapOptions(Replicates: 100, Seed: 1));
        var same = PairedBootstrap.Compare(a, b, 252, 0, new BootstrapOptions(Replicates: 100, Seed: 1));
        var other = PairedBootstrap.Compare(a, b, 252, 0, new BootstrapOptions(Replicates: 100, Seed: 2));
        Assert.Equal(one, same);
        Assert.NotEqual(one!.Sharpe.Interval, other!.Sharpe.Interval);
    }
}
