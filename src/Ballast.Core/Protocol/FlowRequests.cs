using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>How a vault prices investor deposits and redemptions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PricingMode>))]
public enum PricingMode
{
    /// <summary>
    /// The default: deposits and redemptions are requests, filled at the next NAV that includes a report of every
    /// child made after the request (forward pricing, as SEC rule 22c-1 requires of mutual funds).
    /// </summary>
    [JsonStringEnumMemberName("forward")]
    Forward,

    /// <summary>
    /// Opt-in: deposits and redemptions execute at once at the last reported NAV. Whoever knows a report's move
    /// before it lands can enter or leave at the stale price and take value from the other holders.
    /// </summary>
    [JsonStringEnumMemberName("immediate")]
    Immediate,
}

/// <summary>What a flow request asks for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowKind>))]
public enum FlowKind
{
    /// <summary>Deposit assets (escrowed from the owner's wallet until the fill).</summary>
    [JsonStringEnumMemberName("deposit")]
    Deposit,

    /// <summary>Redeem shares (locked out of the owner's free balance until the fill).</summary>
    [JsonStringEnumMemberName("redeem")]
    Redeem,
}

/// <summary>
/// A pending deposit or redemption of a forward-priced vault. <see cref="Amount"/> is assets (escrowed) for a
/// deposit and shares (locked) for a redemption. <see cref="ReportsSeen"/> counts the applied NAV reports of each
/// priced vault (the vault itself when simple, every child in order when composed) when the request was made: the
/// request is due once each count has grown.
/// </summary>
/// <param name="Id">The request's number, unique across the protocol.</param>
/// <param name="Vault">The forward-priced vault (simple or composed).</param>
/// <param name="Kind">Deposit or redemption.</param>
/// <param name="Owner">The account whose assets are escrowed or whose shares are locked, and who is paid at the fill.</param>
/// <param name="Amount">Assets (a deposit) or shares (a redemption), in base units.</param>
/// <param name="ReportsSeen">Applied NAV report counts of each priced vault when the request was made.</param>
/// <param name="At">When the request was made.</param>
public sealed record FlowRequest(long Id, VaultId Vault, FlowKind Kind, AccountId Owner, UInt128 Amount, ImmutableArray<int> ReportsSeen, DateTimeOffset At);

/// <summary>The pending flow requests of every vault, in arrival order (ids are global and increasing).</summary>
public sealed class FlowRequestBook
{
    private readonly SortedDictionary<long, FlowRequest> _pending = [];

    // The same requests by vault, so a vault's requests are read without scanning every vault's.
    private readonly Dictionary<VaultId, SortedDictionary<long, FlowRequest>> _byVault = [];

    /// <summary>The id the next request gets.</summary>
    public long NextId { get; private set; } = 1;

    /// <summary>How many requests are pending across all vaults.</summary>
    public int Count => _pending.Count;

    /// <summary>All pending requests, oldest first.</summary>
    public IEnumerable<FlowRequest> Pending => _pending.Values;

    /// <summary>The pending request with this id, if any.</summary>
    public FlowRequest? Find(long id) => _pending.GetValueOrDefault(id);

    /// <summary>The pending requests of <paramref name="vault"/>, oldest first.</summary>
    public IEnumerable<FlowRequest> PendingIn(VaultId vault) => _byVault.TryGetValue(vault, out var requests) ? requests.Values : [];

    /// <summary>Assets escrowed by pending deposit requests of <paramref name="vault"/>.</summary>
    public UInt128 Escrowed(VaultId vault)
    {
        var total = UInt128.Zero;
        foreach (var r in PendingIn(vault))
        {
            if (r.Kind == FlowKind.Deposit)
            {
                total += r.Amount;
            }
        }

        return total;
    }

    /// <summary>Shares of <paramref name="owner"/> locked by pending redemption requests of <paramref name="vault"/>.</summary>
    public UInt128 Locked(VaultId vault, AccountId owner)
    {
        var total = UInt128.Zero;
        foreach (var r in PendingIn(vault))
        {
            if (r.Kind == FlowKind.Redeem && r.Owner == owner)
            {
                total += r.Amount;
            }
        }

        return total;
    }

    internal void Add(FlowRequest request)
    {
        if (request.Id != NextId)
        {
            throw new AccountingInvariantException($"flow request id {request.Id} is not the next id {NextId}");
        }

        _pending.Add(request.Id, request);
        if (!_byVault.TryGetValue(request.Vault, out var requests))
        {
            _byVault.Add(request.Vault, requests = []);
        }

        requests.Add(request.Id, request);
        NextId = request.Id + 1;
    }

    internal FlowRequest Take(long id, VaultId vault)
    {
        if (_pending.Remove(id, out var request))
        {
            _byVault[request.Vault].Remove(id);
        }

        if (request is null || request.Vault != vault)
        {
            throw new AccountingInvariantException($"flow request {id} of '{vault}' is not pending");
        }

        return request;
    }
}

/// <summary>Ask a forward-priced vault (simple or composed) to take <paramref name="Assets"/> from the actor's wallet now and deposit them at the next NAV.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The payer, who receives the shares at the fill.</param>
/// <param name="Vault">The forward-priced vault.</param>
/// <param name="Assets">Assets to escrow now, in base units.</param>
public sealed record RequestDepositCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Assets) : ProtocolCommand(Id, Actor);

/// <summary>Ask a forward-priced vault to lock <paramref name="Shares"/> of the actor now and redeem them at the next NAV.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The shares' owner, paid at the fill.</param>
/// <param name="Vault">The forward-priced vault.</param>
/// <param name="Shares">Free shares to lock now, in share base units.</param>
public sealed record RequestRedeemCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Shares) : ProtocolCommand(Id, Actor);

/// <summary>The owner takes back a request that is not yet due (escrowed assets or locked shares returned exactly).</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The request's owner.</param>
/// <param name="Vault">The vault the request was made to.</param>
/// <param name="RequestId">The request's number.</param>
public sealed record CancelRequestCommand(string Id, AccountId Actor, VaultId Vault, long RequestId) : ProtocolCommand(Id, Actor);

/// <summary>Anyone (the keeper) fills the vault's oldest due request, at the NAV now; "unchanged" when none is due.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">Any account (the keeper).</param>
/// <param name="Vault">The forward-priced vault.</param>
public sealed record FillRequestCommand(string Id, AccountId Actor, VaultId Vault) : ProtocolCommand(Id, Actor);

/// <summary>A flow request accepted: a deposit's assets left the owner's wallet into escrow, or a redemption's shares were locked.</summary>
/// <param name="RequestId">The new request's number.</param>
/// <param name="Vault">The forward-priced vault.</param>
/// <param name="Kind">Deposit or redemption.</param>
/// <param name="Owner">The requesting account.</param>
/// <param name="Amount">Assets escrowed (a deposit) or shares locked (a redemption), in base units.</param>
/// <param name="ReportsSeen">Applied NAV report counts of each priced vault at the request; it is due once each has grown.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record FlowRequested(long RequestId, VaultId Vault, FlowKind Kind, AccountId Owner, UInt128 Amount, ImmutableArray<int> ReportsSeen, DateTimeOffset At) : ProtocolEvent;

/// <summary>
/// A flow request given back whole: escrowed assets to the owner's wallet, or locked shares to the owner's free
/// balance. <paramref name="Reason"/> is <see cref="FlowRejections.CancelledByOwner"/> or the code of the rule
/// that refused the fill.
/// </summary>
/// <param name="RequestId">The request's number.</param>
/// <param name="Vault">The vault it was made to.</param>
/// <param name="Kind">Deposit or redemption.</param>
/// <param name="Owner">The account the assets or shares return to.</param>
/// <param name="Amount">Assets or shares returned, in base units: exactly what was escrowed or locked.</param>
/// <param name="Reason"><see cref="FlowRejections.CancelledByOwner"/>, or the rejection code that refused the fill.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record FlowRequestReturned(long RequestId, VaultId Vault, FlowKind Kind, AccountId Owner, UInt128 Amount, string Reason, DateTimeOffset At) : ProtocolEvent;

/// <summary>Rejection codes and reasons of forward pricing.</summary>
public static class FlowRejections
{
    /// <summary>An immediate deposit, mint, redemption or withdrawal on a forward-priced vault.</summary>
    public const string ForwardPricing = "forward-pricing";

    /// <summary>A flow request on a vault whose operator opted into immediate pricing.</summary>
    public const string ImmediatePricing = "immediate-pricing";

    /// <summary>A NAV report (or an unpause accepting one) while a request it would reprice is due and unfilled.</summary>
    public const string RequestsDue = "requests-due";

    /// <summary>A cancellation of a request whose price is already fixed (it is due).</summary>
    public const string RequestDue = "request-due";

    /// <summary>A withdrawal request settled before a NAV report made after it.</summary>
    public const string AwaitingReport = "awaiting-report";

    /// <summary>No pending request with this id in this vault.</summary>
    public const string UnknownRequest = "unknown-flow-request";

    /// <summary>The reason of a request returned by its owner.</summary>
    public const string CancelledByOwner = "cancelled";
}
