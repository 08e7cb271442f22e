using System.Collections.Immutable;
using System.Globalization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// Forward pricing (SEC rule 22c-1 for mutual funds): on a forward-priced vault, deposits and redemptions are
/// requests, filled at the next NAV that includes a report of every priced vault (the vault itself when simple,
/// every child when composed) applied after the request, in arrival order. A deposit's assets are escrowed and a
/// redemption's shares locked at the request; the owner may cancel until the request is due (its price then is
/// fixed); the keeper (anyone) fills due requests one per command; and no report that would reprice a due request
/// is applied before the request is filled, so a request always fills at exactly the next NAV.
/// </summary>
/// <remarks>Decisions only read the state; the events they return are applied by <see cref="ProtocolEngine.Apply"/>.</remarks>
public static class ForwardPricing
{
    /// <summary>
    /// Rules that sit in front of the other decisions: immediate flows on forward-priced vaults are refused; a NAV
    /// report (or an unpause accepting one) waits while a request it would reprice is due; on a forward-priced
    /// simple vault a withdrawal request settles only after a report made after it. Null when none applies.
    /// </summary>
    internal static CommandOutcome? Precheck(ProtocolState state, ProtocolCommand command)
    {
        switch (command)
        {
            case DepositCommand c when IsForward(state, c.Vault):
                return Refuse(c.Vault, "deposits", "request-deposit");
            case RedeemCommand c when IsForward(state, c.Vault):
                return Refuse(c.Vault, "redemptions", "request-redeem");
            case MintCommand c when IsForward(state, c.Vault):
                return Refuse(c.Vault, "mints", "request-deposit");
            case WithdrawCommand c when IsForward(state, c.Vault):
                return Refuse(c.Vault, "withdrawals", "request-redeem");
            case ReportNavCommand c when state.SimpleVaults.ContainsKey(c.Vault):
                return DueBlocking(state, c.Vault);
            case UnpauseCommand { AcceptPendingReport: true } c when state.SimpleVaults.ContainsKey(c.Vault):
                return DueBlocking(state, c.Vault);
            case SettleWithdrawalCommand c when state.SimpleVaults.TryGetValue(c.Vault, out var sv) && sv.Spec.Pricing == PricingMode.Forward
                && sv.Vault.FindRequest(c.RequestId) is { } request && !(sv.Vault.LastReportAt > request.RequestedAt):
                return CommandOutcome.Reject(FlowRejections.AwaitingReport, $"withdrawal request {c.RequestId} of '{c.Vault}' settles at a NAV reported after it (forward pricing); the last report was {(sv.Vault.LastReportAt is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : "never")}, the request {request.RequestedAt:O}");
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="vault"/> (simple or composed) prices its flows forward.</summary>
    public static bool IsForward(ProtocolState state, VaultId vault) =>
        state.SimpleVaults.TryGetValue(vault, out var sv) ? sv.Spec.Pricing == PricingMode.Forward
        : state.ComposedVaults.TryGetValue(vault, out var cv) && cv.Spec.Pricing == PricingMode.Forward;

    /// <summary>Applied NAV reports so far of each vault that prices <paramref name="vault"/>: itself when simple, every child in order when composed.</summary>
    public static ImmutableArray<int> ReportsNow(ProtocolState state, VaultId vault) =>
        state.SimpleVaults.TryGetValue(vault, out var sv)
            ? [sv.History.Count]
            : [.. state.ComposedVaults[vault].Spec.Children.Select(c => state.SimpleVaults[c].History.Count)];

    /// <summary>Whether every vault pricing the request has applied a NAV report since it was made.</summary>
    public static bool IsDue(ProtocolState state, FlowRequest request)
    {
        var now = ReportsNow(state, request.Vault);
        for (var i = 0; i < now.Length; i++)
        {
            if (now[i] <= request.ReportsSeen[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The request <see cref="FillRequestCommand"/> fills next: the vault's oldest pending one, when it is due
    /// (requests come due in arrival order: a later request has seen at least the reports an earlier one saw).
    /// </summary>
    public static FlowRequest? NextDue(ProtocolState state, VaultId vault) =>
        state.Requests.PendingIn(vault).FirstOrDefault() is { } oldest && IsDue(state, oldest) ? oldest : null;

    /// <summary>How many of the vault's pending requests are due now.</summary>
    public static int DueCount(ProtocolState state, VaultId vault) => state.Requests.PendingIn(vault).Count(r => IsDue(state, r));

    internal static CommandOutcome DecideRequestDeposit(ProtocolState state, RequestDepositCommand c, DateTimeOffset now)
    {
        if (RefuseUnlessForwardPriced(state, c.Vault) is { } problem)
        {
            return problem;
        }

        if (c.Assets == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the deposit must be more than zero");
        }

        AssetSymbol symbol;
        if (state.SimpleVaults.TryGetValue(c.Vault, out var sv))
        {
            symbol = sv.Spec.Asset;
            if (sv.Vault.IsPaused)
            {
                return CommandOutcome.Reject(Rejections.VaultPaused, $"'{c.Vault}' is paused; requests wait until an operator unpauses it");
            }
        }
        else
        {
            var cv = state.ComposedVaults[c.Vault];
            symbol = cv.Spec.Asset;
            if (cv.Paused)
            {
                return CommandOutcome.Reject(Rejections.VaultPaused, $"'{c.Vault}' is paused; requests wait until an operator unpauses it");
            }

            if (cv.TargetsPpm is null)
            {
                return CommandOutcome.Reject(VaultRejections.NoPolicy, $"'{cv.Id}' has no policy yet, so no targets to split a deposit by");
            }
        }

        var have = state.Balance(symbol, c.Actor);
        if (have < c.Assets)
        {
            return CommandOutcome.Reject(ProtocolRejections.InsufficientBalance, $"{c.Actor} holds {Text(have)} {symbol}; the deposit request needs {Text(c.Assets)}");
        }

        return CommandOutcome.Of(new FlowRequested(state.Requests.NextId, c.Vault, FlowKind.Deposit, c.Actor, c.Assets, ReportsNow(state, c.Vault), now));
    }

    internal static CommandOutcome DecideRequestRedeem(ProtocolState state, RequestRedeemCommand c, DateTimeOffset now)
    {
        if (RefuseUnlessForwardPriced(state, c.Vault) is { } problem)
        {
            return problem;
        }

        if (c.Shares == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the redemption must be more than zero shares");
        }

        UInt128 free;
        if (state.SimpleVaults.TryGetValue(c.Vault, out var sv))
        {
            if (sv.Vault.IsPaused)
            {
                return CommandOutcome.Reject(Rejections.VaultPaused, $"'{c.Vault}' is paused; requests wait until an operator unpauses it");
            }

            if (!sv.Spec.InstantWithdrawals)
            {
                return CommandOutcome.Reject(Rejections.InstantWithdrawalsDisabled, $"'{c.Vault}' has no instant withdrawals; request a withdrawal (request-withdrawal) instead");
            }

            free = sv.Vault.BalanceOf(c.Actor);
        }
        else
        {
            var cv = state.ComposedVaults[c.Vault];
            if (cv.Paused)
            {
                return CommandOutcome.Reject(Rejections.VaultPaused, $"'{c.Vault}' is paused; requests wait until an operator unpauses it");
            }

            free = cv.Ledger.BalanceOf(c.Actor);
        }

        return c.Shares > free
            ? CommandOutcome.Reject(Rejections.InsufficientShares, $"{c.Actor} has {Text(free)} free shares of '{c.Vault}' (shares in requests are locked); cannot request to redeem {Text(c.Shares)}")
            : CommandOutcome.Of(new FlowRequested(state.Requests.NextId, c.Vault, FlowKind.Redeem, c.Actor, c.Shares, ReportsNow(state, c.Vault), now));
    }

    internal static CommandOutcome DecideCancel(ProtocolState state, CancelRequestCommand c, DateTimeOffset now)
    {
        if (state.Requests.Find(c.RequestId) is not { } request || request.Vault != c.Vault)
        {
            return CommandOutcome.Reject(FlowRejections.UnknownRequest, $"there is no pending request {c.RequestId} in '{c.Vault}'");
        }

        if (request.Owner != c.Actor)
        {
            return CommandOutcome.Reject(Rejections.NotRequestOwner, $"{c.Actor} does not own request {c.RequestId}");
        }

        return IsDue(state, request)
            ? CommandOutcome.Reject(FlowRejections.RequestDue, $"request {c.RequestId} is due: its price is the NAV reported since it was made, so it fills at that NAV and can no longer be cancelled")
            : CommandOutcome.Of(new FlowRequestReturned(request.Id, request.Vault, request.Kind, request.Owner, request.Amount, FlowRejections.CancelledByOwner, now));
    }

    /// <summary>Fills the vault's oldest due request at the NAV now, or returns it whole when a rule refuses the fill (the vault paused, too small to mint shares or pay assets, ...).</summary>
    internal static CommandOutcome DecideFill(ProtocolState state, FillRequestCommand c, DateTimeOffset now)
    {
        if (!state.SimpleVaults.ContainsKey(c.Vault) && !state.ComposedVaults.ContainsKey(c.Vault))
        {
            return CommandOutcome.Reject(VaultRejections.UnknownVault, $"no vault '{c.Vault}'");
        }

        if (NextDue(state, c.Vault) is not { } request)
        {
            var pending = state.Requests.PendingIn(c.Vault).Count();
            return CommandOutcome.Nothing(pending == 0
                ? $"'{c.Vault}' has no pending requests"
                : $"none of the {pending} pending requests of '{c.Vault}' is due: each fills at the next NAV that includes a report, made after it, of every vault pricing it");
        }

        // A due request is filled or given back, never left stuck: a fill whose arithmetic goes out of range (a
        // payment past a wallet's range, a NAV the ledger cannot hold, ...) returns the request with the bound's code
        // like any other refused fill; rejecting the command would leave a request nobody can fill or cancel, holding
        // every later report of the vaults that price it (requests-due).
        CommandOutcome fill;
        try
        {
            fill = state.SimpleVaults.TryGetValue(c.Vault, out var sv) ? FillSimple(state, sv, request, now) : FillComposed(state, state.ComposedVaults[c.Vault], request, now);
            if (fill.Status == CommandStatus.Applied && ApplyBounds.Check(state, fill.Events) is { } bound)
            {
                fill = CommandOutcome.Reject(bound);
            }
        }
        catch (ArithmeticException e)
        {
            fill = CommandOutcome.Reject(ProtocolRejections.Arithmetic(c, e));
        }

        return fill.Status == CommandStatus.Rejected
            ? CommandOutcome.Of(new FlowRequestReturned(request.Id, request.Vault, request.Kind, request.Owner, request.Amount, fill.Rejection!.Code, now))
            : fill;
    }

    private static CommandOutcome FillSimple(ProtocolState state, SimpleVaultState sv, FlowRequest request, DateTimeOffset now)
    {
        var vault = sv.Vault;
        if (vault.IsPaused)
        {
            return CommandOutcome.Reject(Rejections.VaultPaused, "paused");
        }

        if (request.Kind == FlowKind.Deposit)
        {
            var decision = vault.DecideDeposit(request.Owner, request.Amount, now);
            return decision.Rejection is { } r
                ? CommandOutcome.Reject(r)
                : CommandOutcome.Of(new SimpleVaultOperation(sv.Id, request.Owner, decision.Operation!) { RequestId = request.Id });
        }

        // The shares are locked: value them as a redemption would (floor), less the exit fee (ceil).
        var gross = vault.Ledger.ConvertToAssets(request.Amount, Rounding.Floor);
        var fee = BasisPoints.FeeOnGross(gross, vault.Config.ExitFeeBps);
        if (gross - fee == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAssets, "pays nothing");
        }

        return CommandOutcome.Of(new SimpleVaultOperation(sv.Id, request.Owner, new Withdrawn(request.Owner, request.Amount, gross - fee, fee, now)) { RequestId = request.Id });
    }

    private static CommandOutcome FillComposed(ProtocolState state, ComposedVaultState cv, FlowRequest request, DateTimeOffset now)
    {
        if (request.Kind == FlowKind.Deposit)
        {
            var outcome = ComposedVaultDecisions.DecideDeposit(state, cv, new DepositCommand(string.Empty, request.Owner, cv.Id, request.Amount), now, request);
            return outcome.Status == CommandStatus.Applied
                ? outcome with { Events = [((ComposedDeposited)outcome.Events[0]) with { RequestId = request.Id }, .. outcome.Events.Skip(1)] }
                : outcome;
        }

        var redeemed = ComposedVaultDecisions.DecideRedeem(state, cv, new RedeemCommand(string.Empty, request.Owner, cv.Id, request.Amount), now, request);
        return redeemed.Status == CommandStatus.Applied
            ? redeemed with { Events = [((ComposedRedeemed)redeemed.Events[0]) with { RequestId = request.Id }, .. redeemed.Events.Skip(1)] }
            : redeemed;
    }

    /// <summary>Applies a request: escrows a deposit's assets, or locks a redemption's shares.</summary>
    internal static void ApplyRequested(ProtocolState state, FlowRequested e)
    {
        Hold(state, e.Vault, e.Kind, e.Owner, e.Amount, e.At, hold: true);
        state.Requests.Add(new FlowRequest(e.RequestId, e.Vault, e.Kind, e.Owner, e.Amount, e.ReportsSeen, e.At));
    }

    /// <summary>Applies a request given back: the escrow to the owner's wallet, or the locked shares to the owner's free balance.</summary>
    internal static void ApplyReturned(ProtocolState state, FlowRequestReturned e)
    {
        var request = state.Requests.Take(e.RequestId, e.Vault);
        if (request.Owner != e.Owner || request.Amount != e.Amount || request.Kind != e.Kind)
        {
            throw new AccountingInvariantException($"flow request {e.RequestId} returned does not match the pending request");
        }

        Hold(state, e.Vault, e.Kind, e.Owner, e.Amount, e.At, hold: false);
    }

    /// <summary>
    /// Takes a request's assets from the owner's wallet into escrow, or locks its shares (<paramref name="hold"/>);
    /// or gives them back exactly.
    /// </summary>
    private static void Hold(ProtocolState state, VaultId vault, FlowKind kind, AccountId owner, UInt128 amount, DateTimeOffset at, bool hold)
    {
        var simple = state.SimpleVaults.TryGetValue(vault, out var sv) ? sv : null;
        var composed = simple is null ? state.ComposedVaults[vault] : null;
        if (kind == FlowKind.Deposit)
        {
            var symbol = simple?.Spec.Asset ?? composed!.Spec.Asset;
            if (hold)
            {
                state.Debit(symbol, owner, amount);
                state.EscrowedMutable[(symbol, owner)] = checked(state.Escrowed(symbol, owner) + amount);
            }
            else
            {
                ReleaseEscrow(state, symbol, owner, amount);
                state.Credit(symbol, owner, amount);
            }
        }
        else if (simple is not null)
        {
            simple.Vault.Apply(hold ? new SharesLocked(owner, amount, at) : new SharesReleased(owner, amount, at));
        }
        else if (hold)
        {
            composed!.Ledger.Lock(owner, amount);
        }
        else
        {
            composed!.Ledger.Unlock(owner, amount);
        }
    }

    /// <summary>Takes the request a fill event fills and checks that it fills it whole.</summary>
    internal static FlowRequest TakeFilled(ProtocolState state, long requestId, VaultId vault, AccountId owner, UInt128 amount)
    {
        var request = state.Requests.Take(requestId, vault);
        if (request.Owner != owner || request.Amount != amount)
        {
            throw new AccountingInvariantException($"the fill of flow request {requestId} does not match it ({request.Owner}, {request.Amount})");
        }

        if (request.Kind == FlowKind.Deposit)
        {
            // The escrow pays the vault: it leaves the owner's escrow without passing through the wallet.
            ReleaseEscrow(state, state.SimpleVaults.TryGetValue(vault, out var sv) ? sv.Spec.Asset : state.ComposedVaults[vault].Spec.Asset, owner, amount);
        }

        return request;
    }

    /// <summary>Takes <paramref name="amount"/> out of <paramref name="owner"/>'s escrow (a request returned or filled); the entry goes when it reaches zero.</summary>
    private static void ReleaseEscrow(ProtocolState state, AssetSymbol symbol, AccountId owner, UInt128 amount)
    {
        var left = state.Escrowed(symbol, owner);
        if (left < amount)
        {
            throw new AccountingInvariantException($"{owner} has {left} {symbol} in escrow, cannot release {amount}");
        }

        if (left == amount)
        {
            state.EscrowedMutable.Remove((symbol, owner));
        }
        else
        {
            state.EscrowedMutable[(symbol, owner)] = left - amount;
        }
    }

    /// <summary>Why a request cannot go to <paramref name="vault"/> (unknown, or priced immediately), or null when it is a forward-priced vault.</summary>
    private static CommandOutcome? RefuseUnlessForwardPriced(ProtocolState state, VaultId vault)
    {
        if (!state.SimpleVaults.ContainsKey(vault) && !state.ComposedVaults.ContainsKey(vault))
        {
            return CommandOutcome.Reject(VaultRejections.UnknownVault, $"no vault '{vault}'");
        }

        return IsForward(state, vault)
            ? null
            : CommandOutcome.Reject(FlowRejections.ImmediatePricing, $"'{vault}' prices flows immediately (its operator opted in); deposit or redeem directly");
    }

    private static CommandOutcome Refuse(VaultId vault, string what, string instead) =>
        CommandOutcome.Reject(FlowRejections.ForwardPricing, $"'{vault}' prices {what} forward: send {instead}; it fills at the next NAV reported after it");

    /// <summary>A report of <paramref name="child"/> would reprice a due request (of the vault itself or of a composed vault over it) that is not filled yet.</summary>
    private static CommandOutcome? DueBlocking(ProtocolState state, VaultId child)
    {
        if (state.Requests.Count == 0)
        {
            return null;
        }

        foreach (var request in state.Requests.Pending)
        {
            var prices = request.Vault == child || (state.ComposedVaults.TryGetValue(request.Vault, out var cv) && cv.Spec.Children.Contains(child));
            if (prices && IsDue(state, request))
            {
                return CommandOutcome.Reject(FlowRejections.RequestsDue, $"request {request.Id} of '{request.Vault}' is due at the NAV now; fill it first (fill-request on '{request.Vault}', anyone may), then report");
            }
        }

        return null;
    }

    private static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
