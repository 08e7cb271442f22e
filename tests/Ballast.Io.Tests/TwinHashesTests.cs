using System.Globalization;
using System.Text;
using Ballast.Io.Specs;
using Ballast.Data;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Io.Tests;

/// <summary>A twin's canonical JSON spliced from its policy's must be the canonical JSON of the twin serialised whole.</summary>
public sealed class TwinHashesTests
{
    private const string Varied = """
        name: varied
        universe: [execution, trigger, "é", lot]
        weights: { scheme: fixed, targets: { execution: 0.4, trigger: 0.3, "é": 0.2, lot: 0.1 } }
        costs: { proportional_bps: { execution: 5, trigger: 1.5 }, spread_bps: 2, fixed_per_trade: 3 }
        lot: { trigger: 10 }
        policies:
          - name: none
            trigger: none
          - name: calendar
            trigger: { calendar: quarterly, anchor: period-end }
          - name: band-edge
            trigger: { drift: { absolute: 0.05 }, check: weekly, cooldown: { rows: 3, days: 10 } }
            execution: { to: band-edge, partial: 0.5, min_trade: { value: 100, weight: 0.001 }, max_turnover: 0.3 }
          - name: any
            trigger: { any: [ { calendar: annual }, { drift: { relative: 0.25 } } ] }
          - name: partial-only
            trigger: none
            execution: { partial: 0.25 }
          - name: risk
            weights: { scheme: risk-parity }
            covariance: { lookback: 20 }
            trigger: { calendar: monthly }
        """;

    [Fact]
    public void TwinJson_OfVariedPolicies_IsTheTwinsOwnCanonicalJson()
    {
        var hashes = new TwinHashes();
        foreach (var policy in SpecLoader.Load(Varied, "varied.yaml").Policies)
        {
            var twin = BacktestJob.BuyAndHold(policy);
            var form = CanonicalPolicy.Form(policy);
            Assert.Equal(twin.CanonicalJson, Encoding.UTF8.GetString(hashes.TwinUtf8(form)));
            Assert.Equal(twin.Hash, hashes.HashOf(form));
        }
    }

    [Fact]
    public void TwinsOfPoliciesSharingCostsAndWeights_ShareOneHash()
    {
        var hashes = new TwinHashes();
        var twins = SpecLoader.Load(Varied, "varied.yaml").Policies.Select(p => hashes.HashOf(CanonicalPolicy.Form(p))).Distinct().Count();

        // Every fixed-weight policy shares one twin; the risk-parity one has its own.
        Assert.Equal(2, twins);
    }

    [Fact]
    public void TwinJson_OfRandomPolicies_IsTheTwinsOwnCanonicalJson()
    {
        var pool = new[] { "A", "execution", "trigger", "costs", "weights", "é", "x,y" };
        var frequencies = CalendarFrequencies.Names.ToArray();
        var r = CultureInfo.InvariantCulture;
        var hashes = new TwinHashes();
        Gen.Select(Gen.Int[1, pool.Length], Gen.Int[0, frequencies.Length - 1], Gen.Double[0.001, 0.5], Gen.Double[0, 50], Gen.Int[0, 3], Gen.Int[0, 2]).Sample((assets, frequency, band, bps, trigger, execution) =>
        {
            var names = pool.Take(assets).ToArray();
            var quoted = names.Select(n => $"\"{n}\"").ToArray();
            var triggers = new[] { "none", $"{{ calendar: {frequencies[frequency]} }}", $"{{ drift: {{ absolute: {band.ToString("R", r)} }} }}", $"{{ any: [ {{ calendar: {frequencies[frequency]} }}, {{ drift: {{ relative: {band.ToString("R", r)} }} }} ] }}" };
            var executions = new[] { "{ to: target }", "{ partial: 0.5 }", "{ min_trade: { weight: 0.001 }, max_turnover: 0.5 }" };
            var yaml = $$"""
                universe: [{{string.Join(", ", quoted)}}]
                weights: { scheme: equal }
                costs: { proportional_bps: { {{quoted[0]}}: {{bps.ToString("R", r)}} } }
                trigger: {{triggers[trigger]}}
                execution: {{executions[execution]}}
                """;
            var policy = SpecLoader.Load(yaml, "random.yaml").Policies.Single();
            var twin = BacktestJob.BuyAndHold(policy);
            var form = CanonicalPolicy.Form(policy);
            Assert.Equal(twin.CanonicalJson, Encoding.UTF8.GetString(hashes.TwinUtf8(form)));
            Assert.Equal(twin.Hash, hashes.HashOf(form));
        });
    }

    [Fact]
    public void TwinBuiltFromItsPolicy_OfVariedPolicies_EqualsTheTwinCompiledWhole()
    {
        foreach (var policy in SpecLoader.Load(Varied, "varied.yaml").Policies)
        {
            AssertSameTwin(policy);
        }
    }

    /// <summary>The fast twin (<see cref="RebalancePolicy.BuyAndHold"/>) against the general one, on random universes (names in any order), weights, triggers and executions.</summary>
    [Fact]
    public void TwinBuiltFromItsPolicy_OfRandomPolicies_EqualsTheTwinCompiledWhole()
    {
        var pool = new[] { "b", "A", "execution", "a", "trigger", "é", "x,y", "B" };
        var r = CultureInfo.InvariantCulture;
        Gen.Select(Gen.Int[1, pool.Length].SelectMany(n => Gen.Shuffle(pool, n)), Gen.Double[0.001, 0.5], Gen.Int[0, 5], Gen.Int[0, 2], Gen.Bool).Sample((names, band, trigger, execution, equal) =>
        {
            var quoted = names.Select(n => $"\"{n}\"").ToArray();
            var b = band.ToString("R", r);
            var triggers = new[]
            {
                "none",
                "{ calendar: monthly }",
                $"{{ drift: {{ absolute: {b} }}, check: weekly }}",
                $"{{ any: [ {{ calendar: annual }}, {{ drift: {{ relative: {b} }} }}, {{ drift: {{ absolute: {b} }} }} ] }}",
                $"{{ drift: {{ relative: {b} }}, cooldown: {{ rows: 3 }} }}",
                $"{{ calendar: quarterly, volatility: {{ above: 0.3, then: {{ drift: {{ absolute: {b} }} }} }} }}",
            };
            var executions = new[] { "{ to: target }", "{ partial: 0.5 }", "{ min_trade: { weight: 0.001 }, max_turnover: 0.5 }" };
            // Tenths, the first asset taking the rest: ties for the rounding to parts per million to break by name.
            var targets = string.Join(", ", quoted.Select((q, i) => $"{q}: {(i == 0 ? (10 - (quoted.Length - 1)) / 10.0 : 0.1).ToString("R", r)}"));
            var yaml = $$"""
                universe: [{{string.Join(", ", quoted)}}]
                weights: {{(equal ? "{ scheme: equal }" : $"{{ scheme: fixed, targets: {{ {targets} }} }}")}}
                costs: { proportional_bps: { {{quoted[0]}}: 2.5 }, spread_bps: 1 }
                trigger: {{triggers[trigger]}}
                execution: {{executions[execution]}}
                """;
            AssertSameTwin(SpecLoader.Load(yaml, "random.yaml").Policies.Single());
        });
    }

    private static void AssertSameTwin(PolicySpec policy)
    {
        var twinSpec = BacktestJob.BuyAndHold(policy) with { Name = "buy-and-hold (x)" };
        var whole = new RebalancePolicy(twinSpec);
        var compiled = new RebalancePolicy(policy);
        var fast = compiled.BuyAndHold(twinSpec);
        Assert.Same(twinSpec, fast.Spec);

        // A twin form made for the policy (as the job makes it for the first policy of a twin) is kept as it is.
        var given = CanonicalPolicy.Form(policy).BuyAndHold();
        Assert.True(compiled.Canonical.IsBuyAndHold(given));
        Assert.Same(given, compiled.BuyAndHold(twinSpec, given).Canonical);
        Assert.Equal(whole.CanonicalJson, fast.CanonicalJson);
        Assert.Equal(whole.Hash, fast.Hash);
        Assert.Equal(whole.Canonical.Execution, fast.Canonical.Execution);
        Assert.Equal(whole.Canonical.Trigger, fast.Canonical.Trigger);
        Assert.Equal(whole.TargetPpm.ToArray(), fast.TargetPpm.ToArray());
        Assert.Equal(whole.Targets.ToArray(), fast.Targets.ToArray());
        Assert.Equal(whole.Names, fast.Names);
        Assert.Equal((whole.IsRiskBased, whole.UsesMaxAbsDrift, whole.FiresOnlyAboveDrift, whole.PlansFixedTargets, whole.ObservesVolatility, whole.RetargetsByRegime, whole.NeedsPrices, whole.HistoryRows),
            (fast.IsRiskBased, fast.UsesMaxAbsDrift, fast.FiresOnlyAboveDrift, fast.PlansFixedTargets, fast.ObservesVolatility, fast.RetargetsByRegime, fast.NeedsPrices, fast.HistoryRows));
        var calendar = new MarketCalendar([new DateOnly(2024, 1, 31), new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 2)]);
        Assert.Equal(whole.CandidateRows(calendar), fast.CandidateRows(calendar));

        // The policy's own compiled rules against the general walk of its trigger tree.
        Assert.Equal(policy.Trigger.Walk().Any(t => t is DriftTrigger { Measure: DriftMeasure.Absolute }), compiled.UsesMaxAbsDrift);
        Assert.Equal(PartsPerMillion.Round([.. compiled.Targets], [.. Enumerable.Range(0, policy.Universe.Length).OrderBy(i => policy.Universe[i], StringComparer.Ordinal).Select((index, rank) => (index, rank)).OrderBy(p => p.index).Select(p => p.rank)]), compiled.TargetPpm.ToArray());
        Assert.Equal(Enumerable.Range(0, policy.Universe.Length).OrderBy(i => policy.Universe[i], StringComparer.Ordinal).Select((index, rank) => (index, rank)).OrderBy(p => p.index).Select(p => p.rank), PartsPerMillion.OrdinalRanks(policy.Universe));
    }

    [Fact]
    public void TwinOfAnotherPolicy_IsRefused()
    {
        var policies = SpecLoader.Load(Varied, "varied.yaml").Policies;
        var risk = new RebalancePolicy(policies.Single(p => p.Name == "risk"));
        Assert.Throws<ArgumentException>(() => risk.BuyAndHold(BacktestJob.BuyAndHold(policies[0])));
        Assert.Throws<ArgumentException>(() => risk.BuyAndHold(policies.Single(p => p.Name == "risk")));

        // Another twin's form is refused; the same twin's form made from another policy is taken.
        var riskTwin = BacktestJob.BuyAndHold(policies.Single(p => p.Name == "risk"));
        var fixedTwin = new RebalancePolicy(policies[0]).Canonical.BuyAndHold();
        Assert.False(risk.Canonical.IsBuyAndHold(fixedTwin));
        Assert.Throws<ArgumentException>(() => risk.BuyAndHold(riskTwin, fixedTwin));
        var calendar = new RebalancePolicy(policies.Single(p => p.Name == "calendar"));
        Assert.Equal(calendar.BuyAndHold(BacktestJob.BuyAndHold(calendar.Spec)).Hash, calendar.BuyAndHold(BacktestJob.BuyAndHold(calendar.Spec), fixedTwin).Hash);
    }
}
