using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The composed-vault aggregate: creating one, investor deposits and redemptions routed through its children (caps
/// enforced on every flow), pause and unpause by its operator, and its exact NAV. Forward-priced requests are this
/// module's part in <see cref="ForwardPricing"/>; the policy and the keeper's rebalance are <see cref="RebalancePlanner"/>'s.
/// </summary>
internal static class ComposedVaultDecisions
{
    /// <summary>The longest cooldown accepted: ten years.</summary>
    internal const long MaxCooldownSeconds = 10L * 365 * 86_400;

    /// <summary>Whether <paramref name="command"/> (a deposit, redemption, pause or unpause) names a composed vault.</summary>
    internal static bool Owns(ProtocolState state, ProtocolCommand command) => command switch
    {
        DepositCommand c => state.ComposedVaults.ContainsKey(c.Vault),
        RedeemCommand c => state.ComposedVaults.ContainsKey(c.Vault),
        PauseCommand c => state.ComposedVaults.ContainsKey(c.Vault),
        UnpauseCommand c => state.ComposedVaults.ContainsKey(c.Vault),
        _ => false,
    };

    /// <summary>Decides a deposit, redemption, pause or unpause of a composed vault (<see cref="Owns"/>).</summary>
    internal static CommandOutcome Decide(ProtocolState state, ProtocolCommand command, DateTimeOffset now) => command switch
    {
        DepositCommand c => DecideDeposit(state, state.ComposedVaults[c.Vault], c, now),
        RedeemCommand c => DecideRedeem(state, state.ComposedVaults[c.Vault], c, now),
        PauseCommand c => DecidePause(state.ComposedVaults[c.Vault], c, now, pause: true),
        UnpauseCommand c => DecidePause(state.ComposedVaults[c.Vault], c, now, pause: false),
        _ => throw new ArgumentException($"no composed-vault rule decides {command.GetType().Name}", nameof(command)),
    };

    /// <summary>Decides <see cref="CreateComposedVault"/>.</summary>
    internal static CommandOutcome DecideCreate(ProtocolState state, CreateComposedVault c, DateTimeOffset now)
    {
        if (SimpleVaultDecisions.VaultIdProblem(state, c.Vault, composed: true) is { } problem)
        {
            return problem;
        }

        if (!state.Assets.ContainsKey(c.Spec.Asset))
        {
            return AssetDecisions.UnknownAsset(c.Spec.Asset);
        }

        if (c.Spec.Children.IsDefaultOrEmpty || c.Spec.Children.Distinct().Count() != c.Spec.Children.Length)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidChildren, "a composed vault needs one or more distinct child vaults");
        }

        foreach (var child in c.Spec.Children)
        {
            if (!state.SimpleVaults.TryGetValue(child, out var sv))
            {
                return CommandOutcome.Reject(VaultRejections.UnknownVault, $"child '{child}' is not a simple vault");
            }

            if (sv.Spec.Asset != c.Spec.Asset)
            {
                return CommandOutcome.Reject(VaultRejections.AssetMismatch, $"child '{child}' holds {sv.Spec.Asset}, the composed vault {c.Spec.Asset}");
            }
        }

        if (c.Spec.DecimalsOffset is < 0 or > ShareLedger.MaxDecimalsOffset)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidVaultConfig, $"decimals offset must be 0..{ShareLedger.MaxDecimalsOffset}");
        }

        var rails = c.Spec.Rails;
        if (rails.MaxChildPpm is < 1 or > PartsPerMillion.One || rails.MaxStepPpm is < 1 or > PartsPerMillion.One)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidRails, "max_child_ppm and max_step_ppm must be 1..1,000,000");
        }

        if (rails.CooldownSeconds is < 0 or > MaxCooldownSeconds)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidRails, $"the cooldown must be 0 to {MaxCooldownSeconds / 86_400} days, got {rails.CooldownSeconds} seconds");
        }

        if (rails.RequestMaxLossBps is < 0 or > BasisPoints.One)
        {
            return CommandOutcome.Reject(VaultRejections.InvalidRails, $"request_max_loss_bps must be 0..10,000, got {rails.RequestMaxLossBps}");
        }

        return CommandOutcome.Of(new ComposedVaultCreated(c.Vault, c.Spec, now));
    }

    private static CommandOutcome DecidePause(ComposedVaultState cv, ProtocolCommand c, DateTimeOffset now, bool pause)
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

    /// <summary>Applies the composed vault's own events: created, deposited, redeemed, paused, unpaused, rails changed.</summary>
    internal static void Apply(ProtocolState state, ProtocolEvent e)
    {
        switch (e)
        {
            case ComposedVaultCreated c:
                state.ComposedVaultsMutable.Add(c.Vault, new ComposedVaultState(c.Vault, c.Spec) { CostBudget = c.Spec.Rails.CostBudget ?? UInt128.Zero, CostBudgetAt = c.At });
                break;
            case ComposedDeposited d:
                {
                    var cv = state.ComposedVaults[d.Vault];
                    var symbol = cv.Spec.Asset;
                    if (d.RequestId is { } requestId)
                    {
                        ForwardPricing.TakeFilled(state, requestId, d.Vault, d.Investor, d.Assets); // paid from escrow
                    }
                    else
                    {
                        state.Debit(symbol, d.Investor, d.Assets);
                    }

                    state.Credit(symbol, cv.Account, d.Assets);
                    foreach (var flow in d.Children)
                    {
                        SimpleVaultDecisions.ApplyOperation(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    cv.Ledger.Mint(d.Investor, d.Shares);
                    SyncNav(state, cv);
                    break;
                }

            case ComposedRedeemed r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    foreach (var flow in r.Children)
                    {
                        SimpleVaultDecisions.ApplyOperation(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    if (r.RequestId is { } requestId)
                    {
                        ForwardPricing.TakeFilled(state, requestId, r.Vault, r.Investor, r.Shares);
                        cv.Ledger.Unlock(r.Investor, r.Shares);
                    }

                    cv.Ledger.Burn(r.Investor, r.Shares);
                    state.Debit(cv.Spec.Asset, cv.Account, r.Assets);
                    state.Credit(cv.Spec.Asset, r.Investor, r.Assets);
                    SyncNav(state, cv);
                    break;
                }

            case RailsChanged r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    cv.Spec = cv.Spec with { Rails = r.Rails };
                    break;
                }

            case ComposedPaused p:
                state.ComposedVaults[p.Vault].Paused = true;
                break;
            case ComposedUnpaused u:
                state.ComposedVaults[u.Vault].Paused = false;
                break;
            default:
                throw new ArgumentException($"no composed-vault rule applies {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>Exact NAV: idle cash, plus what each child's free shares are worth (floor), plus the cash in flight.</summary>
    internal static UInt128 Nav(ProtocolState state, ComposedVaultState cv)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(cv);
        var nav = checked(state.Balance(cv.Spec.Asset, cv.Account) + InFlight(state, cv));
        foreach (var child in cv.Spec.Children)
        {
            var vault = state.SimpleVaults[child].Vault;
            nav = checked(nav + vault.ConvertToAssets(vault.BalanceOf(cv.Account)));
        }

        return nav;
    }

    /// <summary>Cash in flight: pending withdrawal requests with children, each at the lower of its value at request and what settling now would pay at most.</summary>
    internal static UInt128 InFlight(ProtocolState state, ComposedVaultState cv)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(cv);
        var total = UInt128.Zero;
        foreach (var child in cv.Spec.Children)
        {
            var vault = state.SimpleVaults[child].Vault;
            foreach (var request in vault.PendingWithdrawals(cv.Account))
            {
                total = checked(total + UInt128.Min(request.AssetsAtRequest, vault.PreviewRedeem(request.Shares)));
            }
        }

        return total;
    }

    /// <summary>Keeps the composed ledger's total assets equal to its NAV after every event that moves it.</summary>
    internal static void SyncNav(ProtocolState state, ComposedVaultState cv) => cv.Ledger.SetTotalAssets(Nav(state, cv));

    private static UInt128 AssetsFor(ShareLedger ledger, UInt128 nav, UInt128 shares, Rounding rounding) =>
        ExactMath.MulDiv(shares, nav + 1, ledger.TotalSupply + ledger.VirtualShares, rounding);

    /// <summary>Shares for <paramref name="assets"/> at <paramref name="nav"/>, unbounded (the caller checks the supply's capacity).</summary>
    private static System.Numerics.BigInteger SharesFor(ShareLedger ledger, UInt128 nav, UInt128 assets, Rounding rounding) =>
        ExactMath.MulDiv((System.Numerics.BigInteger)assets, (System.Numerics.BigInteger)ledger.TotalSupply + ledger.VirtualShares, (System.Numerics.BigInteger)nav + 1, rounding);

    /// <summary>
    /// An investor deposit: split across the children by the targets in force (each child's entry fee paid from its
    /// part; rounding dust stays idle), a part cut where it would carry a child over its cap (<c>max_child_assets</c>,
    /// <c>max_child_ppm</c> of NAV after the deposit; the cut stays idle), shares priced on NAV before the deposit for
    /// what NAV gains (floor), so the fees and the children's rounding are the depositor's, not the other holders'.
    /// With <paramref name="filling"/> it fills that forward-priced request: the assets come from its escrow.
    /// </summary>
    internal static CommandOutcome DecideDeposit(ProtocolState state, ComposedVaultState cv, DepositCommand c, DateTimeOffset now, FlowRequest? filling = null)
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
            return CommandOutcome.Reject(ProtocolRejections.InsufficientBalance, $"{c.Actor} holds {ProtocolEngine.Text(have)} {cv.Spec.Asset}; the deposit needs {ProtocolEngine.Text(c.Assets)}");
        }

        if (cv.TargetsPpm is not { } targets)
        {
            return CommandOutcome.Reject(VaultRejections.NoPolicy, $"'{cv.Id}' has no policy yet, so no targets to split a deposit by");
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
                after[i] = RebalanceExecution.ValueAfter(child, cv.Account, op).Value;
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
                return CommandOutcome.Reject(ProtocolRejections.Nav(cv.Id, $"its NAV after the deposit ({ProtocolEngine.Text(navAfter)})"));
            }

            var exactShares = navAfter > nav ? SharesFor(cv.Ledger, nav, navAfter - nav, Rounding.Floor) : System.Numerics.BigInteger.Zero;
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
            return CommandOutcome.Of([new ComposedDeposited(cv.Id, c.Actor, c.Assets, shares, nav, flows.ToImmutable(), now), .. GovernanceBridge.GaugeShares(state, cv.Id, c.Actor, balanceAfter, now)]);
        }
    }

    /// <summary>The most one child may hold after a flow: <c>max_child_assets</c> and <c>max_child_ppm</c> of <paramref name="nav"/> (floor), whichever is lower; null without caps.</summary>
    internal static UInt128? CapOf(RebalanceRails rails, UInt128 nav)
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
    internal static CommandOutcome DecideRedeem(ProtocolState state, ComposedVaultState cv, RedeemCommand c, DateTimeOffset now, FlowRequest? filling = null)
    {
        if (cv.Paused)
        {
            return CommandOutcome.Reject(Rejections.Paused());
        }

        // A fill redeems the shares its request locked; an immediate redemption needs them free.
        var owned = filling is null ? cv.Ledger.BalanceOf(c.Actor) : c.Shares;
        if (c.Shares == 0 || c.Shares > owned)
        {
            return CommandOutcome.Reject(c.Shares == 0 ? Rejections.ZeroAmount : Rejections.InsufficientShares, $"{c.Actor} owns {ProtocolEngine.Text(owned)} shares of '{cv.Id}'; cannot redeem {ProtocolEngine.Text(c.Shares)}");
        }

        var nav = Nav(state, cv);
        var value = AssetsFor(cv.Ledger, nav, c.Shares, Rounding.Floor);
        var idle = state.Balance(cv.Spec.Asset, cv.Account);
        var inFlight = InFlight(state, cv);
        if (value > nav - inFlight)
        {
            return CommandOutcome.Reject(VaultRejections.InsufficientLiquidity, $"the shares are worth {ProtocolEngine.Text(value)}, but {ProtocolEngine.Text(inFlight)} of the vault's {ProtocolEngine.Text(nav)} is in flight from children that settle later; redeem less or after the settlements");
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
            childNet += (System.Numerics.BigInteger)decision.Operation.Assets - child.ConvertToAssets(held) + RebalanceExecution.ValueAfter(state.SimpleVaults[childId], cv.Account, decision.Operation).Value;
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

        return CommandOutcome.Of([new ComposedRedeemed(cv.Id, c.Actor, c.Shares, paid, nav, flows.ToImmutable(), now), .. GovernanceBridge.GaugeShares(state, cv.Id, c.Actor, cv.Ledger.BalanceOf(c.Actor) + state.Requests.Locked(cv.Id, c.Actor) - c.Shares, now)]);
    }
}
