namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>
/// How a family of equivalence cases is asserted: the backtest must rebalance at least once (else the case proves
/// nothing), and backtest and protocol must agree in their decisions (rebalance rows, reasons, targets in ppm) and in
/// NAV (within one base unit per child per row). No kind is exempt: the last known divergences (a risk-based first
/// investment, kept children's idle remainder, NAV handed to the policy in base units) are fixed, and their cases
/// stay in the families as regressions.
/// </summary>
internal static class EquivalenceAssert
{
    public static EquivalenceOutcome Check(string kind, string spec, EquivalenceData data, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var outcome = EquivalenceHarness.Run(spec, data, cancellationToken);
        output.WriteLine($"{kind} on {data}: {outcome.Summary}");
        Assert.True(outcome.Backtest.Count > 0, $"{kind} on {data}: the backtest never rebalanced, so the case proves nothing; choose a trigger that fires");
        Assert.True(outcome.Decisions is null, $"{kind} on {data}: backtest and protocol differ in their decisions: {outcome.Summary}");
        Assert.True(outcome.Nav is null, $"{kind} on {data}: backtest and protocol differ in NAV: {outcome.Summary}");
        return outcome;
    }
}
