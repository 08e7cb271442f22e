using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Policies;

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
