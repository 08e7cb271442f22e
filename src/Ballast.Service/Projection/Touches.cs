using Ballast.Accounting;
using Ballast.Protocol;

namespace Ballast.Service.Projection;

/// <summary>
/// Which vaults and accounts a command or an event names, mapped explicitly per type (no reflection): the projection
/// re-reads exactly those after the command. A vault id becomes the read model's key in one place, <see cref="Key"/>.
/// </summary>
internal static class Touches
{
    /// <summary>The read model's key for a vault id (the one place a vault id is turned into text).</summary>
    public static string Key(VaultId vault) => vault.Value;

    /// <summary>The vault a command acts on, or null (asset and governance commands).</summary>
    public static string? VaultOf(ProtocolCommand command) => command switch
    {
        CreateSimpleVault c => Key(c.Vault),
        CreateComposedVault c => Key(c.Vault),
        DepositCommand c => Key(c.Vault),
        MintCommand c => Key(c.Vault),
        RedeemCommand c => Key(c.Vault),
        WithdrawCommand c => Key(c.Vault),
        RequestWithdrawalCommand c => Key(c.Vault),
        SettleWithdrawalCommand c => Key(c.Vault),
        CancelWithdrawalCommand c => Key(c.Vault),
        ReportNavCommand c => Key(c.Vault),
        PauseCommand c => Key(c.Vault),
        UnpauseCommand c => Key(c.Vault),
        SetPolicyCommand c => Key(c.Vault),
        RebalanceCommand c => Key(c.Vault),
        RequestDepositCommand c => Key(c.Vault),
        RequestRedeemCommand c => Key(c.Vault),
        CancelRequestCommand c => Key(c.Vault),
        FillRequestCommand c => Key(c.Vault),
        _ => null,
    };

    /// <summary>The accounts a command names besides its actor (recipients).</summary>
    public static AccountId? RecipientOf(ProtocolCommand command) => command switch
    {
        IssueAsset c => c.To,
        TransferAsset c => c.To,
        MintBank c => c.To,
        TransferBank c => c.To,
        _ => null,
    };

    /// <summary>Adds the vaults and accounts <paramref name="e"/> names (a command's event, not the command itself).</summary>
    public static void Add(ProtocolEvent e, ISet<string> vaults, ISet<AccountId> accounts)
    {
        switch (e)
        {
            case AssetCreated x:
                accounts.Add(x.Issuer);
                break;
            case AssetIssued x:
                accounts.Add(x.To);
                break;
            case AssetTransferred x:
                accounts.Add(x.From);
                accounts.Add(x.To);
                break;
            case SimpleVaultCreated x:
                vaults.Add(Key(x.Vault));
                break;
            case ComposedVaultCreated x:
                vaults.Add(Key(x.Vault));
                break;
            case SimpleVaultOperation x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Account);
                break;
            case PolicyAttached x:
                vaults.Add(Key(x.Vault));
                break;
            case ComposedDeposited x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Investor);
                AddChildren(x.Children, vaults);
                break;
            case ComposedRedeemed x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Investor);
                AddChildren(x.Children, vaults);
                break;
            case Rebalanced x:
                vaults.Add(Key(x.Vault));
                AddChildren(x.Trades, vaults);
                break;
            case PolicyObserved x:
                vaults.Add(Key(x.Vault));
                break;
            case ComposedPaused x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Operator);
                break;
            case ComposedUnpaused x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Operator);
                break;
            case RailsChanged x:
                vaults.Add(Key(x.Vault));
                break;
            case FlowRequested x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Owner);
                break;
            case FlowRequestReturned x:
                vaults.Add(Key(x.Vault));
                accounts.Add(x.Owner);
                break;
            case GovernanceInitialized x:
                accounts.Add(x.Minter);
                break;
        }
    }

    private static void AddChildren(IEnumerable<ChildFlow> flows, ISet<string> vaults)
    {
        foreach (var flow in flows)
        {
            vaults.Add(Key(flow.Child));
        }
    }
}
