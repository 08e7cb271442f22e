using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// One sharded keeper round, planned on a state at <see cref="Head"/>: the single-process keeper's round
/// (<see cref="KeeperService.Round"/>: its commands, order and ids), and the vaults whose rebalance call goes out only
/// if their vault grain finds that it would change the journal (<see cref="Ask"/>). A vault with a fill or a
/// settlement due in the round is not asked: its call is decided after those commands, on holdings the round's
/// start does not show, so it always goes out and the sequencer decides.
/// </summary>
/// <param name="Head">The journal head the round was planned at (its command ids carry it).</param>
/// <param name="Now">The round's time.</param>
/// <param name="Round">The single-process keeper's round at <paramref name="Head"/>.</param>
/// <param name="Ask">The vaults whose rebalance call waits for their grain's answer, in the round's order.</param>
public sealed record KeeperRoundPlan(JournalHead Head, DateTimeOffset Now, IReadOnlyList<ProtocolCommand> Round, IReadOnlyList<VaultId> Ask)
{
    /// <summary>Plans the round on <paramref name="state"/> at <paramref name="head"/> and <paramref name="now"/>.</summary>
    public static KeeperRoundPlan Of(ProtocolState state, JournalHead head, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var round = KeeperService.Round(state, head, now);
        var ask = new List<VaultId>();
        foreach (var call in round.OfType<RebalanceCommand>())
        {
            if (ForwardPricing.DueCount(state, call.Vault) == 0 && KeeperDuties.DueSettlements(state, call.Vault, now).Count == 0)
            {
                ask.Add(call.Vault);
            }
        }

        return new KeeperRoundPlan(head, now, round, ask);
    }

    /// <summary>
    /// The commands to submit, in the round's order: every duty, every rebalance call not asked, and the asked calls
    /// of the vaults in <paramref name="wouldChange"/>.
    /// </summary>
    public IReadOnlyList<ProtocolCommand> Submit(IReadOnlySet<VaultId> wouldChange)
    {
        ArgumentNullException.ThrowIfNull(wouldChange);
        var asked = Ask.ToHashSet();
        return [.. Round.Where(c => c is not RebalanceCommand call || !asked.Contains(call.Vault) || wouldChange.Contains(call.Vault))];
    }
}
