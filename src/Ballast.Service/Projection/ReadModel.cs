using System.Collections.Immutable;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Projection;

/// <summary>
/// Everything the read endpoints serve, as of one journal head: an immutable value, replaced whole by the
/// <see cref="Projector"/> after each batch it applies, so a read never waits for the writer and never sees half a
/// command. Amounts are strings of decimal digits in base units (they do not fit a JSON number safely).
/// </summary>
public sealed record ReadModel
{
    /// <summary>The read model of an empty journal.</summary>
    public static ReadModel Empty { get; } = new();

    /// <summary>The last journal event included.</summary>
    public JournalHead Head { get; init; }

    /// <summary>The time of that event.</summary>
    public DateTimeOffset? HeadTime { get; init; }

    /// <summary>Every vault now, by id.</summary>
    public ImmutableSortedDictionary<string, VaultView> Vaults { get; init; } = ImmutableSortedDictionary.Create<string, VaultView>(StringComparer.Ordinal);

    /// <summary>Each vault's points over time (one per command that changed its NAV, supply or allocation), oldest first.</summary>
    public ImmutableDictionary<string, ImmutableList<VaultPoint>> Series { get; init; } = ImmutableDictionary.Create<string, ImmutableList<VaultPoint>>(StringComparer.Ordinal);

    /// <summary>Each composed vault's buy-and-hold twin beside it, from its first allocation on, oldest first.</summary>
    public ImmutableDictionary<string, ImmutableList<TwinPoint>> Twins { get; init; } = ImmutableDictionary.Create<string, ImmutableList<TwinPoint>>(StringComparer.Ordinal);

    /// <summary>Governance (proposals, gauges, locks) as of <see cref="HeadTime"/>; null until governance is initialised.</summary>
    public GovernanceView? Governance { get; init; }

    /// <summary>Each composed vault's rebalances, oldest first.</summary>
    public ImmutableDictionary<string, ImmutableList<RebalanceView>> Rebalances { get; init; } = ImmutableDictionary.Create<string, ImmutableList<RebalanceView>>(StringComparer.Ordinal);

    /// <summary>Every stored policy text by hash.</summary>
    public ImmutableDictionary<string, PolicyView> Policies { get; init; } = ImmutableDictionary.Create<string, PolicyView>(StringComparer.Ordinal);

    /// <summary>Every account the journal has touched, by id.</summary>
    public ImmutableDictionary<string, AccountView> Accounts { get; init; } = ImmutableDictionary.Create<string, AccountView>(StringComparer.Ordinal);

    /// <summary>The most recent journal events (a bounded window), for streams that follow the head without reading the store.</summary>
    public ImmutableList<JournalEvent> Recent { get; init; } = [];
}

/// <summary>A vault now; <see cref="Price"/> (not serialised) values its shares exactly as its ledger does.</summary>
public sealed record VaultView(
    string Id,
    string Kind,
    string Asset,
    int AssetDecimals,
    int ShareDecimals,
    string Operator,
    string? Reporter,
    string Nav,
    string TotalSupply,
    string SharePrice,
    bool Paused,
    bool ReportHeld,
    string? PolicyHash,
    ImmutableArray<int>? TargetsPpm,
    ImmutableArray<AllocationView> Allocation,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastReportAt,
    DateTimeOffset? LastRebalanceAt,
    DateTimeOffset? LastKeeperCallAt,
    int Rebalances,
    [property: System.Text.Json.Serialization.JsonIgnore] Ballast.Accounting.SharePrice Price)
{
    /// <summary>A composed vault's rebalance rails as canonical JSON text (null for a simple vault).</summary>
    public string? Rails { get; init; }

    /// <summary>How investor flows are priced: <c>forward</c> (deposits and redemptions are requests, filled by the keeper at the next NAV) or <c>immediate</c>.</summary>
    public string Pricing { get; init; } = "immediate";
}

/// <summary>A composed vault's holding of one child: its value in base units and its share of NAV in parts per million (floored).</summary>
public sealed record AllocationView(string Child, string Assets, int Ppm);

/// <summary>A vault after one command: NAV, supply, share price (asset units per whole share, floored) and, for a composed vault, the allocation in ppm in child order.</summary>
public sealed record VaultPoint(long Sequence, DateTimeOffset Time, string Nav, string TotalSupply, string SharePrice, ImmutableArray<int>? AllocationPpm);

/// <summary>
/// A composed vault beside its buy-and-hold twin after one command: NAV and share price, and the twin's (the first
/// allocation's child shares and cash held without rebalancing; its NAV scaled to the vault's supply now, so flows
/// move both alike).
/// </summary>
public sealed record TwinPoint(long Sequence, DateTimeOffset Time, string Nav, string TwinNav, string SharePrice, string TwinSharePrice);

/// <summary>A rebalance as journaled: why, the digest of the inputs the policy saw, the policy's hash, targets, costs and NAV around it.</summary>
public sealed record RebalanceView(
    long Sequence,
    DateTimeOffset Time,
    string CommandId,
    string Policy,
    string Trigger,
    string Reason,
    string InputsDigest,
    int Row,
    ImmutableArray<int> TargetsPpm,
    string FlowFees,
    string FixedCosts,
    string NavBefore,
    string NavAfter);

/// <summary>A policy text stored under its hash.</summary>
public sealed record PolicyView(string Hash, string Name, string Text, long Sequence);

/// <summary>An account now: wallet balances, escrow, vault positions, pending requests and withdrawals, and the commands that touched it (latest last, bounded).</summary>
public sealed record AccountView(
    string Account,
    ImmutableSortedDictionary<string, string> Wallets,
    ImmutableSortedDictionary<string, string> Escrowed,
    ImmutableArray<PositionView> Positions,
    ImmutableArray<RequestView> Requests,
    ImmutableArray<WithdrawalView> Withdrawals,
    ImmutableList<HistoryEntry> History);

/// <summary>
/// Shares of one vault: free and locked (escrowed by a pending request), the free shares' value in base units, what
/// the account has put in (deposits) and taken out (redemptions, withdrawals), and its profit and loss
/// (value + taken out − put in; signed) valued now.
/// </summary>
public sealed record PositionView(string Vault, string Shares, string LockedShares, string Value)
{
    /// <summary>Assets the account has deposited into the vault, in base units.</summary>
    public string Invested { get; init; } = "0";

    /// <summary>Assets the account has redeemed or withdrawn from the vault, in base units.</summary>
    public string Returned { get; init; } = "0";

    /// <summary>Value + returned − invested, in base units (may be negative); set when valued at read time.</summary>
    public string? ProfitAndLoss { get; init; }
}

/// <summary>A pending forward-priced request.</summary>
public sealed record RequestView(long Id, string Vault, string Kind, string Amount, DateTimeOffset At);

/// <summary>A pending delayed withdrawal from a simple vault.</summary>
public sealed record WithdrawalView(string Vault, long Id, string Shares, DateTimeOffset NotBefore);

/// <summary>A command that touched an account: where it is in the journal, its id, kind and sender.</summary>
public sealed record HistoryEntry(long Sequence, DateTimeOffset Time, string CommandId, string Command, string Actor);
