using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>A simple vault: its accounting, rules, and the share prices of its applied NAV reports (the NAV history composed vaults read).</summary>
public sealed class SimpleVaultState(VaultId id, SimpleVaultSpec spec, Vault vault)
{
    /// <summary>The vault's unique id.</summary>
    public VaultId Id { get; } = id;

    /// <summary>The rules it was created with.</summary>
    public SimpleVaultSpec Spec { get; } = spec;

    /// <summary>Its accounting: share ledger, NAV, fees, pending report and withdrawal requests.</summary>
    public Vault Vault { get; } = vault;

    /// <summary>Share price after each applied NAV report, in order (the last report of a day wins when read by day).</summary>
    public IReadOnlyList<(DateTimeOffset At, SharePrice Price)> History => HistoryMutable;

    /// <summary>The engine's write access to <see cref="History"/>.</summary>
    internal List<(DateTimeOffset At, SharePrice Price)> HistoryMutable { get; } = [];
}

/// <summary>A composed vault: its own share ledger (total assets kept equal to its NAV), policy, targets in force and rail state.</summary>
public sealed class ComposedVaultState(VaultId id, ComposedVaultSpec spec)
{
    /// <summary>The vault's unique id.</summary>
    public VaultId Id { get; } = id;

    /// <summary>The vault's rules; its rails change only by a governance action (<see cref="RailsChanged"/>).</summary>
    public ComposedVaultSpec Spec { get; internal set; } = spec;

    /// <summary>The account that holds the children's shares and the idle cash.</summary>
    public AccountId Account { get; } = id.Account;

    /// <summary>The composed vault's own shares (offset by <see cref="ComposedVaultSpec.DecimalsOffset"/>); its total assets are kept equal to the NAV of its holdings.</summary>
    public ShareLedger Ledger { get; } = new(spec.DecimalsOffset);

    /// <summary>True while the operator has paused the vault: deposits, redemptions and rebalances are refused.</summary>
    public bool Paused { get; internal set; }

    /// <summary>The hash of the attached policy (a key of <see cref="ProtocolState.Policies"/>); null before one is attached.</summary>
    public PolicyHash? PolicyHash { get; internal set; }

    /// <summary>Targets in force, in parts per million in <see cref="ComposedVaultSpec.Children"/> order (null before a policy).</summary>
    public int[]? TargetsPpm { get; internal set; }

    /// <summary>When the last rebalance happened (the cooldown counts from it); null before the first.</summary>
    public DateTimeOffset? LastRebalanceAt { get; internal set; }

    /// <summary>
    /// What the attached policy carries from row to row (its volatility regime), as the keeper last advanced it
    /// (<see cref="PolicyObserved"/>); null before the first observation or for a policy that carries nothing.
    /// </summary>
    public Policies.PolicyState? PolicyState { get; internal set; }

    /// <summary>The date of the last NAV row <see cref="PolicyState"/> has observed (null before the first).</summary>
    public DateOnly? PolicyObservedThrough { get; internal set; }

    /// <summary>Cost budget available at <see cref="CostBudgetAt"/> (rails with a budget only).</summary>
    public UInt128 CostBudget { get; internal set; }

    /// <summary>When <see cref="CostBudget"/> was last computed; the budget refills from this time at <see cref="RebalanceRails.CostBudgetPerDay"/>.</summary>
    public DateTimeOffset CostBudgetAt { get; internal set; }
}

/// <summary>The whole protocol state, rebuilt by applying journaled events in order.</summary>
public sealed class ProtocolState
{
    /// <summary>Every created asset by symbol, with the account allowed to issue it.</summary>
    public IReadOnlyDictionary<AssetSymbol, (Asset Asset, AccountId Issuer)> Assets => AssetsMutable;

    /// <summary>The engine's write access to <see cref="Assets"/> (its Apply only).</summary>
    internal Dictionary<AssetSymbol, (Asset Asset, AccountId Issuer)> AssetsMutable { get; } = [];

    /// <summary>Wallet balances in base units, by asset symbol and account; a missing key is a zero balance.</summary>
    public IReadOnlyDictionary<(AssetSymbol Symbol, AccountId Account), UInt128> Wallets => WalletsMutable;

    /// <summary>The engine's write access to <see cref="Wallets"/> (its Apply only).</summary>
    internal Dictionary<(AssetSymbol Symbol, AccountId Account), UInt128> WalletsMutable { get; } = [];

    /// <summary>Base units of each asset its issuer has issued in total (at most <see cref="UInt128.MaxValue"/>).</summary>
    public IReadOnlyDictionary<AssetSymbol, UInt128> Issued => IssuedMutable;

    /// <summary>The engine's write access to <see cref="Issued"/> (its Apply only).</summary>
    internal Dictionary<AssetSymbol, UInt128> IssuedMutable { get; } = [];

    /// <summary>The simple vaults by id.</summary>
    public IReadOnlyDictionary<VaultId, SimpleVaultState> SimpleVaults => SimpleVaultsMutable;

    /// <summary>The engine's write access to <see cref="SimpleVaults"/> (its Apply only).</summary>
    internal Dictionary<VaultId, SimpleVaultState> SimpleVaultsMutable { get; } = [];

    /// <summary>The composed vaults by id.</summary>
    public IReadOnlyDictionary<VaultId, ComposedVaultState> ComposedVaults => ComposedVaultsMutable;

    /// <summary>The engine's write access to <see cref="ComposedVaults"/> (its Apply only).</summary>
    internal Dictionary<VaultId, ComposedVaultState> ComposedVaultsMutable { get; } = [];

    /// <summary>Every stored policy text by its hash (the SHA-256 of its canonical JSON).</summary>
    public IReadOnlyDictionary<PolicyHash, PolicyStored> Policies => PoliciesMutable;

    /// <summary>The engine's write access to <see cref="Policies"/> (its Apply only).</summary>
    internal Dictionary<PolicyHash, PolicyStored> PoliciesMutable { get; } = [];

    /// <summary>Pending deposit and redemption requests of forward-priced vaults.</summary>
    public FlowRequestBook Requests { get; } = new();

    /// <summary>BANK, veBANK, proposals and gauges, once governance is initialised.</summary>
    public GovernanceState? Governance { get; internal set; }

    /// <summary>Time of the last applied event.</summary>
    public DateTimeOffset? LastEventAt { get; internal set; }

    /// <summary>How many journaled events have been applied to build this state.</summary>
    public long EventCount { get; internal set; }

    /// <summary>The wallet balance of an account in an asset, in base units (zero when it never held any).</summary>
    /// <param name="symbol">The asset's symbol.</param>
    /// <param name="account">The account.</param>
    /// <returns>The free balance; escrowed amounts (<see cref="Escrowed"/>) are not included.</returns>
    public UInt128 Balance(AssetSymbol symbol, AccountId account) => Wallets.GetValueOrDefault((symbol, account));

    /// <summary>
    /// Base units of <paramref name="symbol"/> that <paramref name="account"/>'s pending deposit requests hold in
    /// escrow. They return to the wallet when a request is cancelled or refused, so a wallet's balance plus its
    /// escrow stays within <see cref="UInt128.MaxValue"/>.
    /// </summary>
    public UInt128 Escrowed(AssetSymbol symbol, AccountId account) => EscrowedMutable.GetValueOrDefault((symbol, account));

    /// <summary>
    /// The children's NAV tables keepers read, by column order (<see cref="LiveNavTable"/>): derived from the
    /// simple vaults' NAV histories alone and brought up to date when read, so they are no part of what is journaled
    /// or compared; a replayed state rebuilds the same tables.
    /// </summary>
    internal Dictionary<string, LiveNavTable> NavTables { get; } = new(StringComparer.Ordinal);

    /// <summary>The engine's write access to <see cref="Escrowed"/> (forward pricing's Apply only).</summary>
    internal Dictionary<(AssetSymbol Symbol, AccountId Account), UInt128> EscrowedMutable { get; } = [];

    internal void Credit(AssetSymbol symbol, AccountId account, UInt128 amount)
    {
        if (amount == 0)
        {
            return;
        }

        WalletsMutable[(symbol, account)] = checked(Balance(symbol, account) + amount);
    }

    internal void Debit(AssetSymbol symbol, AccountId account, UInt128 amount)
    {
        if (amount == 0)
        {
            return;
        }

        var have = Balance(symbol, account);
        if (have < amount)
        {
            throw new AccountingInvariantException($"wallet {account} holds {have} {symbol}, cannot debit {amount}");
        }

        WalletsMutable[(symbol, account)] = have - amount;
    }
}
