using System.Text.Json;
using Ballast.Data;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Io.Tests.Protocol;
using Ballast.Policies;

namespace Ballast.Io.Tests;

/// <summary>Backtests of sweeps: every policy against its own buy-and-hold twin, named baselines, duplicate hashes, and metrics.json keyed by parameters.</summary>
public sealed class SweepBacktestTests
{
    private const string Mixes = """
        name: mixes
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        policies:
          - name: sixty-forty
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { calendar: monthly }
          - name: thirty-seventy
            weights: { scheme: fixed, targets: { A: 0.3, B: 0.7 } }
            trigger: { calendar: monthly }
        """;

    [Fact]
    public void Premium_IsAgainstEachPolicysOwnBuyAndHold_NotTheFirstPolicysWeights()
    {
        var table = Table(400);
        var outcome = Run(SpecLoader.Load(Mixes, "mixes.yaml"), table);
        var alone = Run(SpecLoader.Load(Mixes.Replace("trigger: { calendar: monthly }", "trigger: none", StringComparison.Ordinal), "held.yaml"), table);

        // The buy-and-hold of 30/70, run on its own: the comparator of thirty-seventy's premium.
        var heldThirtySeventy = alone.Runs.Single(r => r.Name == "thirty-seventy").Metrics.Cagr!.Value;
        var thirtySeventy = outcome.Runs.Single(r => r.Name == "thirty-seventy").Metrics;
        Assert.Equal(thirtySeventy.Cagr!.Value - heldThirtySeventy, thirtySeventy.RebalancingPremium!.Value, 15);
        var heldSixtyForty = alone.Runs.Single(r => r.Name == "sixty-forty").Metrics.Cagr!.Value;
        var sixtyForty = outcome.Runs.Single(r => r.Name == "sixty-forty").Metrics;
        Assert.Equal(sixtyForty.Cagr!.Value - heldSixtyForty, sixtyForty.RebalancingPremium!.Value, 15);
    }

    [Fact]
    public void ASweepOverWeights_GivesEachPolicyItsOwnTwin_NamedByTheParameter()
    {
        const string text = """
            name: grid
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
            trigger: { drift: { absolute: 0.05 } }
            sweep:
              mix: { path: weights.targets, simplex: { assets: [A, B], step: 0.25, bounds: [0.25, 0.75] } }
              band: { path: trigger.drift.absolute, values: [0.02, 0.1] }
            """;
        var outcome = Run(SpecLoader.Load(text, "grid.yaml"), Table(400));

        Assert.Equal(6 + 3, outcome.Runs.Count);
        Assert.Equal(["buy-and-hold mix=A:0.25/B:0.75", "buy-and-hold mix=A:0.5/B:0.5", "buy-and-hold mix=A:0.75/B:0.25"], outcome.Runs.Skip(6).Select(r => r.Name));
        for (var i = 0; i < 6; i++)
        {
            var twin = outcome.Runs[outcome.Twins[i]];
            Assert.Equal(6 + (i / 2), outcome.Twins[i]);
            Assert.Equal(((Policies.FixedWeights)outcome.Runs[i].Policy.Spec.Weights).Targets.AsEnumerable(), ((Policies.FixedWeights)twin.Policy.Spec.Weights).Targets.AsEnumerable());
            Assert.IsType<Policies.NoTrigger>(twin.Policy.Spec.Trigger);
            Assert.Equal(outcome.Runs[i].Metrics.Cagr!.Value - twin.Metrics.Cagr!.Value, outcome.Runs[i].Metrics.RebalancingPremium!.Value, 15);
            Assert.Equal(RunRole.Policy, outcome.RoleOf(i));
        }

        Assert.Equal(RunRole.Twin, outcome.RoleOf(6));
        Assert.Equal(6, outcome.BaselineIndex);
    }

    [Fact]
    public void TwinsWithOneHash_RunOnce_AndAPolicyThatIsItsOwnTwinIsNotRunTwice()
    {
        const string text = """
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
            trigger: none
            sweep:
              rule: { path: trigger, values: [{ calendar: monthly }, none, { drift: { absolute: 0.05 } }], labels: [monthly, never, band] }
            """;
        var outcome = Run(SpecLoader.Load(text, "s.yaml"), Table(300));

        Assert.Equal(["rule=monthly", "rule=never", "rule=band"], outcome.Runs.Select(r => r.Name));
        Assert.Equal([1, 1, 1], outcome.Twins);
        Assert.Equal(0, outcome.Runs[1].Metrics.RebalancingPremium);
    }

    [Fact]
    public void MetricsJson_CarriesParametersTwinAndBaselineComparisons()
    {
        const string text = """
            name: grid
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { calendar: monthly }
            sweep:
              frequency: { path: trigger.calendar, values: [monthly, quarterly] }
              cost: { path: costs.proportional_bps, values: [0, 20] }
            baselines:
              - frequency=quarterly,cost=0
              - { name: band, trigger: { drift: { absolute: 0.03 } } }
            """;
        var outcome = Run(SpecLoader.Load(text, "grid.yaml"), Table(500));
        using var json = JsonDocument.Parse(ResultFiles.MetricsJson(outcome));
        var root = json.RootElement;

        Assert.Equal(4, root.GetProperty("sweep").GetProperty("policies").GetInt32());
        Assert.Equal(["frequency", "cost"], root.GetProperty("sweep").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["frequency=quarterly,cost=0", "band"], root.GetProperty("baselines").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        var policies = root.GetProperty("policies").EnumerateArray().ToArray();
        Assert.Equal(["policy", "policy", "policy", "policy", "twin", "twin", "baseline"], policies.Select(p => p.GetProperty("role").GetString()));
        var p3 = policies[3];
        Assert.Equal("quarterly", p3.GetProperty("parameters").GetProperty("frequency").GetString());
        Assert.Equal(20, p3.GetProperty("parameters").GetProperty("cost").GetDouble());
        Assert.Equal("buy-and-hold cost=20", p3.GetProperty("twin").GetProperty("name").GetString());
        var cagr = p3.GetProperty("metrics").GetProperty("cagr").GetDouble();
        var twinCagr = policies[5].GetProperty("metrics").GetProperty("cagr").GetDouble();
        Assert.Equal(cagr - twinCagr, p3.GetProperty("twin").GetProperty("rebalancing_premium").GetDouble(), 15);
        Assert.Equal(cagr - twinCagr, p3.GetProperty("twin").GetProperty("cagr_difference").GetDouble(), 15);
        var vsBand = p3.GetProperty("baselines")[1];
        Assert.Equal("band", vsBand.GetProperty("name").GetString());
        Assert.Equal(cagr - policies[6].GetProperty("metrics").GetProperty("cagr").GetDouble(), vsBand.GetProperty("cagr_difference").GetDouble(), 15);
        // The baseline named from the sweep shares that policy's run: comparing it with itself gives 0.
        Assert.Equal(0, policies[2].GetProperty("baselines")[0].GetProperty("cagr_difference").GetDouble());
        Assert.Equal(JsonValueKind.Null, policies[6].GetProperty("twin").ValueKind);
    }

    [Fact]
    public void ManySharedHashes_NoticeTheFirstTenInOrderOfFirstUse_FiveNamesEach_AndCountTheRest()
    {
        // Twelve rules, each under seven names, interleaved: p0_k … p11_k for k = 0 … 6.
        var policies = string.Join(", ", Enumerable.Range(0, 7).SelectMany(k => Enumerable.Range(0, 12).Select(g => $"{{ name: p{g}_{k}, costs: {{ proportional_bps: {g} }} }}")));
        var spec = SpecLoader.Load($$"""
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { calendar: monthly }
            policies: [{{policies}}]
            """, "s.yaml");
        var compiled = spec.Policies.Select(p => new RebalancePolicy(p)).ToArray();

        var notices = BacktestJob.DuplicateHashNotices(spec, compiled);

        Assert.Equal(11, notices.Count);
        for (var g = 0; g < 10; g++)
        {
            Assert.StartsWith($"7 policies have one hash ({compiled[g].Hash.ToString()[..12]}), ", notices[g], StringComparison.Ordinal);
            Assert.EndsWith($"the same rules under different names: {string.Join(", ", Enumerable.Range(0, 5).Select(k => $"'p{g}_{k}'"))}, ...", notices[g], StringComparison.Ordinal);
        }

        Assert.Equal("2 more hashes are shared by several policies", notices[10]);
    }

    [Fact]
    public void OneHashUnderTwoNames_IsANotice_InTheOutcomeAndMetricsJson()
    {
        const string text = """
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { drift: { absolute: 0.05 } }
            sweep:
              band: { path: trigger.drift.absolute, values: [0.02, 2e-2, 0.1] }
            """;
        var outcome = Run(SpecLoader.Load(text, "s.yaml"), Table(200));

        var notice = Assert.Single(outcome.Notices);
        Assert.StartsWith("2 policies have one hash (", notice, StringComparison.Ordinal);
        Assert.EndsWith("the same rules under different names: 'band=0.02', 'band=2e-2'", notice, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(ResultFiles.MetricsJson(outcome));
        Assert.Contains(notice, json.RootElement.GetProperty("notices").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void RealData_FrequencyCostSample_PremiumIsCagrMinusTheTwinsCagr_AndTheTwinIsTheBuyAndHoldRunAlone()
    {
        var shared = Paths.SharedData;
        Assert.SkipWhen(shared is null, "../shared/data is absent: this test runs samples/research/frequency-cost-sweep.yaml on its ETF prices");
        var data = MarketDataFile.Read(Path.Combine(shared!, "etf_daily_adjclose.csv"), ValueKind.Prices);
        var spec = SpecLoader.LoadFile(Path.Combine(Paths.RepoRoot, "samples", "research", "frequency-cost-sweep.yaml"));
        var outcome = BacktestJob.Run(spec, data, new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(20, spec.Policies.Length);
        Assert.Equal(20 + 5 + 1, outcome.Runs.Count);
        for (var i = 0; i < 20; i++)
        {
            var run = outcome.Runs[i];
            var twin = outcome.Runs[outcome.Twins[i]];
            Assert.Equal(run.Metrics.Cagr!.Value - twin.Metrics.Cagr!.Value, run.Metrics.RebalancingPremium!.Value, 15);
            Assert.Equal(run.Policy.Spec.Costs.ProportionalBps.AsEnumerable(), twin.Policy.Spec.Costs.ProportionalBps.AsEnumerable());
        }

        // The twin of cost=25 is buy-and-hold with 25 bps, run here on its own.
        var held = SpecLoader.Load("universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: none\ncosts: { proportional_bps: 25 }\n", "held.yaml");
        var alone = BacktestJob.Run(held, data, new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);
        var twin25 = outcome.Runs[outcome.Twins[3]];
        Assert.Equal("buy-and-hold cost=25", twin25.Name);
        Assert.Equal(alone.Runs[0].Metrics.Cagr, twin25.Metrics.Cagr);
        Assert.Equal(alone.Runs[0].Hash, twin25.Hash);
        Assert.Equal(RunRole.Baseline, outcome.RoleOf(25));
        Assert.Equal("band-5pp", outcome.Runs[25].Name);
    }

    private static BacktestOutcome Run(Policies.PolicySet spec, PriceTable table) =>
        BacktestJob.Run(spec, table, "inline", new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);

    private static PriceTable Table(int rows)
    {
        var dates = new DateOnly[rows];
        var prices = new double[2 * rows];
        for (var r = 0; r < rows; r++)
        {
            dates[r] = new DateOnly(2015, 1, 1).AddDays(r);
            prices[2 * r] = 100 * Math.Exp((0.0004 * r) + (0.05 * Math.Sin(r / 7.0)));
            prices[(2 * r) + 1] = 50 * Math.Exp((0.0001 * r) + (0.03 * Math.Cos(r / 11.0)));
        }

        return new PriceTable(["A", "B"], dates, prices);
    }
}
