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
}
