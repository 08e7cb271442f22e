using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Io.Tests;

public sealed class BacktestJobTests
{
    private const string Spec = """
        name: t
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        policies:
          - name: monthly
            trigger: { calendar: monthly }
          - name: quarterly
            trigger: { calendar: quarterly }
          - name: annual
            trigger: { calendar: annual }
        """;

    [Fact]
    public void A_policy_that_does_not_compile_fails_the_job_with_its_own_error_not_an_aggregate()
    {
        // Policies compile in parallel; the failure must still surface as the policy's own exception. (The loader
        // refuses this spelling; a spec built in code is not checked by it.)
        var spec = SpecLoader.Load(Spec, "test.yaml");
        var broken = spec.Policies[1] with { Execution = new ExecutionSpec(ExecutionTarget.BandEdge) };
        spec = spec with { Policies = spec.Policies.SetItem(1, broken) };

        var error = Assert.Throws<ArgumentException>(() => BacktestJob.Run(spec, Table(60), "inline", new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("band-edge needs a drift trigger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_come_back_in_spec_order_with_buy_and_hold_added()
    {
        var spec = SpecLoader.Load(Spec, "test.yaml");
        var outcome = BacktestJob.Run(spec, Table(300), "inline", new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["monthly", "quarterly", "annual", BacktestJob.BuyAndHoldName], outcome.Runs.Select(r => r.Name));
        Assert.Equal(3, outcome.BaselineIndex);
    }

    /// <summary>
    /// The job's fast twins (one form per shared set of blocks, built from the policy's compiled parts) against the
    /// general path: each policy's twin run is BuyAndHold(policy) compiled whole, by canonical JSON, hash and capital,
    /// on random lists mixing inherited and own costs, lots and capitals, and on sweeps.
    /// </summary>
    [Fact]
    public void Each_policys_twin_is_its_buy_and_hold_compiled_whole()
    {
        var triggers = new[] { "none", "{ calendar: monthly }", "{ drift: { absolute: 0.05 } }", "{ calendar: quarterly }" };
        var costs = new[] { "", "costs: { proportional_bps: 5 }", "costs: { proportional_bps: { A: 1 } }" };
        var capitals = new[] { "", "capital: 1000", "capital: 2000" };
        var lots = new[] { "", "lot: { A: 10 }" };
        var policy = Gen.Select(Gen.Int[0, triggers.Length - 1], Gen.Int[0, costs.Length - 1], Gen.Int[0, capitals.Length - 1], Gen.Int[0, lots.Length - 1]);
        Gen.Select(policy.Array[1, 12], Gen.Bool, Gen.Bool).Sample((entries, topCosts, sweep) =>
        {
            var yaml = new System.Text.StringBuilder("""
                name: t
                universe: [A, B]
                weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }

                """);
            if (topCosts)
            {
                yaml.AppendLine("costs: { proportional_bps: 2, spread_bps: 1 }");
            }

            if (sweep)
            {
                yaml.AppendLine("sweep: { cost: { path: costs.proportional_bps, values: [0, 1, 2] } }");
            }

            yaml.AppendLine("policies:");
            for (var i = 0; i < entries.Length; i++)
            {
                var (trigger, cost, capital, lot) = entries[i];
                yaml.AppendLine($"  - name: p{i}");
                yaml.AppendLine($"    trigger: {triggers[trigger]}");
                foreach (var line in new[] { sweep ? "" : costs[cost], capitals[capital], lots[lot] })
                {
                    if (line.Length > 0)
                    {
                        yaml.AppendLine($"    {line}");
                    }
                }
            }

            var spec = SpecLoader.Load(yaml.ToString(), "random.yaml");
            var outcome = BacktestJob.Run(spec, Table(40), "inline", new BacktestOptions(), cancellationToken: TestContext.Current.CancellationToken);
            for (var i = 0; i < spec.Policies.Length; i++)
            {
                var twin = outcome.Runs[outcome.Twins[i]].Policy;
                var whole = new RebalancePolicy(BacktestJob.BuyAndHold(spec.Policies[i]));
                Assert.Equal(whole.CanonicalJson, twin.CanonicalJson);
                Assert.Equal(whole.Hash, twin.Hash);
                Assert.Equal(spec.Policies[i].Capital, twin.Spec.Capital);
            }
        });
    }

    private static PriceTable Table(int rows)
    {
        var dates = new DateOnly[rows];
        var prices = new double[2 * rows];
        for (var r = 0; r < rows; r++)
        {
            dates[r] = new DateOnly(2015, 1, 1).AddDays(r);
            prices[2 * r] = 100 * Math.Exp(0.01 * Math.Sin(r / 7.0));
            prices[(2 * r) + 1] = 50 * Math.Exp(0.02 * Math.Cos(r / 11.0));
        }

        return new PriceTable(["A", "B"], dates, prices);
    }
}
