using Ballast.Backtesting;
using Ballast.Cluster.Sweeps;
using Ballast.Io.Specs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>Runs cross the wire bit for bit: every metric, series value and trade field, whatever its value (NaN, −0, infinities).</summary>
public sealed class RunCodecTests
{
    private static readonly RebalancePolicy Policy = new(SpecLoader.Load("""
        name: one
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        trigger: none
        """, "one.yaml").Policies[0]);

    private static readonly Gen<double?> Nullable = Gen.Frequency((1, Gen.Const((double?)null)), (4, Gen.Double.Select(d => (double?)d)));

    private static readonly Gen<double[]?> Series = Gen.Frequency((1, Gen.Const((double[]?)null)), (3, Gen.Double.Array[0, 40].Select(a => (double[]?)a)));

    private static readonly Gen<DateOnly> Day = Gen.Int[0, 3_000_000].Select(DateOnly.FromDayNumber);

    private static readonly Gen<BacktestMetrics> Metrics =
        Gen.Select(Gen.Select(Day, Day, Gen.Double, Gen.Double, Gen.Double, Nullable, Nullable, Nullable), Gen.Select(Nullable, Gen.Double, Nullable, Gen.Int, Nullable, Nullable, Gen.Double, Nullable), Gen.Select(Gen.Double, Gen.Double, Nullable))
            .Select((a, b, c) => new BacktestMetrics
            {
                Start = a.Item1, End = a.Item2, Years = a.Item3, FinalNav = a.Item4, TotalReturn = a.Item5, Cagr = a.Item6, Volatility = a.Item7, Sharpe = a.Item8,
                Sortino = b.Item1, MaxDrawdown = b.Item2, Calmar = b.Item3, Rebalances = b.Item4, TurnoverOneWayAnnual = b.Item5, TurnoverTwoWayAnnual = b.Item6, CostsPaid = b.Item7, CostDragBpsPerYear = b.Item8,
                MeanAbsDrift = c.Item1, MaxAbsDrift = c.Item2, RebalancingPremium = c.Item3,
            });

    private static readonly Gen<TradeRecord> Trade =
        Gen.Select(Gen.Select(Gen.Int, Day, Gen.String, Gen.Double, Gen.Double, Gen.Double), Gen.Select(Gen.Double, Gen.Double, Gen.Double, Gen.Double, Gen.String))
            .Select((a, b) => new TradeRecord(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    private static readonly Gen<PolicyRun?> Run = Gen.Frequency(
        (1, Gen.Const((PolicyRun?)null)),
        (5, Gen.Select(Metrics, Series, Series, Series, Series, Gen.Frequency((1, Gen.Const((TradeRecord[]?)null)), (3, Trade.Array[0, 6].Select(t => (TradeRecord[]?)t))))
            .Select((m, e, w, d, r, t) => (PolicyRun?)PolicyRun.FromParts(Policy, m, e, w, d, t, r))));

    [Fact]
    public void RunsRoundTrip_BitForBit()
    {
        Gen.Select(Run.Array[0, 8], Gen.String).Sample((runs, message) =>
        {
            var failures = runs.Select((r, i) => r is null ? (i % 2 == 0 ? new BallastInputException(message) : new InvalidOperationException(message)) : (Exception?)null).ToArray();
            var encoded = RunCodec.Encode(runs, failures);
            var policies = Enumerable.Repeat(Policy, runs.Length + 3).ToArray();
            var decoded = new PolicyRun?[runs.Length + 3];
            var decodedFailures = new Exception?[runs.Length + 3];
            RunCodec.Decode(encoded, policies, 3, decoded, decodedFailures);

            // Re-encoding gives the same bytes: every double kept its bits, every string and count its value.
            Assert.Equal(encoded, RunCodec.Encode(decoded[3..], failures));
            for (var i = 0; i < runs.Length; i++)
            {
                if (runs[i] is { } run)
                {
                    Assert.Equal(run.Metrics, decoded[i + 3]!.Metrics);
                    Assert.Equal(run.Trades, decoded[i + 3]!.Trades);
                    Assert.Same(Policy, decoded[i + 3]!.Policy);
                }
                else
                {
                    Assert.Equal(failures[i]!.GetType() == typeof(BallastInputException), decodedFailures[i + 3] is BallastInputException);
                    Assert.Contains(message, decodedFailures[i + 3]!.Message, StringComparison.Ordinal);
                }
            }
        });
    }

    [Fact]
    public void EveryMetricCrossesTheWire()
    {
        // A metric added to BacktestMetrics and forgotten by the codec would arrive as its default: set every
        // property to a value no default has and compare them all.
        var properties = typeof(BacktestMetrics).GetProperties().Where(p => p.CanWrite).ToArray();
        Assert.Equal(19, properties.Length);
        Metrics.Where(m => properties.All(p => p.GetValue(m) is { } v && !v.Equals(0) && !v.Equals(0.0) && !v.Equals(default(DateOnly)))).Sample(metrics =>
        {
            var run = PolicyRun.FromParts(Policy, metrics, null, null, null, null, null);
            var decoded = new PolicyRun?[1];
            RunCodec.Decode(RunCodec.Encode([run], [null]), [Policy], 0, decoded, new Exception?[1]);
            foreach (var property in properties)
            {
                Assert.Equal(property.GetValue(metrics), property.GetValue(decoded[0]!.Metrics));
            }
        }, iter: 20);
    }
}
