using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>Decisions for assets, simple vaults, composed-vault flows and policies.</summary>
public sealed partial class ProtocolEngine
{
    /// <summary>The longest cooldown accepted: ten years.</summary>
    public const long MaxCooldownSeconds = 10L * 365 * 86_400;

    private static bool ValidSymbol(string symbol) => AccountId.IsValid(symbol) && symbol.Length <= 16;

    private static CommandOutcome DecideCreateAsset(ProtocolState state, CreateAsset c)
    {
        if (!ValidSymbol(c.Symbol))
        {
            return CommandOutcome.Reject("invalid-symbol", $"'{c.Symbol}' is not a valid asset symbol (letters, digits, - _ . :, at most 16)");
        }

        if (c.Decimals is < 0 or > Asset.MaxDecimals)
        {
            return CommandOutcome.Reject("invalid-decimals", $"decimals must be 0..{Asset.MaxDecimals}, got {c.Decimals}");
        }

        return state.Assets.ContainsKey(c.Symbol)
            ? CommandOutcome.Reject("asset-exists", $"asset '{c.Symbol}' already exists")
            : CommandOutcome.Of(new AssetCreated(c.Symbol, c.Decimals, c.Actor));
    }

    private static CommandOutcome DecideIssue(ProtocolState state, IssueAsset c)
    {
        if (!state.Assets.TryGetValue(c.Symbol, out var asset))
        {
            return CommandOutcome.Reject("unknown-asset", $"no asset '{c.Symbol}'");
        }

        if (asset.Issuer != c.Actor)
        {
            return CommandOutcome.Reject("not-issuer", $"{c.Actor} is not the issuer of {c.Symbol}");
        }

        if (c.Amount == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the amount must be more than zero");
        }

        // The issued total stays within UInt128, so no wallet or sum of wallets of issued units can overflow.
        var issued = state.Issued.GetValueOrDefault(c.Symbol);
        return c.Amount > UInt128.MaxValue - issued
            ? CommandOutcome.Reject(ProtocolRejections.Supply(c.Symbol, issued, c.Amount))
            : CommandOutcome.Of(new AssetIssued(c.Symbol, c.To, c.Amount));
    }

    private static CommandOutcome DecideTransfer(ProtocolState state, TransferAsset c)
    {
        if (!state.Assets.ContainsKey(c.Symbol))
        {
            return CommandOutcome.Reject("unknown-asset", $"no asset '{c.Symbol}'");
        }

        if (c.Amount == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the amount must be more than zero");
        }

        var have = state.Balance(c.Symbol, c.Actor);
        return have < c.Amount
            ? CommandOutcome.Reject("insufficient-balance", $"{c.Actor} holds {Text(have)} {c.Symbol}, not {Text(c.Amount)}")
            : CommandOutcome.Of(new AssetTransferred(c.Symbol, c.Actor, c.To, c.Amount));
    }

    private static CommandOutcome DecideCreateSimple(ProtocolState state, CreateSimpleVault c, DateTimeOffset now)
    {
        if (VaultIdProblem(state, c.Vault, composed: false) is { } problem)
        {
            return problem;
        }

        if (!state.Assets.TryGetValue(c.Spec.Asset, out var asset))
        {
            return CommandOutcome.Reject("unknown-asset", $"no asset '{c.Spec.Asset}'");
        }

        try
        {
            c.Spec.ToConfig(asset.Asset).Validate();
        }
        catch (ArgumentException e)
        {
            return CommandOutcome.Reject("invalid-vault-config", e.Message);
        }

        return CommandOutcome.Of(new SimpleVaultCreated(c.Vault, c.Spec, now));
    }

    private static CommandOutcome DecideCreateComposed(ProtocolState state, CreateComposedVault c, DateTimeOffset now)
    {
        if (VaultIdProblem(state, c.Vault, composed: true) is { } problem)
        {
            return problem;
        }

        if (!state.Assets.ContainsKey(c.Spec.Asset))
        {
            return CommandOutcome.Reject("unknown-asset", $"no asset '{c.Spec.Asset}'");
        }

        if (c.Spec.Children.IsDefaultOrEmpty || c.Spec.Children.Distinct(StringComparer.Ordinal).Count() != c.Spec.Children.Length)
        {
            return CommandOutcome.Reject("invalid-children", "a composed vault needs one or more distinct child vaults");
        }

        foreach (var child in c.Spec.Children)
        {
            if (!state.SimpleVaults.TryGetValue(child, out var sv))
            {
                return CommandOutcome.Reject("unknown-vault", $"child '{child}' is not a simple vault");
            }

            if (sv.Spec.Asset != c.Spec.Asset)
            {
                return CommandOutcome.Reject("asset-mismatch", $"child '{child}' holds {sv.Spec.Asset}, the composed vault {c.Spec.Asset}");
            }
        }

        if (c.Spec.DecimalsOffset is < 0 or > ShareLedger.MaxDecimalsOffset)
        {
            return CommandOutcome.Reject("invalid-vault-config", $"decimals offset must be 0..{ShareLedger.MaxDecimalsOffset}");
        }

        var rails = c.Spec.Rails;
        if (rails.MaxChildPpm is < 1 or > PartsPerMillion.One || rails.MaxStepPpm is < 1 or > PartsPerMillion.One)
        {
            return CommandOutcome.Reject("invalid-rails", "max_child_ppm and max_step_ppm must be 1..1,000,000");
        }

        if (rails.CooldownSeconds is < 0 or > MaxCooldownSeconds)
        {
            return CommandOutcome.Reject("invalid-rails", $"the cooldown must be 0 to {MaxCooldownSeconds / 86_400} days, got {rails.CooldownSeconds} seconds");
        }

        if (rails.RequestMaxLossBps is < 0 or > BasisPoints.One)
        {
            return CommandOutcome.Reject("invalid-rails", $"request_max_loss_bps must be 0..10,000, got {rails.RequestMaxLossBps}");
        }

        return CommandOutcome.Of(new ComposedVaultCreated(c.Vault, c.Spec, now));
    }

    /// <summary>
    /// Simple vault ids are any printable text up to 64 characters (a data column's name, e.g. "Long/Short Equity");
    /// a composed vault's id also names its account (<c>vault:ID</c>), so it is letters, digits and - _ . : only.
    /// </summary>
    private static CommandOutcome? VaultIdProblem(ProtocolState state, string vault, bool composed)
    {
        var valid = composed
            ? AccountId.IsValid("vault:" + vault) && vault.Length > 0
            : vault.Length is > 0 and <= AccountId.MaxLength && vault.All(c => !char.IsControl(c)) && vault.Trim() == vault;
        if (!valid)
        {
            return CommandOutcome.Reject("invalid-vault-id", composed
                ? $"'{vault}' is not a valid composed vault id (letters, digits, - _ . :; it names the account vault:{vault})"
                : $"'{vault}' is not a valid vault id (1 to {AccountId.MaxLength} printable characters, no leading or trailing space)");
        }

        return state.SimpleVaults.ContainsKey(vault) || state.ComposedVaults.ContainsKey(vault)
            ? CommandOutcome.Reject("vault-exists", $"vault '{vault}' already exists")
            : null;
    }

    /// <summary>Commands on a simple vault: the accounting layer decides; wallets are checked here.</summary>
    private static CommandOutcome DecideSimple(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
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
                ? CommandOutcome.Reject("not-supported", $"'{vaultId}' is a composed vault; {command.GetType().Name} applies to simple vaults")
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
            return CommandOutcome.Reject("insufficient-balance", $"{actor} holds {Text(state.Balance(sv.Spec.Asset, actor))} {sv.Spec.Asset}; the deposit needs {Text(d.Assets)}");
        }

        return CommandOutcome.Of(new SimpleVaultOperation(vaultId, actor, decision.Op!));
    }

    private static (VaultOperation?, Rejection?) From<T>(Decision<T> decision)
        where T : VaultOperation => (decision.Operation, decision.Rejection);

    private static CommandOutcome DecideComposedPause(ComposedVaultState cv, ProtocolCommand c, DateTimeOffset now, bool pause)
    {
        if (c.Actor != cv.Spec.Operator)
        {
            return CommandOutcome.Reject(Rejections.NotOperator, $"{c.Actor} is not the operator of '{cv.Id}'");
        }

        if (cv.Paused == pause)
        {
            return CommandOutcome.Reject(pause ? Rejections.AlreadyPaused : Rejections.NotPaused, pause ? "the vault is already paused" : "the vault is not paused");
        }

        return pause ? CommandOutcome.Of(new ComposedPaused(cv.Id, c.Actor, now)) : CommandOutcome.Of(new ComposedUnpaused(cv.Id, c.Actor, now));
    }

    private CommandOutcome DecideSetPolicy(ProtocolState state, SetPolicyCommand c, DateTimeOffset now)
    {
        if (!state.ComposedVaults.TryGetValue(c.Vault, out var cv))
        {
            return state.SimpleVaults.ContainsKey(c.Vault) ? CommandOutcome.Reject("not-supported", $"'{c.Vault}' is a simple vault; only composed vaults follow a policy") : UnknownVault(c.Vault);
        }

        if (c.Actor != cv.Spec.Operator)
        {
            return CommandOutcome.Reject(Rejections.NotOperator, $"{c.Actor} is not the operator of '{cv.Id}'");
        }

        PolicySpec spec;
        try
        {
            spec = _compiler.Compile(c.Policy, c.Text);
        }
        catch (BallastInputException e)
        {
            return CommandOutcome.Reject("invalid-policy", e.Message);
        }

        var universe = spec.Universe.Order(StringComparer.Ordinal).ToArray();
        var children = cv.Spec.Children.Order(StringComparer.Ordinal).ToArray();
        if (!universe.SequenceEqual(children, StringComparer.Ordinal))
        {
            return CommandOutcome.Reject("policy-universe-mismatch", $"policy '{spec.Name}' holds [{string.Join(", ", spec.Universe)}], the vault's children are [{string.Join(", ", cv.Spec.Children)}]");
        }

        var hash = spec.Hash;
        if (cv.PolicyHash == hash)
        {
            return CommandOutcome.Nothing($"'{cv.Id}' already follows policy {hash[..12]}");
        }

        // The journaled command keeps only the text's SHA-256, so the text itself must be in the journal: stored again
        // when a different text compiles to a policy already stored (verify finds the command's text by its digest).
        ProtocolEvent[] events = state.Policies.TryGetValue(hash, out var known) && known.Text == c.Text
            ? [new PolicyAttached(cv.Id, hash, now)]
            : [new PolicyStored(hash, c.Policy, c.Text), new PolicyAttached(cv.Id, hash, now)];
        return CommandOutcome.Of(events);
    }

    private static UInt128 AssetsFor(ShareLedger ledger, UInt128 nav, UInt128 shares, Rounding rounding) =>
        ExactMath.MulDiv(shares, nav + 1, ledger.TotalSupply + ledger.VirtualShares, rounding);

    /// <summary>
    /// An investor deposit: split across the children by the targets in force (each child's entry fee paid from its
    /// part; rounding dust stays idle), a part cut where it would carry a child over its cap (<c>max_child_assets</c>,
    /// <c>max_child_ppm</c> of NAV after the deposit; the cut stays idle), shares priced on NAV before the deposit for
    /// what NAV gains (floor), so the fees and the children's rounding are the depositor's, not the other holders'.
    /// With <paramref name="filling"/> it fills that forward-priced request: the assets come from its escrow.
    /// </summary>
    internal static CommandOutcome DecideComposedDeposit(ProtocolState state, ComposedVaultState cv, DepositCommand c, DateTimeOffset now, FlowRequest? filling = null)
    {
        if (cv.Paused)
        {
            return CommandOutcome.Reject(Rejections.Paused());
        }

        if (c.Assets == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the deposit must be more than zero");
        }

        var have = state.Balance(cv.Spec.Asset, c.Actor);
        if (filling is null && have < c.Assets)
        {
            return CommandOutcome.Reject("insufficient-balance", $"{c.Actor} holds {Text(have)} {cv.Spec.Asset}; the deposit needs {Text(c.Assets)}");
        }

        if (cv.TargetsPpm is not { } targets)
        {
            return CommandOutcome.Reject("no-policy", $"'{cv.Id}' has no policy yet, so no targets to split a deposit by");
        }

        var nav = Nav(state, cv);
        var parts = new UInt128[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            parts[i] = ExactMath.MulDiv(c.Assets, (UInt128)targets[i], PartsPerMillion.One, Rounding.Floor);
        }

        // Split, then check every cap on the exact result; a part that carries its child over a cap is cut by the
        // excess (grossed up for the entry fee) and the split decided again; what is cut stays idle.
        for (var round = 0; ; round++)
        {
            var flows = ImmutableArray.CreateBuilder<ChildFlow>();
            var after = new UInt128[targets.Length];
            var navAfter = checked(nav + c.Assets);
            for (var i = 0; i < targets.Length; i++)
            {
                var child = state.SimpleVaults[cv.Spec.Children[i]];
                var held = child.Vault.ConvertToAssets(child.Vault.BalanceOf(cv.Account));
                after[i] = held;
                if (parts[i] == 0)
                {
                    continue;
                }

                var decision = child.Vault.DecideDeposit(cv.Account, parts[i], now);
                if (decision.Rejection is { } r)
                {
                    return CommandOutcome.Reject(r.Code, $"child '{child.Id}': {r.Message}");
                }

                var op = decision.Operation!;
                flows.Add(new ChildFlow(child.Id, op));

                // Shares for what NAV actually gains (exact: idle plus each child's value after its deposit), not for
                // what was paid: whatever the children's rounding keeps is the depositor's cost, not the other holders'.
                after[i] = ValueAfter(child, cv.Account, op);
                navAfter = navAfter - op.Assets - held + after[i];
            }

            var cut = false;
            for (var i = 0; i < targets.Length; i++)
            {
                if (parts[i] != 0 && CapOf(cv.Spec.Rails, navAfter) is { } cap && after[i] > cap)
                {
                    var excess = after[i] - cap;
                    var gross = excess + BasisPoints.FeeOnNet(excess, state.SimpleVaults[cv.Spec.Children[i]].Vault.Config.EntryFeeBps) + 1;
                    parts[i] = round < 8 && parts[i] > gross ? parts[i] - gross : UInt128.Zero;
                    cut = true;
                }
            }

            if (cut)
            {
                continue;
            }

            if (navAfter > ShareLedger.MaxTotal)
            {
                return CommandOutcome.Reject(ProtocolRejections.Nav(cv.Id, $"its NAV after the deposit ({Text(navAfter)})"));
            }

            var exactShares = navAfter > nav
                ? ExactMath.MulDiv((System.Numerics.BigInteger)(navAfter - nav), (System.Numerics.BigInteger)cv.Ledger.TotalSupply + cv.Ledger.VirtualShares, (System.Numerics.BigInteger)nav + 1, Rounding.Floor)
                : System.Numerics.BigInteger.Zero;
            if (exactShares > ShareLedger.MaxTotal - cv.Ledger.TotalSupply)
            {
                return CommandOutcome.Reject(ProtocolRejections.Nav(cv.Id, $"its share supply after minting {exactShares} shares"));
            }

            var shares = (UInt128)exactShares;
            if (shares == 0)
            {
                return CommandOutcome.Reject(Rejections.NoShares(c.Assets));
            }

            var balanceAfter = cv.Ledger.BalanceOf(c.Actor) + state.Requests.Locked(cv.Id, c.Actor) + shares;
            return CommandOutcome.Of([new ComposedDeposited(cv.Id, c.Actor, c.Assets, shares, nav, flows.ToImmutable(), now), .. GaugeShares(state, cv.Id, c.Actor, balanceAfter, now)]);
        }
    }

    /// <summary>The most one child may hold after a flow: <c>max_child_assets</c> and <c>max_child_ppm</c> of <paramref name="nav"/> (floor), whichever is lower; null without caps.</summary>
    public static UInt128? CapOf(RebalanceRails rails, UInt128 nav)
    {
        UInt128? cap = rails.MaxChildAssets;
        if (rails.MaxChildPpm is { } ppm)
        {
            var byWeight = ExactMath.MulDiv(nav, (UInt128)ppm, PartsPerMillion.One, Rounding.Floor);
            cap = cap is { } assets ? UInt128.Min(assets, byWeight) : byWeight;
        }

        return cap;
    }

    /// <summary>
    /// An investor redemption: the shares' value on NAV (floor), paid from idle cash first, then by redeeming each
    /// child's shares pro rata to its value (exit fees reduce what is paid: they are the redeemer's). With
    /// <paramref name="filling"/> it fills that forward-priced request: the shares are the ones it locked.
    /// </summary>
    internal static CommandOutcome DecideComposedRedeem(ProtocolState state, ComposedVaultState cv, RedeemCommand c, DateTimeOffset now, FlowRequest? filling = null)
    {
        if (cv.Paused)
        {
            return CommandOutcome.Reject(Rejections.Paused());
        }

        // A fill redeems the shares its request locked; an immediate redemption needs them free.
        var owned = filling is null ? cv.Ledger.BalanceOf(c.Actor) : c.Shares;
        if (c.Shares == 0 || c.Shares > owned)
        {
            return CommandOutcome.Reject(c.Shares == 0 ? Rejections.ZeroAmount : Rejections.InsufficientShares, $"{c.Actor} owns {Text(owned)} shares of '{cv.Id}'; cannot redeem {Text(c.Shares)}");
        }

        var nav = Nav(state, cv);
        var value = AssetsFor(cv.Ledger, nav, c.Shares, Rounding.Floor);
        var idle = state.Balance(cv.Spec.Asset, cv.Account);
        var inFlight = InFlight(state, cv);
        if (value > nav - inFlight)
        {
            return CommandOutcome.Reject("insufficient-liquidity", $"the shares are worth {Text(value)}, but {Text(inFlight)} of the vault's {Text(nav)} is in flight from children that settle later; redeem less or after the settlements");
        }

        // Pro rata: the same fraction value / liquid NAV of the idle cash (floor) and of every child's free shares
        // (rounded up, so the vault is never short), so the redeemer pays the exit fees of the part they take.
        var liquid = nav - inFlight;
        var flows = ImmutableArray.CreateBuilder<ChildFlow>();
        var paid = ExactMath.MulDiv(idle, value, liquid, Rounding.Floor);
        var childNet = System.Numerics.BigInteger.Zero; // Σ (cash a child pays − value the vault's holding of it loses), exact
        foreach (var childId in cv.Spec.Children)
        {
            var child = state.SimpleVaults[childId].Vault;
            var held = child.BalanceOf(cv.Account);
            var shares = held == 0 ? UInt128.Zero : UInt128.Min(held, ExactMath.MulDiv(held, value, liquid, Rounding.Ceiling));
            if (shares == 0)
            {
                continue;
            }

            var decision = child.DecideRedeem(cv.Account, shares, now);
            if (decision.Rejection is { Code: Rejections.ZeroAssets })
            {
                continue;
            }

            if (decision.Rejection is { } r)
            {
                return CommandOutcome.Reject(r.Code, $"child '{childId}' cannot pay its part now: {r.Message}");
            }

            paid += decision.Operation!.Assets;
            flows.Add(new ChildFlow(childId, decision.Operation));
            childNet += (System.Numerics.BigInteger)decision.Operation.Assets - child.ConvertToAssets(held) + ValueAfter(state.SimpleVaults[childId], cv.Account, decision.Operation);
        }

        // Never pay more than NAV loses beyond the shares' value: NAV after = NAV − paid + childNet must stay at least
        // NAV − value, so the exit fees and every rounding of the children's parts are the redeemer's; what rounding
        // up the parts brings in beyond that stays idle (in the vault's favour).
        var most = (System.Numerics.BigInteger)value + childNet;
        paid = most <= 0 ? UInt128.Zero : UInt128.Min(paid, (UInt128)System.Numerics.BigInteger.Min(most, paid));

        if (paid == 0)
        {
            return CommandOutcome.Reject(Rejections.NoAssets(c.Shares));
        }

        return CommandOutcome.Of([new ComposedRedeemed(cv.Id, c.Actor, c.Shares, paid, nav, flows.ToImmutable(), now), .. GaugeShares(state, cv.Id, c.Actor, cv.Ledger.BalanceOf(c.Actor) + state.Requests.Locked(cv.Id, c.Actor) - c.Shares, now)]);
    }
}
