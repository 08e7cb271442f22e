using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// The simple-vault aggregate: creating one, and every command on it (the accounting layer's <see cref="Vault"/>
/// decides; wallets are checked here); applying its operations moves the wallets they name.
/// </summary>
internal static class SimpleVaultDecisions
{
    /// <summary>Decides <see cref="CreateSimpleVault"/>.</summary>
    internal static CommandOutcome DecideCreate(ProtocolState state, CreateSimpleVault c, DateTimeOffset now)
    {
        if (VaultIdProblem(state, c.Vault, composed: false) is { } problem)
        {
            return problem;
        }

        if (!state.Assets.TryGetValue(c.Spec.Asset, out var asset))
        {
            return AssetDecisions.UnknownAsset(c.Spec.Asset);
        }

        try
        {
            c.Spec.ToConfig(asset.Asset).Validate();
        }
        catch (ArgumentException e)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidVaultConfig, e.Message);
        }

        return CommandOutcome.Of(new SimpleVaultCreated(c.Vault, c.Spec, now));
    }

    /// <summary>
    /// Simple vault ids are any <see cref="VaultId"/> (printable text up to 64 characters, a data column's name, e.g.
    /// "Long/Short Equity"); a composed vault's id also names its account (<c>vault:ID</c>), so it is letters, digits
    /// and - _ . : only (<see cref="VaultId.CanNameAccount"/>). A missing id (a default <see cref="VaultId"/>, e.g. a
    /// JSON body without one) is refused as invalid.
    /// </summary>
    internal static CommandOutcome? VaultIdProblem(ProtocolState state, VaultId vault, bool composed)
    {
        if (vault.Value is null || (composed && !vault.CanNameAccount))
        {
            return CommandOutcome.Reject(VaultRejections.InvalidVaultId, composed ? VaultId.ComposedProblem(vault.Value) : VaultId.Problem(vault.Value));
        }

        return state.SimpleVaults.ContainsKey(vault) || state.ComposedVaults.ContainsKey(vault)
            ? CommandOutcome.Reject(VaultRejections.VaultExists, $"vault '{vault}' already exists")
            : null;
    }

    /// <summary>Commands on a simple vault: the accounting layer decides; wallets are checked here.</summary>
    internal static CommandOutcome Decide(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
    {
        var vaultId = command switch
        {
            DepositCommand c => c.Vault,
            MintCommand c => c.Vault,
            RedeemCommand c => c.Vault,
            WithdrawCommand c => c.Vault,
            RequestWithdrawalCommand c => c.Vault,
            SettleWithdrawalCommand c => c.Vault,
            CancelWithdrawalCommand c => c.Vault,
            ReportNavCommand c => c.Vault,
            PauseCommand c => c.Vault,
            UnpauseCommand c => c.Vault,
            _ => throw new ArgumentException($"no rule decides {command.GetType().Name}", nameof(command)),
        };
        if (!state.SimpleVaults.TryGetValue(vaultId, out var sv))
        {
            return state.ComposedVaults.ContainsKey(vaultId)
                ? CommandOutcome.Reject(VaultRejections.NotSupported, $"'{vaultId}' is a composed vault; {command.GetType().Name} applies to simple vaults")
                : UnknownVault(vaultId);
        }

        var vault = sv.Vault;
        var actor = command.Actor;
        (VaultOperation? Op, Rejection? Rejection) decision = command switch
        {
            DepositCommand c => From(vault.DecideDeposit(actor, c.Assets, now)),
            MintCommand c => From(vault.DecideMint(actor, c.Shares, now)),
            RedeemCommand c => From(vault.DecideRedeem(actor, c.Shares, now)),
            WithdrawCommand c => From(vault.DecideWithdraw(actor, c.Assets, now)),
            RequestWithdrawalCommand c => From(vault.DecideRequestWithdrawal(actor, c.Shares, c.MaxLossBps, now)),
            SettleWithdrawalCommand c => From(vault.DecideSettleWithdrawal(c.RequestId, now)),
            CancelWithdrawalCommand c => From(vault.DecideCancelWithdrawal(actor, c.RequestId, now)),
            ReportNavCommand c => From(vault.DecideReport(actor, c.TotalAssets, now)),
            PauseCommand => From(vault.DecidePause(actor, now)),
            UnpauseCommand c => From(vault.DecideUnpause(actor, c.AcceptPendingReport, now)),
            _ => throw new ArgumentException($"no rule decides {command.GetType().Name}", nameof(command)),
        };
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        if (decision.Op is Deposited d && state.Balance(sv.Spec.Asset, actor) < d.Assets)
        {
            return CommandOutcome.Reject(ProtocolRejections.InsufficientBalance, $"{actor} holds {ProtocolEngine.Text(state.Balance(sv.Spec.Asset, actor))} {sv.Spec.Asset}; the deposit needs {ProtocolEngine.Text(d.Assets)}");
        }

        return CommandOutcome.Of(new SimpleVaultOperation(vaultId, actor, decision.Op!));
    }

    /// <summary>Applies <see cref="SimpleVaultCreated"/> and <see cref="SimpleVaultOperation"/> (a forward-priced fill included).</summary>
    internal static void Apply(ProtocolState state, ProtocolEvent e)
    {
        switch (e)
        {
            case SimpleVaultCreated s:
                var config = s.Spec.ToConfig(state.Assets[s.Spec.Asset].Asset);
                config.Validate();
                state.SimpleVaultsMutable.Add(s.Vault, new SimpleVaultState(s.Vault, s.Spec, new Vault(config, s.At)));
                break;
            case SimpleVaultOperation { RequestId: { } requestId } op:
                {
                    // A fill: the deposit is paid from escrow, the redemption burns the shares the request locked.
                    var sv = state.SimpleVaults[op.Vault];
                    var amount = op.Operation switch
                    {
                        Deposited d => d.Assets,
                        Withdrawn w => w.Shares,
                        _ => throw new AccountingInvariantException($"a fill of request {requestId} must be a deposit or a redemption"),
                    };
                    ForwardPricing.TakeFilled(state, requestId, op.Vault, op.Account, amount);
                    if (op.Operation is Deposited paid)
                    {
                        sv.Vault.Apply(paid);
                        if (sv.Spec.FlowFeesPaidOut)
                        {
                            state.Credit(sv.Spec.Asset, sv.Spec.FeeRecipient, paid.EntryFee);
                        }
                    }
                    else
                    {
                        sv.Vault.Apply(new SharesReleased(op.Account, amount, op.Operation.At));
                        ApplyOperation(state, sv, op.Account, op.Operation);
                    }

                    break;
                }

            case SimpleVaultOperation op:
                ApplyOperation(state, state.SimpleVaults[op.Vault], op.Account, op.Operation);
                break;
            default:
                throw new ArgumentException($"no simple-vault rule applies {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>Applies one operation of a simple vault for <paramref name="account"/> (an investor, or a composed vault's account) and moves the wallets it names.</summary>
    internal static void ApplyOperation(ProtocolState state, SimpleVaultState sv, AccountId account, VaultOperation op)
    {
        var symbol = sv.Spec.Asset;
        var paidOut = sv.Spec.FlowFeesPaidOut;
        switch (op)
        {
            case Deposited d:
                state.Debit(symbol, account, d.Assets);
                sv.Vault.Apply(d);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, d.EntryFee);
                }

                break;
            case Withdrawn w:
                sv.Vault.Apply(w);
                state.Credit(symbol, account, w.Assets);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, w.ExitFee);
                }

                break;
            case WithdrawalSettled s:
                sv.Vault.Apply(s);
                state.Credit(symbol, s.Owner, s.AssetsPaid);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, s.ExitFee);
                }

                break;
            case AssetsDonated g:
                state.Debit(symbol, account, g.Assets);
                sv.Vault.Apply(g);
                break;
            case NavReportApplied r:
                sv.Vault.Apply(r);
                sv.HistoryMutable.Add((r.At, sv.Vault.Ledger.Price));
                break;
            case VaultUnpaused { AcceptedReport: { } accepted } u:
                sv.Vault.Apply(u);
                sv.HistoryMutable.Add((accepted.At, sv.Vault.Ledger.Price));
                break;
            default:
                sv.Vault.Apply(op);
                break;
        }
    }

    /// <summary>The refusal of a command that names a vault nobody created.</summary>
    internal static CommandOutcome UnknownVault(VaultId vault) => CommandOutcome.Reject(VaultRejections.UnknownVault, $"no vault '{vault}'");

    private static (VaultOperation?, Rejection?) From<T>(Decision<T> decision)
        where T : VaultOperation => (decision.Operation, decision.Rejection);
}

/// <summary>Rejection codes the protocol gives about vaults, simple and composed (the codes are journaled and tested: never change them).</summary>
public static class VaultRejections
{
    /// <summary>No vault has this id.</summary>
    public const string UnknownVault = "unknown-vault";

    /// <summary>A vault with this id exists already.</summary>
    public const string VaultExists = "vault-exists";

    /// <summary>The vault id is not valid for its kind.</summary>
    public const string InvalidVaultId = "invalid-vault-id";

    /// <summary>The vault's configuration does not validate.</summary>
    public const string InvalidVaultConfig = "invalid-vault-config";

    /// <summary>The command applies to the other kind of vault.</summary>
    public const string NotSupported = "not-supported";

    /// <summary>A composed vault needs one or more distinct children.</summary>
    public const string InvalidChildren = "invalid-children";

    /// <summary>A child holds another asset than the composed vault.</summary>
    public const string AssetMismatch = "asset-mismatch";

    /// <summary>The rails are out of range.</summary>
    public const string InvalidRails = "invalid-rails";

    /// <summary>The composed vault has no policy yet.</summary>
    public const string NoPolicy = "no-policy";

    /// <summary>A redemption would need cash that is still in flight from children that settle later.</summary>
    public const string InsufficientLiquidity = "insufficient-liquidity";
}
