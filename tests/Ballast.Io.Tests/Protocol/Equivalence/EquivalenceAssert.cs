namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>What a known divergence is known to break first: the decisions (rebalance rows, reasons, targets), the NAV path, or both.</summary>
[Flags]
internal enum Parts
{
    Decisions = 1,
    Nav = 2,
    Both = Decisions | Nav,
}

/// <summary>
/// How a family of equivalence cases is asserted. A kind either agrees, or is listed in its family's
/// <c>KnownDivergences</c> with the parts it is known to diverge in. Both directions fail loudly: a listed kind that
/// now agrees in a listed part (take it off the list: the divergence is gone), a listed or unlisted kind diverging in
/// a part not listed for it.
/// </summary>
internal static class EquivalenceAssert
{
    public static EquivalenceOutcome Check(string kind, string spec, EquivalenceData data, IReadOnlyDictionary<string, Parts> knownDivergences, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var outcome = EquivalenceHarness.Run(spec, data, cancellationToken);
        output.WriteLine($"{kind} on {data}: {outcome.Summary}");
        var known = knownDivergences.TryGetValue(kind, out var parts) ? parts : 0;
        Assert.True(outcome.Backtest.Count > 0, $"{kind} on {data}: the backtest never rebalanced, so the case proves nothing; choose a trigger that fires");
        Check(kind, data, "decisions", outcome.Decisions, known.HasFlag(Parts.Decisions), outcome);
        Check(kind, data, "NAV", outcome.Nav, known.HasFlag(Parts.Nav), outcome);
        return outcome;
    }

    private static void Check(string kind, EquivalenceData data, string part, Divergence? divergence, bool known, EquivalenceOutcome outcome)
    {
        if (known)
        {
            Assert.True(divergence is not null, $"{kind} is listed as a known divergence in its {part}, but backtest and protocol now agree there on {data}: take it off the family's KnownDivergences ({outcome.Summary})");
        }
        else
        {
            Assert.True(divergence is null, $"{kind} on {data}: backtest and protocol differ in their {part}: {outcome.Summary}");
        }
    }
}
