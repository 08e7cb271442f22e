using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Core.Tests.Policies;

/// <summary>The fast canonical writer against the writer it replaced (<see cref="ReferenceCanonicalPolicy"/>), on random policies of every shape.</summary>
public sealed class CanonicalPolicyTests
{
    private static readonly string[] NamePool = ["A", "SPY", "é", "x,y", "a\"b", "<tag>&", "\u2028", "日本", "a\\b", "B", "costs", "trigger"];

    private static readonly Gen<double> Numbers = Gen.OneOf(
        Gen.Double.Where(double.IsFinite),
        Gen.Int[-1000, 1000].Select(i => (double)i),
        Gen.Int[0, 100_000].Select(i => i / 1000.0),
        Gen.Double[1e-12, 1e-4],
        Gen.Double[1e15, 1e22],
        Gen.Const(-0.0));

    private static readonly Gen<CalendarFrequency> Frequencies = Gen.Int[0, 5].Select(i => (CalendarFrequency)i);

    private static readonly Gen<CalendarAnchor> Anchors = Gen.Bool.Select(end => end ? CalendarAnchor.PeriodEnd : CalendarAnchor.PeriodStart);

    private static readonly Gen<int?> OptionalInt = Gen.OneOf(Gen.Const((int?)null), Gen.Int[0, 30].Select(i => (int?)i));

    private static readonly Gen<double?> OptionalNumber = Gen.OneOf(Gen.Const((double?)null), Numbers.Select(n => (double?)n));

    private static Gen<TriggerSpec> Trigger(int depth, int assets)
    {
        var leaves = new List<Gen<TriggerSpec>>
        {
            Gen.Const<TriggerSpec>(new NoTrigger()),
            Gen.Select(Frequencies, Anchors, Gen.Int[0, 3]).Select((f, a, o) => (TriggerSpec)new CalendarTrigger(f, a, o)),
            Gen.Select(Gen.Bool, Numbers, Gen.OneOf(Gen.Const((CalendarFrequency?)null), Frequencies.Select(f => (CalendarFrequency?)f)), Anchors, Gen.Int[0, 2])
                .Select((absolute, band, check, anchor, offset) => (TriggerSpec)new DriftTrigger(absolute ? DriftMeasure.Absolute : DriftMeasure.Relative, band, check, anchor, offset)),
            Gen.Select(Gen.Bool, Numbers, Gen.OneOf(Gen.Const((CalendarFrequency?)null), Frequencies.Select(f => (CalendarFrequency?)f)), Anchors, Gen.Int[0, 2])
                .Select((absolute, band, check, anchor, offset) => (TriggerSpec)new RiskDriftTrigger(absolute ? DriftMeasure.Absolute : DriftMeasure.Relative, band, check, anchor, offset)),
        };
        if (depth == 0)
        {
            return Gen.OneOf([.. leaves]);
        }

        var inner = Trigger(depth - 1, assets);
        leaves.Add(inner.Array[1, 3].Select(t => (TriggerSpec)new AnyTrigger([.. t])));
        leaves.Add(inner.Array[1, 3].Select(t => (TriggerSpec)new AllTrigger([.. t])));
        leaves.Add(Gen.Select(inner, OptionalInt, OptionalInt).Select((t, rows, days) => (TriggerSpec)new CooldownTrigger(t, rows, days)));
        leaves.Add(Gen.Select(inner, Gen.Int[2, 60], Numbers, Numbers, inner, Gen.Bool, Gen.Bool, Numbers.Array[assets])
            .Select((normal, window, above, below, high, portfolio, withWeights, targets) => (TriggerSpec)new VolatilityTrigger(
                normal, window, above, below, high, portfolio ? VolatilityScope.Portfolio : VolatilityScope.AnyAsset, withWeights ? new FixedWeights([.. targets]) : null)));
        return Gen.OneOf([.. leaves]);
    }

    private static Gen<WeightsSpec> Weights(int assets)
    {
        var fixedWeights = Numbers.Array[assets].Select(t => (WeightsSpec)new FixedWeights([.. t]));
        var covariance = Gen.Select(Gen.Int[0, 2], Gen.Int[2, 500], OptionalNumber, Gen.Bool)
            .Select((m, lookback, halflife, identity) => new CovarianceSpec((CovarianceMethod)m, lookback, halflife, identity ? ShrinkageTarget.Identity : ShrinkageTarget.ConstantCorrelation));
        var constraints = Gen.Select(
                Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 4], Gen.Int[0, assets - 1].Array[1, assets], Numbers, Numbers).Select((n, m, lo, hi) => new GroupLimit(n, [.. m.Distinct()], lo, hi)).Array[0, 3],
                Gen.OneOf(Gen.Const((ClusterLimit?)null), Gen.Select(Numbers, Numbers).Select((t, w) => (ClusterLimit?)new ClusterLimit(t, w))),
                Gen.OneOf(Gen.Const((BetaLimit?)null), Gen.Select(Gen.Int[0, NamePool.Length - 1].Select(i => NamePool[i]), Numbers, OptionalNumber).Select((r, max, min) => (BetaLimit?)new BetaLimit(r, max, min))),
                OptionalNumber)
            .Select((groups, clusters, beta, turnover) => new WeightConstraints
            {
                Groups = [.. groups.GroupBy(g => g.Name, StringComparer.Ordinal).Select(g => g.First())],
                Clusters = clusters,
                Beta = beta,
                MaxTurnover = turnover,
            });
        var empty = Gen.Const(ImmutableArray<double>.Empty);
        var perAsset = Gen.OneOf(empty, Numbers.Array[assets].Select(a => ImmutableArray.Create(a)));
        var risk = Gen.Select(Gen.Int[0, 4], covariance, perAsset, perAsset, perAsset, Numbers, constraints)
            .Select((scheme, cov, budgets, lower, upper, aversion, limits) => (WeightsSpec)new RiskWeights((RiskScheme)scheme, cov, budgets, lower, upper, aversion) { Constraints = limits });
        return Gen.OneOf(fixedWeights, risk);
    }

    private static readonly Gen<ExecutionSpec> Executions = Gen.Select(Gen.Bool, OptionalNumber, Gen.OneOf(Gen.Const((MinTrade?)null), Gen.Select(OptionalNumber, OptionalNumber).Select((v, w) => (MinTrade?)new MinTrade(v, w))), OptionalNumber)
        .Select((edge, partial, minTrade, turnover) => new ExecutionSpec(edge ? ExecutionTarget.BandEdge : ExecutionTarget.Target, partial, minTrade, turnover));

    private static readonly Gen<PolicySpec> Policies = Gen.Int[1, 6].SelectMany(PoliciesOf);

    private static Gen<PolicySpec> PoliciesOf(int assets) => Gen.Select(
            Gen.Shuffle(NamePool, assets),
            Weights(assets),
            Gen.Select(Numbers.Array[assets], Numbers.Array[assets], Numbers),
            Gen.OneOf(Gen.Const(0.0), Numbers).Array[assets],
            Trigger(2, assets),
            Executions)
        .Select((names, weights, costs, lot, trigger, execution) => new PolicySpec
        {
            Name = "p",
            Universe = [.. names],
            Capital = 1,
            Weights = weights,
            Costs = new CostSpec([.. costs.Item1], [.. costs.Item2], costs.Item3),
            Lot = [.. lot],
            Trigger = trigger,
            Execution = execution,
        });

    [Fact]
    public void Form_OfRandomPolicies_IsTheReferenceWritersBytesAndHash()
    {
        Policies.Sample(policy =>
        {
            var reference = ReferenceCanonicalPolicy.Json(policy);
            var form = CanonicalPolicy.Form(policy);

            Assert.Equal(reference, form.Json);
            Assert.Equal(Encoding.UTF8.GetBytes(reference), form.Utf8.ToArray());
            Assert.Equal(PolicyHash.OfCanonicalJson(reference), form.Hash);
            Assert.Equal(reference, CanonicalPolicy.Json(policy));
            Assert.Equal(form.Hash, CanonicalPolicy.Hash(policy));
            var (execution, trigger) = Locate(Encoding.UTF8.GetBytes(reference));
            Assert.Equal((execution, trigger), (form.Execution, form.Trigger));
        }, iter: 2000);
    }

    [Fact]
    public void Form_OfPoliciesSharingBlocks_IsTheReferenceWritersBytes()
    {
        // The writer copies a block it wrote last for the same object and universe: policies that share some blocks
        // and not others, in every order, must still each get their own bytes.
        Gen.Int[1, 6].SelectMany(assets => Gen.Select(PoliciesOf(assets), PoliciesOf(assets))).Sample((a, b) =>
        {
            b = b with { Universe = a.Universe };
            PolicySpec[] sequence =
            [
                a, b, a with { Name = "again" }, b with { Costs = a.Costs }, a with { Trigger = b.Trigger }, b with { Weights = a.Weights },
                a with { Universe = [.. a.Universe] }, a with { Universe = [.. a.Universe.Select(n => n + "2")] }, a, b with { Costs = a.Costs, Trigger = a.Trigger, Weights = a.Weights },
            ];
            foreach (var policy in sequence)
            {
                Assert.Equal(ReferenceCanonicalPolicy.Json(policy), CanonicalPolicy.Json(policy));
            }
        }, iter: 1000);
    }

    [Fact]
    public void Number_OfRandomDoubles_IsTheReferenceText()
    {
        Numbers.Sample(value => Assert.Equal(ReferenceCanonicalPolicy.Number(value), CanonicalPolicy.Number(value)), iter: 20_000);
    }

    [Fact]
    public void Number_NotFinite_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CanonicalPolicy.Number(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => CanonicalPolicy.Number(double.PositiveInfinity));
    }

    /// <summary>Where the values of the top-level execution and trigger lie, found by reading the JSON.</summary>
    private static (Range Execution, Range Trigger) Locate(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        Range execution = default, trigger = default;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isExecution = reader.ValueTextEquals("execution");
            var isTrigger = reader.ValueTextEquals("trigger");
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var value = new Range(start, (int)reader.BytesConsumed);
            (execution, trigger) = (isExecution ? value : execution, isTrigger ? value : trigger);
        }

        return (execution, trigger);
    }
}
