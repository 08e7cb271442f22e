using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Io.Tests.Specs;

public class SpecLoaderTests
{
    private const string SixtyFortyYaml = """
        name: sixty-forty
        universe: [SPY, AGG]            # columns of the data file
        capital: 1000000
        periods_per_year: 252
        weights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }
        costs: { proportional_bps: 5, fixed_per_trade: 0 }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: band-5pp-edge
            trigger: { drift: { absolute: 0.05 }, check: daily }
            execution: { to: band-edge }
          - name: hybrid
            trigger: { any: [ { calendar: quarterly }, { drift: { relative: 0.25 } } ] }
        """;

    private const string SixtyFortyJson = """
        {
          "policies": [
            { "name": "never", "trigger": "none" },
            { "trigger": { "calendar": "monthly" }, "name": "monthly" },
            { "name": "band-5pp-edge", "execution": { "to": "band-edge" }, "trigger": { "check": "daily", "drift": { "absolute": 5e-2 } } },
            { "name": "hybrid", "trigger": { "any": [ { "calendar": "quarterly" }, { "drift": { "relative": 0.250 } } ] } }
          ],
          "name": "sixty-forty",
          "universe": ["AGG", "SPY"],
          "periods_per_year": 252,
          "capital": 1e6,
          "weights": { "targets": { "AGG": 0.4, "SPY": 0.6 }, "scheme": "fixed" },
          "costs": { "proportional_bps": { "SPY": 5, "AGG": 5 } }
        }
        """;

    private static BallastInputException Bad(string yaml, string source = "spec.yaml") =>
        Assert.Throws<BallastInputException>(() => SpecLoader.Load(yaml, source));

    [Fact]
    public void Load_IssueExample_BindsEveryPolicyWithDefaultsMergedIn()
    {
        var set = SpecLoader.Load(SixtyFortyYaml, "sixty-forty.yaml");

        Assert.Equal("sixty-forty", set.Name);
        Assert.Equal(252, set.PeriodsPerYear);
        Assert.Equal(["never", "monthly", "band-5pp-edge", "hybrid"], set.Policies.Select(p => p.Name));
        var band = set.Policies[2];
        Assert.Equal(new DriftTrigger(DriftMeasure.Absolute, 0.05, CalendarFrequency.Daily), band.Trigger);
        Assert.Equal(ExecutionTarget.BandEdge, band.Execution.To);
        Assert.Equal([5.0, 5.0], band.Costs.ProportionalBps.ToArray());
        Assert.IsType<AnyTrigger>(set.Policies[3].Trigger);
    }

    [Fact]
    public void Hash_YamlAndJsonSpellingsOfTheSamePolicies_AreIdentical()
    {
        var yaml = SpecLoader.Load(SixtyFortyYaml, "a.yaml");
        var json = SpecLoader.Load(SixtyFortyJson, "a.json");

        Assert.Equal(yaml.Policies.Select(p => p.Hash), json.Policies.Select(p => p.Hash));
        Assert.Equal(yaml.Policies.Select(p => p.CanonicalJson), json.Policies.Select(p => p.CanonicalJson));
        Assert.Equal(4, yaml.Policies.Select(p => p.Hash).Distinct().Count());
    }

    [Fact]
    public void Hash_RandomPoliciesSpelledInYamlAndJson_AreIdentical()
    {
        var frequencies = CalendarFrequencies.Names.ToArray();
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 5].Select(i => frequencies[i]), Gen.Double[0.001, 0.5], Gen.Double[0, 50], Gen.Bool).Sample((assets, frequency, band, bps, relative) =>
        {
            var names = Enumerable.Range(0, assets).Select(i => $"S{i}").ToArray();
            var ppm = PartsPerMillion.Round(Enumerable.Range(1, assets).Select(i => (double)i).ToArray());
            var targets = names.Zip(ppm, (n, p) => (n, p / 1e6)).ToArray();
            var measure = relative ? "relative" : "absolute";
            var r = System.Globalization.CultureInfo.InvariantCulture;
            var yaml = $"""
                universe: [{string.Join(", ", names)}]
                weights:
                  scheme: fixed
                  targets: {"{"} {string.Join(", ", targets.Select(t => $"{t.n}: {t.Item2.ToString("R", r)}"))} {"}"}
                costs: {"{"} proportional_bps: {bps.ToString("R", r)} {"}"}
                policies:
                  - name: p
                    trigger: {"{"} any: [ {"{"} calendar: {frequency} {"}"}, {"{"} drift: {"{"} {measure}: {band.ToString("R", r)} {"}"} {"}"} ] {"}"}
                """;
            var policy = "{\"policies\":[{\"trigger\":{\"any\":[{\"calendar\":\"" + frequency + "\"},{\"drift\":{\"" + measure + "\":" + band.ToString("E17", r) + "}}]},\"name\":\"p\"}],";
            var costs = "\"costs\":{\"proportional_bps\":{" + string.Join(",", names.Select(n => "\"" + n + "\":" + bps.ToString("R", r))) + "}},";
            var weights = "\"weights\":{\"targets\":{" + string.Join(",", targets.Reverse().Select(t => "\"" + t.n + "\":" + t.Item2.ToString("R", r))) + "},\"scheme\":\"fixed\"},";
            var universe = "\"universe\":[" + string.Join(",", names.Reverse().Select(n => "\"" + n + "\"")) + "]}";
            var json = policy + costs + weights + universe;
            Assert.Equal(SpecLoader.Load(yaml, "r.yaml").Policies[0].Hash, SpecLoader.Load(json, "r.json").Policies[0].Hash);
        });
    }

    [Fact]
    public void Hash_DefaultsWrittenOrLeftOut_AreIdentical()
    {
        var terse = SpecLoader.Load("universe: [A, B]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\ntrigger: { calendar: monthly }\n", "t.yaml");
        var verbose = SpecLoader.Load("universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: monthly }\nexecution: { to: target }\ncosts: { proportional_bps: 0, spread_bps: { A: 0 }, fixed_per_trade: 0 }\n", "v.yaml");

        Assert.Equal(terse.Policies[0].Hash, verbose.Policies[0].Hash);
    }

    [Fact]
    public void Hash_RiskBasedPolicyInYamlAndJsonWithDefaultsWrittenOrNot_IsTheSame()
    {
        var yaml = SpecLoader.Load("universe: [A, B, C]\nweights: { scheme: risk-budget, budgets: { A: 0.5, B: 0.3, C: 0.2 } }\ntrigger: { calendar: monthly }\n", "r.yaml");
        var json = SpecLoader.Load("""{"trigger":{"calendar":"monthly"},"covariance":{"method":"sample","lookback":252},"weights":{"budgets":{"C":0.2,"B":0.3,"A":0.5},"scheme":"risk-budget"},"universe":["C","B","A"]}""", "r.json");
        var other = SpecLoader.Load("universe: [A, B, C]\nweights: { scheme: risk-budget, budgets: { A: 0.5, B: 0.3, C: 0.2 } }\ncovariance: { lookback: 126 }\ntrigger: { calendar: monthly }\n", "o.yaml");

        Assert.Equal(yaml.Policies[0].Hash, json.Policies[0].Hash);
        Assert.NotEqual(yaml.Policies[0].Hash, other.Policies[0].Hash);
        Assert.Contains("\"covariance\":{\"lookback\":252,\"method\":\"sample\"},\"scheme\":\"risk-budget\"", yaml.Policies[0].CanonicalJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_CalendarAnchorAndOffsetAtTheirDefaults_AreLeftOutOfTheCanonicalForm()
    {
        const string Head = "universe: [A, B]\nweights: { scheme: equal }\n";
        var plain = SpecLoader.Load(Head + "trigger: { calendar: quarterly }\n", "p.yaml").Policies[0];
        var spelled = SpecLoader.Load(Head + "trigger: { calendar: quarterly, anchor: period-start, offset: 0 }\n", "s.yaml").Policies[0];
        var end = SpecLoader.Load(Head + "trigger: { calendar: quarterly, anchor: period-end }\n", "e.yaml").Policies[0];
        var shifted = SpecLoader.Load(Head + "trigger: { calendar: quarterly, anchor: period-end, offset: 2 }\n", "o.yaml").Policies[0];
        var check = SpecLoader.Load(Head + "trigger: { drift: { absolute: 0 }, check: annual, offset: 5 }\n", "c.yaml").Policies[0];

        Assert.Equal(plain.Hash, spelled.Hash);
        Assert.Contains("\"trigger\":{\"calendar\":\"quarterly\"}", plain.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"trigger\":{\"anchor\":\"period-end\",\"calendar\":\"quarterly\"}", end.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"trigger\":{\"anchor\":\"period-end\",\"calendar\":\"quarterly\",\"offset\":2}", shifted.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"trigger\":{\"check\":\"annual\",\"drift\":{\"absolute\":0},\"offset\":5}", check.CanonicalJson, StringComparison.Ordinal);
        Assert.Equal(4, new[] { plain.Hash, end.Hash, shifted.Hash, check.Hash }.Distinct().Count());
        Assert.Equal(new CalendarTrigger(CalendarFrequency.Quarterly, CalendarAnchor.PeriodEnd, 2), shifted.Trigger);
        Assert.Equal(new DriftTrigger(DriftMeasure.Absolute, 0, CalendarFrequency.Annual, CalendarAnchor.PeriodStart, 5), check.Trigger);
    }

    [Fact]
    public void Load_VolatilityRegimeWeights_BindInUniverseOrderAndEnterTheHashOnlyWhenGiven()
    {
        const string Head = "universe: [A, B]\nweights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }\n";
        var plain = SpecLoader.Load(Head + "trigger: { calendar: quarterly, volatility: { above: 0.2, then: weekly } }\n", "p.yaml").Policies[0];
        var regime = SpecLoader.Load(Head + "trigger: { calendar: quarterly, volatility: { above: 0.2, then: weekly, weights: { scheme: fixed, targets: { B: 0.8, A: 0.2 } } } }\n", "r.yaml").Policies[0];
        var keepTrigger = SpecLoader.Load(Head + "trigger: { calendar: quarterly, volatility: { above: 0.2, weights: { scheme: equal } } }\n", "k.yaml").Policies[0];

        Assert.Contains("\"volatility\":{\"above\":0.2,\"below\":0.16,\"scope\":\"portfolio\",\"then\":{\"calendar\":\"weekly\"},\"window\":21}", plain.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"then\":{\"calendar\":\"weekly\"},\"weights\":{\"scheme\":\"fixed\",\"targets\":{\"A\":0.2,\"B\":0.8}},\"window\":21", regime.CanonicalJson, StringComparison.Ordinal);
        Assert.NotEqual(plain.Hash, regime.Hash);
        var volatility = Assert.IsType<VolatilityTrigger>(regime.Trigger);
        Assert.Equal([0.2, 0.8], volatility.HighWeights!.Targets.ToArray());

        // Without then, the high regime keeps the normal trigger.
        var kept = Assert.IsType<VolatilityTrigger>(keepTrigger.Trigger);
        Assert.Equal(kept.Normal, kept.High);
        Assert.Equal([0.5, 0.5], kept.HighWeights!.Targets.ToArray());
    }

    [Theory]
    [InlineData("weights: { scheme: risk-parity }\ntrigger: { volatility: { above: 0.2, weights: { scheme: equal } } }", "(trigger.volatility.weights): weights for the high-volatility regime need the policy's own weights to be fixed")]
    [InlineData("weights: { scheme: equal }\ntrigger: { volatility: { above: 0.2, weights: { scheme: inverse-vol } } }", "(trigger.volatility.weights.scheme): weights for the high-volatility regime take scheme fixed or equal")]
    [InlineData("weights: { scheme: equal }\ntrigger: { volatility: { above: 0.2, weights: { scheme: fixed, targets: { A: 0.5, B: 0.6 } } } }", "(trigger.volatility.weights.targets): targets must sum to 1 (within 1e-9), they sum to 1.1")]
    [InlineData("weights: { scheme: equal }\ntrigger: { volatility: { above: 0.2, weights: { scheme: fixed, targets: { A: 1 } } } }", "(trigger.volatility.weights.targets): no target for 'B'")]
    [InlineData("weights: { scheme: equal }\ntrigger: { volatility: { above: 0.2 } }", "(trigger.volatility.then): give then: the trigger of the high-volatility regime")]
    public void Load_BadVolatilityRegimeWeights_AreErrorsNamingTheField(string body, string expected)
    {
        var e = Bad($"universe: [A, B]\n{body}\n");
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.yaml:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_DifferentRules_Differ()
    {
        var a = SpecLoader.Load("universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: monthly }\n", "a.yaml");
        var b = SpecLoader.Load("universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: quarterly }\n", "b.yaml");

        Assert.NotEqual(a.Policies[0].Hash, b.Policies[0].Hash);
        Assert.Matches("^[0-9a-f]{64}$", a.Policies[0].Hash.ToString());
    }

    [Fact]
    public void Load_UnknownKey_NamesItsLocationAndSuggestsTheClosest()
    {
        var e = Bad("universe: [A]\nweights: { scheme: equal }\npolicies:\n  - name: x\n    triger: none\n");

        Assert.StartsWith("spec.yaml:5:5 (policies[0].triger): unknown key 'triger'; did you mean 'trigger'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyInJson_NamesLineAndColumn()
    {
        var e = Bad("{\n  \"universe\": [\"A\"],\n  \"weights\": {\"scheme\": \"equal\"},\n  \"trigger\": {\"calender\": \"monthly\"}\n}", "s.json");

        Assert.StartsWith("s.json:4:15 (trigger.calender): unknown key 'calender'; did you mean 'calendar'?", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weights: { scheme: fixed, targets: { A: 0.5, B: 0.6 } }", "(weights.targets): targets must sum to 1 (within 1e-9), they sum to 1.1")]
    [InlineData("weights: { scheme: fixed, targets: { A: -0.5, B: 1.5 } }", "(weights.targets.A): target weights must be >= 0")]
    [InlineData("weights: { scheme: fixed, targets: { A: 1 } }", "(weights.targets): no target for 'B'")]
    [InlineData("weights: { scheme: fixed, targets: { A: 0.5, C: 0.5 } }", "(weights.targets.C): 'C' is not in the universe")]
    [InlineData("weights: { scheme: fixd }", "(weights.scheme): unknown value 'fixd'; expected one of: fixed, equal, inverse-vol, risk-parity, risk-budget, min-variance, mean-variance (did you mean 'fixed'?)")]
    [InlineData("weights: { scheme: equal }\ntrigger: { drift: { absolute: -0.1 } }", "(trigger.drift.absolute): the band must be >= 0 (0: rebalance at every check), got -0.1")]
    [InlineData("weights: { scheme: equal }\ntrigger: { risk_drift: { absolute: 0 } }", "(trigger.risk_drift.absolute): the band must be > 0")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: quarterly, anchor: period-ends }", "spec.yaml:3:41 (trigger.anchor): unknown value 'period-ends'; expected one of: period-start, period-end (did you mean 'period-end'?)")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: quarterly, offset: 3 }", "spec.yaml:3:41 (trigger.offset): the quarterly offset is 0 to 2 months after January (e.g. 1: quarters starting February, May, August and November), got 3")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly, offset: 1 }", "(trigger.offset): monthly takes no offset")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: annual, offset: -1 }", "(trigger.offset): expected a whole number >= 0, found '-1'")]
    [InlineData("weights: { scheme: equal }\ntrigger: { drift: { absolute: 0.05 }, anchor: period-end }", "(trigger.anchor): anchor applies to a calendar trigger or to a drift check")]
    [InlineData("weights: { scheme: equal }\ntrigger: { drift: { absolute: 0.05 }, check: weekly, offset: 9 }", "(trigger.offset): a weekly offset is 0 to 6 days after Monday")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: montly }", "(trigger.calendar): unknown value 'montly'; expected one of: daily, weekly, monthly, quarterly, semiannual, annual (did you mean 'monthly'?)")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly, drift: { absolute: 0.1 } }", "a trigger takes exactly one of calendar, drift, risk_drift, any, all")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly }\nexecution: { to: band-edge }", "(execution.to): band-edge needs a drift trigger")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly }\ncapital: '100'", "(capital): expected a finite number, found the string \"100\"")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly, check: daily }", "(trigger.check): check applies only to drift triggers")]
    [InlineData("weights: { scheme: equal }\ntrigger: { calendar: monthly }\nexecution: { partial: 1.5 }", "(execution.partial): must be in (0, 1]")]
    [InlineData("weights: { scheme: equal }", "has no trigger; write trigger: none for buy and hold")]
    [InlineData("weights: { scheme: equal }\ntrigger: { risk_drift: { absolute: 0.05 } }", "(trigger): risk_drift compares risk contributions with risk budgets, so it needs weights with scheme risk-parity or risk-budget")]
    public void Load_InvalidValues_AreErrorsNamingTheField(string body, string expected)
    {
        var e = Bad($"universe: [A, B]\n{body}\n");
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.yaml:", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// offset 0 is every frequency's default, the anchor row itself (docs/policy-spec.md): written out for monthly or
    /// daily (or a monthly drift check) it was refused; it now means, and hashes, what leaving it out does.
    /// </summary>
    [Theory]
    [InlineData("{ calendar: monthly, offset: 0 }", "{ calendar: monthly }")]
    [InlineData("{ calendar: monthly, anchor: period-end, offset: 0 }", "{ calendar: monthly, anchor: period-end }")]
    [InlineData("{ calendar: daily, offset: 0 }", "{ calendar: daily }")]
    [InlineData("{ drift: { absolute: 0.05 }, check: monthly, offset: 0 }", "{ drift: { absolute: 0.05 }, check: monthly }")]
    public void Load_AZeroOffsetOnAFrequencyWithoutPhases_IsTheDefault(string written, string left)
    {
        var withZero = SpecLoader.Load($"universe: [A, B]\nweights: {{ scheme: equal }}\ntrigger: {written}\n", "spec.yaml").Policies[0];
        var without = SpecLoader.Load($"universe: [A, B]\nweights: {{ scheme: equal }}\ntrigger: {left}\n", "spec.yaml").Policies[0];

        Assert.Equal(without.CanonicalJson, withZero.CanonicalJson);
        Assert.Equal(without.Hash, withZero.Hash);
    }

    [Fact]
    public void Load_TopLevelBlockThatDoesNotFitAPolicy_NamesThePolicy()
    {
        var e = Bad("universe: [A, B]\nweights: { scheme: equal }\ncosts: { proportional_bps: { B: 5 } }\ntrigger: none\npolicies:\n  - name: only-a\n    universe: [A]\n");

        Assert.Contains("(costs.proportional_bps.B): 'B' is not in the universe", e.Message, StringComparison.Ordinal);
        Assert.Contains("applied to policy 'only-a', whose universe is [A]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CostAboveOneHundredPercent_IsAnError() =>
        Assert.Contains("(costs.proportional_bps): must be at most 10000 (100 %)", Bad("universe: [A]\nweights: { scheme: equal }\ncosts: { proportional_bps: 20000 }\ntrigger: none\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_DuplicatePolicyNames_AreAnError() =>
        Assert.Contains("duplicate policy name 'x' (also policies[0])", Bad("universe: [A]\nweights: { scheme: equal }\ntrigger: none\npolicies:\n  - name: x\n  - name: x\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_DuplicateKeys_AreAnError() =>
        Assert.StartsWith("spec.yaml:2:1: duplicate key 'universe' (also on line 1)", Bad("universe: [A]\nuniverse: [B]\n").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_MalformedYaml_NamesTheLine() =>
        Assert.StartsWith("spec.yaml:1:11: invalid YAML", Bad("universe: [A\nweights: {").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_MalformedJson_NamesTheLine() =>
        Assert.StartsWith("s.json:3:", Bad("{\n \"universe\": [\"A\"],\n \"weights\": }\n", "s.json").Message, StringComparison.Ordinal);

    [Fact]
    public void Load_PolicyOverride_ReplacesTheTopLevelBlock()
    {
        var set = SpecLoader.Load("universe: [A, B]\nweights: { scheme: equal }\ncosts: { proportional_bps: 5, fixed_per_trade: 1 }\ntrigger: none\npolicies:\n  - name: cheap\n    costs: { spread_bps: { A: 2 } }\n  - name: default\n", "o.yaml");

        Assert.Equal([0.0, 0.0], set.Policies[0].Costs.ProportionalBps.ToArray());
        Assert.Equal([2.0, 0.0], set.Policies[0].Costs.SpreadBps.ToArray());
        Assert.Equal(1, set.Policies[1].Costs.FixedPerTrade);
        Assert.IsType<NoTrigger>(set.Policies[1].Trigger);
    }

    [Fact]
    public void Load_Cooldown_WrapsTheTrigger()
    {
        var set = SpecLoader.Load("universe: [A, B]\nweights: { scheme: equal }\ntrigger: { drift: { relative: 0.2 }, cooldown: { days: 30 } }\n", "c.yaml");

        var cooldown = Assert.IsType<CooldownTrigger>(set.Policies[0].Trigger);
        Assert.Equal(30, cooldown.Days);
        Assert.Contains("\"cooldown\":{\"days\":30}", set.Policies[0].CanonicalJson, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_ShippedSamples_AreValid()
    {
        var samples = Path.Combine(RepoRoot(), "samples");
        var files = Directory.GetFiles(samples, "*.yaml").Concat(Directory.GetFiles(samples, "*.json")).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.NotEmpty(SpecLoader.LoadFile(file).Policies);
        }

        Assert.Equal(
            SpecLoader.LoadFile(Path.Combine(samples, "sixty-forty.yaml")).Policies.Select(p => p.Hash),
            SpecLoader.LoadFile(Path.Combine(samples, "sixty-forty.json")).Policies.Select(p => p.Hash));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Ballast.slnx) above " + AppContext.BaseDirectory);
    }
}
