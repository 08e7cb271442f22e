using System.Text;
using Ballast.Io.Specs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Io.Tests.Specs;

/// <summary>
/// Binding with the memo (blocks bound once per node, a sweep's subtrees shared) against binding every block of every
/// policy, on random specs: plain lists and sweeps, valid and not. The policies (names, capital, canonical JSON),
/// the universe locations and the sweep table must be the same, and so must every error, word for word.
/// </summary>
public sealed class MemoisedBindingTests
{
    private static readonly string[] Universes = ["[A, B]", "[B, A]"];

    private static readonly string[] BadUniverses = ["[A, B, C]", "[A, A]", "[]"];

    private static readonly string[] Weights =
    [
        "{ scheme: equal }",
        "{ scheme: fixed, targets: { A: 0.6, B: 0.4 } }",
        "{ scheme: risk-parity }",
    ];

    private static readonly string[] BadWeights = ["{ scheme: fixed, targets: { A: 0.5, B: 0.3, C: 0.2 } }", "{ scheme: fixed, targets: { A: 0.7, B: 0.4 } }", "{ scheme: bogus }"];

    private static readonly string[] Costs = ["{ proportional_bps: 5 }", "{ proportional_bps: { A: 1, B: 2 }, spread_bps: 3 }", "{ fixed_per_trade: 2 }"];

    private static readonly string[] BadCosts = ["{ proportional_bps: -1 }", "{ spred_bps: 1 }"];

    private static readonly string[] Triggers =
    [
        "none",
        "{ calendar: monthly }",
        "{ calendar: quarterly, anchor: period-end }",
        "{ drift: { absolute: 0.05 }, check: monthly }",
        "{ drift: { relative: 0.2 } }",
        "{ any: [ { calendar: annual }, { drift: { absolute: 0.1 } } ] }",
    ];

    private static readonly string[] BadTriggers = ["{ risk_drift: { absolute: 0.05 } }", "{ calendar: fortnightly }"];

    private static readonly string[] Executions = ["{ partial: 0.5 }", "{ min_trade: { weight: 0.001 } }"];

    private static readonly string[] BadExecutions = ["{ to: band-edge }", "{ partial: 2 }"];

    private static readonly string[] Lots = ["1", "{ A: 10 }"];

    private static readonly string[] BadLots = ["0", "{ C: 1 }"];

    /// <summary>Sweep parameters: a path and the values, some of which a policy may refuse.</summary>
    private static readonly string[] Parameters =
    [
        "{ path: trigger.drift.absolute, range: { from: 0.01, to: 0.05, step: 0.01 } }",
        "{ path: costs.proportional_bps, values: [0, 5, 10] }",
        "{ path: costs.spread_bps, values: [1, -2] }",
        "{ path: trigger.calendar, values: [monthly, quarterly, weekly] }",
        "{ path: execution.partial, values: [0.25, 0.5, 1] }",
        "{ path: capital, values: [100, 1000] }",
        "{ path: weights.targets, values: [{ A: 0.5, B: 0.5 }, { A: 0.9, B: 0.1 }], labels: [even, heavy] }",
        "{ path: trigger.check, values: [daily, monthly] }",
        "{ path: lot.A, values: [1, 5] }",
    ];

    private static Gen<string> Pick(string[] options) => Gen.Int[0, options.Length - 1].Select(i => options[i]);

    /// <summary>Absent, one of <paramref name="good"/>, or now and then one of <paramref name="bad"/> (bad alone or in its context).</summary>
    private static Gen<string?> Maybe(string[] good, string[] bad, int absentWeight = 10) =>
        Gen.Frequency((absentWeight, Gen.Const((string?)null)), (20, Pick(good).Select(s => (string?)s)), (1, Pick(bad).Select(s => (string?)s)));

    /// <summary>A block, written when present.</summary>
    private static Gen<string> Blocks(string indent) =>
        Gen.Select(Maybe(Universes, BadUniverses), Maybe(Weights, BadWeights), Maybe(Costs, BadCosts), Maybe(Triggers, BadTriggers), Maybe(Executions, BadExecutions, 30), Maybe(Lots, BadLots, 30))
            .Select((universe, weights, costs, trigger, execution, lot) =>
            {
                var text = new StringBuilder();
                void Add(string key, string? value)
                {
                    if (value is not null)
                    {
                        text.Append(indent).Append(key).Append(": ").Append(value).Append('\n');
                    }
                }

                Add("universe", universe);
                Add("weights", weights);
                Add("costs", costs);
                Add("trigger", trigger);
                Add("execution", execution);
                Add("lot", lot);
                return text.ToString();
            });

    private static readonly Gen<string> Specs = Gen.Select(Blocks(string.Empty), Blocks("    ").Array[0, 3], Gen.Int[0, Parameters.Length - 1].Array[0, 3])
        .Select((top, entries, parameters) =>
        {
            var text = new StringBuilder("name: random\n").Append(top);
            if (entries.Length > 0)
            {
                text.Append("policies:\n");
                for (var i = 0; i < entries.Length; i++)
                {
                    text.Append($"  - name: p{i}\n").Append(entries[i]);
                }
            }

            var distinct = parameters.Distinct().ToArray();
            if (distinct.Length > 0)
            {
                text.Append("sweep:\n");
                foreach (var p in distinct)
                {
                    text.Append($"  s{p}: {Parameters[p]}\n");
                }
            }

            return text.ToString();
        });

    [Fact]
    public void Load_Memoised_BindsWhatEveryPolicyBindingItselfBinds()
    {
        var outcomes = new int[2];
        Specs.Sample(yaml =>
        {
            var (fast, fastError) = Bind(yaml, memoise: true);
            var (slow, slowError) = Bind(yaml, memoise: false);
            Assert.Equal(slowError, fastError);
            outcomes[slow is null ? 1 : 0]++;
            if (slow is null || fast is null)
            {
                Assert.Equal(slow is null, fast is null);
                return;
            }

            Assert.Equal(slow.Policies.Length, fast.Policies.Length);
            for (var i = 0; i < slow.Policies.Length; i++)
            {
                Assert.Equal(slow.Policies[i].Name, fast.Policies[i].Name);
                Assert.Equal(slow.Policies[i].Capital, fast.Policies[i].Capital);
                Assert.Equal(CanonicalPolicy.Json(slow.Policies[i]), CanonicalPolicy.Json(fast.Policies[i]));
                Assert.Equal(slow.Policies[i].Universe, fast.Policies[i].Universe);
                Assert.Equal(slow.Policies[i].Costs.ProportionalBps, fast.Policies[i].Costs.ProportionalBps);
                Assert.Equal(slow.Policies[i].Lot, fast.Policies[i].Lot);
            }

            Assert.Equal(slow.UniverseLocations.OrderBy(l => l.Key, StringComparer.Ordinal), fast.UniverseLocations.OrderBy(l => l.Key, StringComparer.Ordinal));
            Assert.Equal(slow.Sweep is null, fast.Sweep is null);
            if (slow.Sweep is { } table)
            {
                Assert.Equal(Enumerable.Range(0, table.PolicyCount).Select(table.CellName), Enumerable.Range(0, fast.Sweep!.PolicyCount).Select(fast.Sweep.CellName));
            }
        }, iter: 1500);

        // Both kinds of outcome were met, so neither comparison is vacuous.
        Assert.True(outcomes[0] > 50 && outcomes[1] > 50, $"{outcomes[0]} specs bound, {outcomes[1]} refused");
    }

    [Fact]
    public void Load_LongList_BoundInParallel_ReportsTheFirstFailingEntryAndTheFirstLocations()
    {
        // Long lists bind in parallel; what they report must be what binding one entry after another reports.
        var assets = new[] { "A", "B", "C", "D", "E", "F" };
        string Spec(params int[] failing)
        {
            var text = new StringBuilder("name: long\ntrigger: { calendar: monthly }\nweights: { scheme: equal }\npolicies:\n");
            for (var i = 0; i < 600; i++)
            {
                var universe = $"[{assets[i % 3]}, {assets[3 + (i / 7 % 3)]}]";
                var cost = failing.Contains(i) ? -1 : i;
                text.Append($"  - name: p{i}\n    universe: {universe}\n    costs: {{ proportional_bps: {cost} }}\n");
            }

            return text.ToString();
        }

        var error = Assert.Throws<BallastInputException>(() => SpecLoader.Load(Spec(420, 130, 599), "long.yaml"));
        Assert.Contains("policies[130].costs.proportional_bps", error.Message, StringComparison.Ordinal);

        var set = SpecLoader.Load(Spec(), "long.yaml");
        Assert.Equal(600, set.Policies.Length);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"p{i}"), set.Policies.Select(p => p.Name));
        foreach (var asset in assets)
        {
            // Each asset's location is where the first policy naming it names it.
            var first = Enumerable.Range(0, 600).First(i => assets[i % 3] == asset || assets[3 + (i / 7 % 3)] == asset);
            var index = assets[first % 3] == asset ? 0 : 1;
            Assert.Equal($"policies[{first}].universe[{index}]", set.UniverseLocations[asset].Field);
        }
    }

    private static (PolicySet? Set, string? Error) Bind(string yaml, bool memoise)
    {
        try
        {
            return (SpecLoader.Load(yaml, "random.yaml", [], memoise), null);
        }
        catch (BallastInputException e)
        {
            return (null, e.Message);
        }
    }
}
