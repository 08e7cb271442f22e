using System.Globalization;
using System.Text;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Policies;

namespace Ballast.Io.Tests.Reports;

/// <summary>
/// metrics.json without an analysis (every <c>--json</c> run) is rendered by <see cref="PolicyEntries"/>: the bytes of
/// the writer-based reference (<see cref="ReferenceResultFiles"/>), for sweeps with parameters of numbers and labels,
/// named baselines, twins, names that need escaping, and more runs than one batch renders at once.
/// </summary>
public sealed class PolicyEntriesTests
{
    [Fact]
    public void A_sweep_with_baselines_and_labels_has_the_reference_bytes()
    {
        const string text = """
            name: "grid \"é\" 中"
            universe: [TREND, CARRY]
            weights: { scheme: fixed, targets: { TREND: 0.6, CARRY: 0.4 } }
            trigger: { calendar: monthly }
            sweep:
              frequency: { path: trigger.calendar, values: [monthly, quarterly, weekly] }
              cost: { path: costs.proportional_bps, values: [0, 12.5, 20] }
            baselines:
              - frequency=quarterly,cost=0
              - { name: "band <3%> \"tight\"", trigger: { drift: { absolute: 0.03 } } }
            """;
        var outcome = Run(SpecLoader.Load(text, "grid.yaml"), 3);

        Assert.Equal(ReferenceResultFiles.MetricsJson(outcome), ResultFiles.MetricsJson(outcome));
    }

    [Fact]
    public void Named_policies_with_odd_names_have_the_reference_bytes()
    {
        var spec = new StringBuilder("name: named\nuniverse: [TREND, CARRY, VALUE]\nweights: { scheme: equal }\npolicies:\n");
        string[] names = ["\"p, quoted\"", "'p \"q\"'", "\"back\\\\slash\"", "\"e\\u0301 中 \\U0001F600\"", "plain"];
        for (var i = 0; i < names.Length; i++)
        {
            spec.Append(CultureInfo.InvariantCulture, $"  - name: {names[i]}\n    trigger: {{ drift: {{ absolute: 0.0{i + 1} }} }}\n    costs: {{ proportional_bps: {i * 7} }}\n");
        }

        var outcome = Run(SpecLoader.Load(spec.ToString(), "named.yaml"), 2);

        Assert.Equal(ReferenceResultFiles.MetricsJson(outcome), ResultFiles.MetricsJson(outcome));
    }

    [Fact]
    public void More_runs_than_a_batch_have_the_reference_bytes()
    {
        const string text = """
            name: wide
            universe: [TREND, CARRY]
            weights: { scheme: fixed, targets: { TREND: 0.5, CARRY: 0.5 } }
            trigger: { drift: { absolute: 0.05 } }
            sweep:
              band: { path: trigger.drift.absolute, range: { from: 0.005, to: 0.2, step: 0.005 } }
              cost: { path: costs.proportional_bps, range: { from: 0, to: 10.4, step: 0.1 } }
            """;
        var outcome = Run(SpecLoader.Load(text, "wide.yaml"), 1);

        Assert.True(outcome.Runs.Count > 4096, $"{outcome.Runs.Count} runs");
        Assert.Equal(ReferenceResultFiles.MetricsJson(outcome), ResultFiles.MetricsJson(outcome));
    }

    private static BacktestOutcome Run(PolicySet set, int years)
    {
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, years, 7).Select([.. set.AllSeries()]);
        return BacktestJob.Run(set, table, "synthetic.csv", new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);
    }
}
