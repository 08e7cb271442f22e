using Ballast.Protocol;

namespace Ballast.Io.Protocol;

/// <summary>
/// What a keeper owes a composed vault at a moment besides its fills (<see cref="ForwardPricing.DueCount"/>): the
/// vault's own withdrawal requests in its children that are due for settling. Shared by <see cref="SimRunner"/> (the
/// batch simulation) and the service's keeper, so both act by the same rules; each caller names its commands its own way.
/// </summary>
public static class KeeperDuties
{
    /// <summary>
    /// The composed vault's withdrawal requests in its children that may be settled at <paramref name="now"/>, child by
    /// child in the vault's child order, each child's in request order (one <see cref="SettleWithdrawalCommand"/> each).
    /// </summary>
    public static IReadOnlyList<(VaultId Child, long RequestId)> DueSettlements(ProtocolState state, VaultId composedId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var cv = state.ComposedVaults[composedId];
        var due = new List<(VaultId, long)>();
        foreach (var child in cv.Spec.Children)
        {
            if (state.SimpleVaults.TryGetValue(child, out var simple))
            {
                due.AddRange(simple.Vault.PendingWithdrawals(cv.Account).Where(r => r.NotBefore <= now).Select(r => (child, r.Id)));
            }
        }

        return due;
    }
}
