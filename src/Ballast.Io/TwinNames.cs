using Ballast.Policies;

namespace Ballast.Io;

/// <summary>
/// Names of the buy-and-hold twins a backtest adds. One twin is <c>buy-and-hold</c> (<c>buy-and-hold (baseline)</c>
/// when a policy already has that name). Several are named by the sweep parameters that are constant within each
/// twin's policies (those that choose the twin: <c>buy-and-hold cost=10</c>), else by the first policy that uses each
/// (<c>buy-and-hold (monthly)</c>).
/// </summary>
internal static class TwinNames
{
    /// <param name="spec">The spec.</param>
    /// <param name="twinOf">For each policy of the spec, its twin's run index.</param>
    /// <param name="firstUsers">For each added twin, in order, the first policy whose twin it is.</param>
    /// <param name="taken">Names already in use (the spec's policies).</param>
    public static string[] For(PolicySet spec, int[] twinOf, int[] firstUsers, IReadOnlySet<string> taken)
    {
        var names = new string[firstUsers.Length];
        if (names.Length == 1)
        {
            names[0] = taken.Contains(BacktestJob.BuyAndHoldName) ? BacktestJob.BuyAndHoldName + " (baseline)" : BacktestJob.BuyAndHoldName;
            return names;
        }

        var describing = DescribingParameters(spec, twinOf);
        for (var k = 0; k < names.Length; k++)
        {
            var first = firstUsers[k];
            if (describing.Count > 0)
            {
                var values = spec.Sweep!.ValuesOf(first);
                names[k] = BacktestJob.BuyAndHoldName + " " + string.Join(',', describing.Select(p => $"{spec.Sweep.Parameters[p].Name}={values[p].Label}"));
            }
            else
            {
                names[k] = $"{BacktestJob.BuyAndHoldName} ({spec.Policies[first].Name})";
            }
        }

        return names;
    }

    /// <summary>The sweep parameters whose value is the same for all policies sharing a twin (so they describe the twin).</summary>
    private static List<int> DescribingParameters(PolicySet spec, int[] twinOf)
    {
        var describing = new List<int>();
        if (spec.Sweep is not { } sweep || sweep.Entries != 1)
        {
            return describing;
        }

        var indices = new int[twinOf.Length][];
        for (var i = 0; i < twinOf.Length; i++)
        {
            indices[i] = sweep.ValueIndices(i);
        }

        for (var p = 0; p < sweep.Parameters.Length; p++)
        {
            var valueOfTwin = new Dictionary<int, int>();
            var constant = true;
            for (var i = 0; i < twinOf.Length && constant; i++)
            {
                if (valueOfTwin.TryGetValue(twinOf[i], out var value))
                {
                    constant = value == indices[i][p];
                }
                else
                {
                    valueOfTwin[twinOf[i]] = indices[i][p];
                }
            }

            if (constant)
            {
                describing.Add(p);
            }
        }

        return describing;
    }
}
