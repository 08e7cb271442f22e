using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// The defence in depth behind <see cref="ProtocolEngine.Decide"/>: before a command is accepted, the arithmetic
/// <see cref="ProtocolEngine.Apply"/> will do for its events is done here on an overlay of the state (wallets,
/// issued totals, the vault ledgers the events touch, composed share supplies and NAV), in order, with every
/// bound checked. A command whose events would not all apply is rejected with a code, so the sequencer never
/// journals what it cannot apply. Reads the state; never writes it.
/// </summary>
internal static class ApplyBounds
{
    /// <summary>Why applying <paramref name="events"/> to <paramref name="state"/> would fail, or null when every event applies.</summary>
    public static Rejection? Check(ProtocolState state, IReadOnlyList<ProtocolEvent> events) => new Overlay(state).Run(events);

    private sealed class Overlay(ProtocolState state)
    {
        private readonly Dictionary<(AssetSymbol Symbol, AccountId Account), UInt128> _wallets = [];
        private readonly Dictionary<AssetSymbol, UInt128> _issued = [];
        private readonly Dictionary<VaultId, (UInt128 Assets, UInt128 Supply)> _ledgers = [];
        private readonly Dictionary<(VaultId Vault, AccountId Account), UInt128> _shares = [];
        private readonly Dictionary<VaultId, UInt128> _inFlight = [];

        public Rejection? Run(IReadOnlyList<ProtocolEvent> events)
        {
            foreach (var e in events)
            {
                if (Step(e) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        private Rejection? Step(ProtocolEvent e)
        {
            switch (e)
            {
                case AssetIssued i:
                    {
                        var issued = _issued.TryGetValue(i.Symbol, out var x) ? x : state.Issued.GetValueOrDefault(i.Symbol);
                        if (i.Amount > UInt128.MaxValue - issued)
                        {
                            return ProtocolRejections.Supply(i.Symbol, issued, i.Amount);
                        }

                        _issued[i.Symbol] = issued + i.Amount;
                        return Credit(i.Symbol, i.To, i.Amount);
                    }

                case AssetTransferred t:
                    return Debit(t.Symbol, t.From, t.Amount) ?? Credit(t.Symbol, t.To, t.Amount);
                case SimpleVaultOperation { RequestId: not null } op when state.SimpleVaults.TryGetValue(op.Vault, out var sv):
                    // A fill of a forward-priced request: a deposit is paid from its escrow (not the wallet); a
                    // redemption first releases the shares the request locked.
                    if (op.Operation is Withdrawn locked)
                    {
                        _shares[(sv.Id, locked.Owner)] = Shares(sv, locked.Owner) + locked.Shares;
                    }

                    return Simple(sv, op.Account, op.Operation, fromEscrow: true);
                case SimpleVaultOperation op when state.SimpleVaults.TryGetValue(op.Vault, out var sv):
                    return Simple(sv, op.Account, op.Operation);
                case ComposedDeposited d when state.ComposedVaults.TryGetValue(d.Vault, out var cv):
                    return (d.RequestId is null ? Debit(cv.Spec.Asset, d.Investor, d.Assets) : null) // a fill is paid from escrow
                        ?? Credit(cv.Spec.Asset, cv.Account, d.Assets)
                        ?? Children(cv, d.Children)
                        ?? Mint(cv, d.Shares)
                        ?? Nav(cv);
                case ComposedRedeemed r when state.ComposedVaults.TryGetValue(r.Vault, out var cv):
                    return Children(cv, r.Children)
                        ?? Debit(cv.Spec.Asset, cv.Account, r.Assets)
                        ?? Credit(cv.Spec.Asset, r.Investor, r.Assets)
                        ?? Nav(cv);
                case Rebalanced r when state.ComposedVaults.TryGetValue(r.Vault, out var cv):
                    return Children(cv, r.Trades)
                        ?? Debit(cv.Spec.Asset, cv.Account, r.FixedCosts)
                        ?? Credit(cv.Spec.Asset, cv.Spec.CostRecipient, r.FixedCosts)
                        ?? Nav(cv);
                default:
                    return null;
            }
        }

        private Rejection? Children(ComposedVaultState cv, IEnumerable<ChildFlow> flows)
        {
            foreach (var flow in flows)
            {
                if (!state.SimpleVaults.TryGetValue(flow.Child, out var child))
                {
                    continue;
                }

                if (flow.Operation is WithdrawalRequested q)
                {
                    // The request's value counts in the composed NAV until it settles (at most its value at request).
                    if (q.AssetsAtRequest > UInt128.MaxValue - InFlight(cv))
                    {
                        return ProtocolRejections.Nav(cv.Id, "the cash in flight");
                    }

                    _inFlight[cv.Id] = InFlight(cv) + q.AssetsAtRequest;
                }

                if (Simple(child, cv.Account, flow.Operation) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        /// <summary>The wallet and ledger arithmetic of one accounting record applied to a simple vault (as <c>ApplySimple</c> and <see cref="Vault.Apply"/> do it).</summary>
        private Rejection? Simple(SimpleVaultState sv, AccountId account, VaultOperation op, bool fromEscrow = false)
        {
            var symbol = sv.Spec.Asset;
            var paidOut = sv.Spec.FlowFeesPaidOut;
            var (assets, supply) = Ledger(sv);
            switch (op)
            {
                case Deposited d:
                    {
                        var added = paidOut ? d.Assets - d.EntryFee : d.Assets;
                        if (added > ShareLedger.MaxTotal - assets || d.Shares > ShareLedger.MaxTotal - supply)
                        {
                            return Rejections.Capacity();
                        }

                        _ledgers[sv.Id] = (assets + added, supply + d.Shares);
                        _shares[(sv.Id, d.Receiver)] = Shares(sv, d.Receiver) + d.Shares;
                        return (fromEscrow ? null : Debit(symbol, account, d.Assets)) ?? (paidOut ? Credit(symbol, sv.Spec.FeeRecipient, d.EntryFee) : null);
                    }

                case Withdrawn w:
                    {
                        var removed = paidOut ? checked(w.Assets + w.ExitFee) : w.Assets;
                        var held = Shares(sv, w.Owner);
                        if (w.Shares > held || w.Shares > supply || removed > assets)
                        {
                            return Rejections.NotEnoughShares(w.Owner, w.Shares.ToString(System.Globalization.CultureInfo.InvariantCulture), held);
                        }

                        _ledgers[sv.Id] = (assets - removed, supply - w.Shares);
                        _shares[(sv.Id, w.Owner)] = held - w.Shares;
                        return Credit(symbol, account, w.Assets) ?? (paidOut ? Credit(symbol, sv.Spec.FeeRecipient, w.ExitFee) : null);
                    }

                case WithdrawalRequested q:
                    {
                        var held = Shares(sv, q.Owner);
                        if (q.Shares > held)
                        {
                            return Rejections.NotEnoughShares(q.Owner, q.Shares.ToString(System.Globalization.CultureInfo.InvariantCulture), held);
                        }

                        _shares[(sv.Id, q.Owner)] = held - q.Shares;
                        return null;
                    }

                case WithdrawalSettled s:
                    {
                        var removed = paidOut ? checked(s.AssetsPaid + s.ExitFee) : s.AssetsPaid;
                        if (s.Shares > supply || removed > assets)
                        {
                            return Rejections.Capacity();
                        }

                        _ledgers[sv.Id] = (assets - removed, supply - s.Shares);
                        return Credit(symbol, s.Owner, s.AssetsPaid) ?? (paidOut ? Credit(symbol, sv.Spec.FeeRecipient, s.ExitFee) : null);
                    }

                case AssetsDonated g:
                    if (g.Assets > ShareLedger.MaxTotal - assets)
                    {
                        return Rejections.Capacity();
                    }

                    _ledgers[sv.Id] = (assets + g.Assets, supply);
                    return Debit(symbol, account, g.Assets);
                case NavReportApplied r:
                    return Report(sv, r, supply);
                case VaultUnpaused { AcceptedReport: { } accepted }:
                    return Report(sv, accepted, supply);
                default:
                    return null;
            }
        }

        private Rejection? Report(SimpleVaultState sv, NavReportApplied r, UInt128 supply)
        {
            var minted = checked((System.Numerics.BigInteger)r.ManagementFeeShares + r.PerformanceFeeShares);
            if (r.ReportedAssets > ShareLedger.MaxTotal || minted > ShareLedger.MaxTotal - supply)
            {
                return Rejections.Capacity();
            }

            _ledgers[sv.Id] = (r.ReportedAssets, supply + (UInt128)minted);
            return null;
        }

        /// <summary>An upper bound of the composed vault's NAV after the events so far: it must fit the ledger, or <c>SyncNav</c> would throw.</summary>
        private Rejection? Nav(ComposedVaultState cv)
        {
            var nav = (System.Numerics.BigInteger)Balance(cv.Spec.Asset, cv.Account) + InFlight(cv);
            foreach (var childId in cv.Spec.Children)
            {
                if (!state.SimpleVaults.TryGetValue(childId, out var child))
                {
                    continue;
                }

                var (assets, supply) = Ledger(child);
                nav += ExactMath.MulDiv(Shares(child, cv.Account), (System.Numerics.BigInteger)assets + 1, (System.Numerics.BigInteger)supply + child.Vault.Ledger.VirtualShares, Rounding.Floor);
            }

            return nav > ShareLedger.MaxTotal ? ProtocolRejections.Nav(cv.Id, $"its NAV after this command ({nav})") : null;
        }

        private Rejection? Mint(ComposedVaultState cv, UInt128 shares) =>
            shares > ShareLedger.MaxTotal - cv.Ledger.TotalSupply ? ProtocolRejections.Nav(cv.Id, "its share supply") : null;

        private (UInt128 Assets, UInt128 Supply) Ledger(SimpleVaultState sv) =>
            _ledgers.TryGetValue(sv.Id, out var l) ? l : (sv.Vault.TotalAssets, sv.Vault.TotalSupply);

        private UInt128 Shares(SimpleVaultState sv, AccountId account) =>
            _shares.TryGetValue((sv.Id, account), out var s) ? s : sv.Vault.BalanceOf(account);

        /// <summary>The composed vault's requests in flight, valued at their value at request (an upper bound of what NAV counts).</summary>
        private UInt128 InFlight(ComposedVaultState cv)
        {
            if (_inFlight.TryGetValue(cv.Id, out var known))
            {
                return known;
            }

            var total = System.Numerics.BigInteger.Zero;
            foreach (var childId in cv.Spec.Children)
            {
                if (state.SimpleVaults.TryGetValue(childId, out var child))
                {
                    foreach (var request in child.Vault.PendingWithdrawals(cv.Account))
                    {
                        total += request.AssetsAtRequest;
                    }
                }
            }

            return _inFlight[cv.Id] = total > UInt128.MaxValue ? UInt128.MaxValue : (UInt128)total;
        }

        private UInt128 Balance(AssetSymbol symbol, AccountId account) =>
            _wallets.TryGetValue((symbol, account), out var held) ? held : state.Balance(symbol, account);

        private Rejection? Credit(AssetSymbol symbol, AccountId account, UInt128 amount)
        {
            // A wallet's pending deposit requests hold part of it in escrow and may come back to it, so the room
            // left is what neither the wallet nor its escrow uses (the escrow taken as it stood before the command).
            var held = Balance(symbol, account);
            var escrowed = state.Escrowed(symbol, account);
            if (amount > UInt128.MaxValue - escrowed - held)
            {
                return ProtocolRejections.Overflow(symbol, account, held, escrowed, amount);
            }

            _wallets[(symbol, account)] = held + amount;
            return null;
        }

        private Rejection? Debit(AssetSymbol symbol, AccountId account, UInt128 amount)
        {
            var held = Balance(symbol, account);
            if (amount > held)
            {
                return ProtocolRejections.Short(symbol, account, held, amount);
            }

            _wallets[(symbol, account)] = held - amount;
            return null;
        }
    }
}
