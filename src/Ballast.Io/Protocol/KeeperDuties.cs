using Ballast.Protocol;

namespace Ballast.Io.Protocol;

/// <summary>
/// What a keeper owes a composed vault at a moment, read from the protocol state: the forward-priced requests due
/// for filling, the vault's own withdrawal requests in its children that are due for settling, and whether asking it
/// to rebalance can do anything. Shared by <see cref="SimRunner"/> (the batch simulation) and the service's keeper,
/// so both act by the same rules; each caller names its commands its own way.
/// </summary>
public static class KeeperDuties
{
    /// <summary>How many of <paramref name="composedId"/>'s forward-priced requests are due (one <see cref="FillRequestCommand"/> each, oldest first).</summary>
    public static int DueFills(ProtocolState state, string composedId)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ForwardPricing.DueCount(state, composedId);
    }

    /// <summary>
    /// The composed vault's withdrawal requests in its children that may be settled at <paramref name="now"/>, child by
    /// child in the vault's child order, each child's in request order (one <see cref="SettleWithdrawalCommand"/> each).
    /// </summary>
    public static IReadOnlyList<(string Child, long RequestId)> DueSettlements(ProtocolState state, string composedId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var cv = state.ComposedVaults[composedId];
        var due = new List<(string, long)>();
        foreach (var child in cv.Spec.Children)
        {
            if (state.SimpleVaults.TryGetValue(child, out var simple))
            {
                due.AddRange(simple.Vault.PendingWithdrawals(cv.Account).Where(r => r.NotBefore <= now).Select(r => (child, r.Id)));
            }
        }

        return due;
    }

    /// <summary>Whether a rebalance call on <paramref name="composedId"/> could fire: it follows a policy and is not paused (the policy and rails then decide).</summary>
    public static bool MayRebalance(ProtocolState state, string composedId)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.ComposedVaults.TryGetValue(composedId, out var cv) && cv.PolicyHash is not null && !cv.Paused;
    }
}
