using Ballast.Io;
using Ballast.Policies;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// How each run of a backtest comes from its spec (a policy, a policy's buy-and-hold twin, a named baseline), so a silo
/// that binds the same spec text rebuilds the very same policy, and the hash it gets proves it.
/// </summary>
public static class RunRecipes
{
    /// <summary>
    /// The recipe of every run: <paramref name="twins"/> are the runs' twin indices as <c>Backtester.RunAll</c> gets
    /// them (an added twin is its own twin; an added baseline has −1).
    /// </summary>
    public static RunRecipe[] For(PolicySet spec, IReadOnlyList<RebalancePolicy> runs, IReadOnlyList<int> twins)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(twins);
        var count = spec.Policies.Length;
        var firstUser = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            firstUser.TryAdd(twins[i], i);
        }

        var recipes = new RunRecipe[runs.Count];
        for (var k = 0; k < runs.Count; k++)
        {
            var (source, index) = k < count ? (RunSource.Policy, k)
                : twins[k] >= 0 ? (RunSource.Twin, firstUser[k])
                : (RunSource.Baseline, BaselineOf(spec, runs[k]));
            recipes[k] = new RunRecipe { Source = source, Index = index, Name = runs[k].Spec.Name, Hash = runs[k].Hash.ToString() };
        }

        return recipes;
    }

    /// <summary>The policy a recipe names, compiled from <paramref name="spec"/>; its hash must be the recipe's.</summary>
    /// <exception cref="InvalidOperationException">The hash differs: the silo's Ballast reads the spec differently from the client's.</exception>
    public static RebalancePolicy Compile(PolicySet spec, RunRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(recipe);
        var source = recipe.Source switch
        {
            RunSource.Policy => spec.Policies[recipe.Index],
            RunSource.Twin => BacktestJob.BuyAndHold(spec.Policies[recipe.Index]),
            _ => spec.Baselines[recipe.Index],
        };
        var policy = new RebalancePolicy(source.Name == recipe.Name ? source : source with { Name = recipe.Name });
        if (!string.Equals(policy.Hash.ToString(), recipe.Hash, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"policy '{recipe.Name}' compiles to {policy.Hash.Abbreviated} on this silo but to {recipe.Hash[..PolicyHash.AbbreviatedLength]} on the client: different Ballast versions?");
        }

        return policy;
    }

    private static int BaselineOf(PolicySet spec, RebalancePolicy run)
    {
        for (var b = 0; b < spec.Baselines.Length; b++)
        {
            if (new RebalancePolicy(spec.Baselines[b] with { Name = run.Spec.Name }).Hash.Equals(run.Hash) && spec.Baselines[b].Capital == run.Spec.Capital)
            {
                return b;
            }
        }

        throw new InvalidOperationException($"run '{run.Spec.Name}' is neither a policy, a twin nor a baseline of the spec");
    }
}
