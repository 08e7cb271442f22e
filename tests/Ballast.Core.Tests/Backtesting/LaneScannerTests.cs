using Ballast.Backtesting;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// The row scan's vector kernel against its scalar reference (<see cref="EngineKernel.Scalar"/>), bit for bit: every
/// stop, every lane's value, 1/value, weights and drift there, and every lane's totals at the end, for 1 to 12 assets
/// (the unrolled forms and the loop) and every stop rule in every lane.
/// </summary>
public class LaneScannerTests
{
    private sealed record LaneCase(double[] Units, double Cash, double[] Targets, bool EveryRow, bool Candidates, double? Band);

    private sealed record ScanCase(int Assets, double[] Prices, LaneCase[] Lanes, int Seed);

    private static readonly Gen<ScanCase> Cases =
        Gen.Int[1, 12].SelectMany(n => Gen.Int[2, 60].SelectMany(rows => Gen.Select(
            Gen.Double[1, 100].Array[n * rows],
            Gen.Select(Gen.Double[0, 100].Array[n], Gen.Double[0, 1000], Gen.Double[0.01, 1].Array[n], Gen.Bool, Gen.Bool, Gen.Select(Gen.Bool, Gen.Double[0.001, 0.2], (has, band) => has ? band : (double?)null),
                (units, cash, raw, everyRow, candidates, band) => new LaneCase(units, cash + 1, [.. raw.Select(x => x / raw.Sum())], everyRow, candidates, band)).Array[LaneScanner.Width],
            Gen.Int[0, 1000],
            (prices, lanes, seed) => new ScanCase(n, prices, lanes, seed))));

    [Fact]
    public void VectorKernel_IsBitForBitTheScalarReference()
    {
        Cases.Sample(c => Assert.Equal(ScanBits(c, EngineKernel.Scalar), ScanBits(c, EngineKernel.Auto)));
    }

    /// <summary>Every stop and every number a scan reports, as raw bits.</summary>
    private static List<long> ScanBits(ScanCase c, EngineKernel kernel)
    {
        var n = c.Assets;
        var rows = c.Prices.Length / n;
        var random = new Random(c.Seed);
        var candidates = c.Lanes.Select(_ => Enumerable.Range(0, rows).Select(_ => random.Next(4) == 0).ToArray()).ToArray();
        var scanner = new LaneScanner(c.Prices, n, kernel, 0.0001);
        for (var k = 0; k < LaneScanner.Width; k++)
        {
            var lane = c.Lanes[k];
            var nav = lane.Cash + lane.Units.Select((u, i) => u * c.Prices[i]).Sum();
            scanner.Start(k, nav, lane.Units, lane.Cash, lane.Targets);
            scanner.SetStops(k, lane.EveryRow, lane.Candidates ? candidates[k] : null, lane.Band);
        }

        var weights = new double[n];
        var values = new double[LaneScanner.Width];
        var bits = new List<long>();
        var row = 1;
        while (row < rows)
        {
            var stop = scanner.Scan(row, rows, out var events);
            bits.AddRange([stop, events]);
            if (stop >= rows)
            {
                break;
            }

            for (var k = 0; k < LaneScanner.Width; k++)
            {
                values[k] = scanner.Value(k);
                var drift = scanner.StopWeights(k, stop, weights);
                bits.AddRange(new[] { values[k], scanner.Scale(k), drift }.Concat(weights).Select(BitConverter.DoubleToInt64Bits));
            }

            scanner.Book(values);
            row = stop + 1;
        }

        for (var k = 0; k < LaneScanner.Width; k++)
        {
            var (sum, max) = scanner.DriftTotals(k);
            var r = scanner.Returns(k);
            bits.AddRange(new[] { scanner.Nav(k), sum, max, r.Sum, r.SumSquares, r.Downside, r.MaxDrawdown, r.Shift }.Select(BitConverter.DoubleToInt64Bits));
            bits.Add(r.Count);
        }

        return bits;
    }
}
