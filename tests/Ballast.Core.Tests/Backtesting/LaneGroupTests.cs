using System.Globalization;
using Ballast.Backtesting;
using Ballast.Core.Tests.Policies;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Backtesting;

/// <summary>
/// Policies run in groups, one per vector lane (<see cref="Backtester.RunGroup"/>), and a policy's numbers must not
/// depend on that: every run of a group is bit for bit the run of its policy alone, whatever the others in the group
/// do (trade on other rows, stop on every row, fail), with either kernel. (The scan's two kernels are equal bit for
/// bit, <see cref="LaneScannerTests"/>; the trade step's are not, <see cref="EngineKernelTests"/>.)
/// </summary>
public class LaneGroupTests
{
    private enum Kind
    {
        EveryRow,
        Weekly,
        Monthly,
        Band,
        Never,
    }

    private sealed record Member(double[] Targets, Kind Kind, double Band, double Bps, double FixedCost);

    private sealed record Case(string[] Names, double[][] Columns, Member[] Members, bool Record);

    // 1..12 assets (the unrolled forms up to 8 and the loop beyond), 3..90 daily rows of random walks, 1..width
    // members each with its own targets, trigger and costs.
    private static readonly Gen<Case> Cases =
        Gen.Int[1, 12].SelectMany(n => Gen.Int[3, 90].SelectMany(rows =>
            Gen.Select(
                Gen.Select(Gen.Double[1, 100], Gen.Double[-0.05, 0.05].Array[rows - 1]).Array[n],
                Gen.Select(Gen.Double[0.01, 1.0].Array[n], Gen.Enum<Kind>(), Gen.Double[0.002, 0.05], Gen.Double[0, 50], Gen.Double[0, 20], (raw, kind, band, bps, fixedCost) => new Member(Normalised(raw), kind, band, bps, n == 1 ? 0 : fixedCost)).Array[1, Backtester.GroupSize],
                Gen.Bool,
                (walks, members, record) => new Case([.. Enumerable.Range(0, n).Select(i => $"X{i}")], [.. walks.Select(Specs.Walk)], members, record))));

    [Fact]
    public void EveryRunOfAGroup_IsBitForBitItsRunAlone_WithEitherKernel()
    {
        Cases.Sample(c =>
        {
            var table = Specs.Table(c.Names, c.Columns);
            var policies = c.Members.Select((m, k) => Policy(c.Names, m, k)).ToArray();
            foreach (var kernel in new[] { EngineKernel.Auto, EngineKernel.Scalar })
            {
                var settings = new BacktestSettings(252, 0.01, c.Record, kernel);
                var runs = new PolicyRun?[policies.Length];
                var failures = new Exception?[policies.Length];
                Backtester.RunGroup(table, policies, settings, runs, failures);
                for (var k = 0; k < policies.Length; k++)
                {
                    Assert.Null(failures[k]);
                    Assert.Equal(Bits(Backtester.Run(table, policies[k], settings)), Bits(runs[k]!));
                }
            }
        });
    }

    [Fact]
    public void AFailingMember_FailsAlone_AndTheOthersRunAsAlone()
    {
        var names = new[] { "A", "B", "C" };
        var table = Specs.Table(names, [100, 101, 99, 103, 104, 100], [50, 49, 52, 51, 50, 53], [20, 21, 20, 19, 22, 21]);
        var good = Specs.Fixed(names, [0.5, 0.3, 0.2], Specs.EveryRow, bps: 10);
        var band = Specs.Fixed(names, [0.2, 0.3, 0.5], Specs.Band(0.01), bps: 5);
        var foreign = new RebalancePolicy(Specs.Fixed(["A", "B", "D"], [0.5, 0.3, 0.2], Specs.EveryRow));
        var policies = new[] { new RebalancePolicy(good), foreign, new RebalancePolicy(band) };
        var settings = new BacktestSettings(252);
        var runs = new PolicyRun?[3];
        var failures = new Exception?[3];
        Backtester.RunGroup(table, policies, settings, runs, failures);
        Assert.Null(runs[1]);
        Assert.IsType<ArgumentException>(failures[1]);
        Assert.Contains("'D'", failures[1]!.Message, StringComparison.Ordinal);
        Assert.Equal(Bits(Backtester.Run(table, policies[0], settings)), Bits(runs[0]!));
        Assert.Equal(Bits(Backtester.Run(table, policies[2], settings)), Bits(runs[2]!));
        Assert.Throws<ArgumentException>(() => Backtester.Run(table, foreign, settings));
    }

    [Fact]
    public void AGroupLargerThanTheLanes_IsRefused()
    {
        var names = new[] { "A", "B" };
        var table = Specs.Table(names, [1.0, 1.1], [2.0, 2.1]);
        var policies = Enumerable.Range(0, Backtester.GroupSize + 1).Select(_ => new RebalancePolicy(Specs.Fixed(names, [0.5, 0.5], Specs.EveryRow))).ToArray();
        var slots = policies.Length;
        Assert.Throws<ArgumentException>(() => Backtester.RunGroup(table, policies, new BacktestSettings(252), new PolicyRun?[slots], new Exception?[slots]));
    }

    private static RebalancePolicy Policy(string[] names, Member m, int k) => new(Specs.Fixed(names, m.Targets, m.Kind switch
    {
        Kind.EveryRow => Specs.EveryRow,
        Kind.Weekly => new CalendarTrigger(CalendarFrequency.Weekly),
        Kind.Monthly => new CalendarTrigger(CalendarFrequency.Monthly),
        Kind.Band => Specs.Band(m.Band),
        _ => Specs.Never,
    }, bps: m.Bps, fixedCost: m.FixedCost) with { Name = "p" + k.ToString(CultureInfo.InvariantCulture) });

    private static double[] Normalised(double[] raw) => [.. PartsPerMillion.Round([.. raw.Select(x => x / raw.Sum())]).Select(p => p / 1e6)];

    /// <summary>Every number of a run as raw bits: its metrics, and its series and trades when recorded.</summary>
    private static List<long> Bits(PolicyRun run)
    {
        var bits = new List<long>();
        foreach (var property in typeof(BacktestMetrics).GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            switch (property.GetValue(run.Metrics))
            {
                case double d:
                    bits.Add(BitConverter.DoubleToInt64Bits(d));
                    break;
                case int i:
                    bits.Add(i);
                    break;
                case null:
                    bits.Add(long.MinValue);
                    break;
                default:
                    break;
            }
        }

        foreach (var series in new[] { run.Equity, run.Weights, run.MaxDrift })
        {
            bits.AddRange((series ?? []).Select(BitConverter.DoubleToInt64Bits));
        }

        foreach (var trade in run.Trades ?? [])
        {
            bits.Add(trade.Row);
            bits.AddRange(new[] { trade.UnitsAfter, trade.Value, trade.Cost, trade.WeightBefore, trade.WeightAfter }.Select(BitConverter.DoubleToInt64Bits));
        }

        return bits;
    }
}
