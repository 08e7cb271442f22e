using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Costs;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>What a composed vault holds, in the order a rebalance reads its children (exact).</summary>
/// <param name="Names">The children, in the order of the other arrays.</param>
/// <param name="Children">Their states.</param>
/// <param name="Values">The composed vault's free shares of each, valued at <c>convertToAssets</c> (floor).</param>
/// <param name="Idle">The composed vault's idle cash.</param>
/// <param name="InFlight">Cash in flight from withdrawal requests.</param>
/// <param name="Nav">Idle + in flight + Σ values.</param>
internal sealed record RebalanceHoldings(IReadOnlyList<string> Names, SimpleVaultState[] Children, UInt128[] Values, UInt128 Idle, UInt128 InFlight, UInt128 Nav)
{
    /// <summary>The holdings of <paramref name="cv"/> now, children in <paramref name="names"/> order.</summary>
    public static RebalanceHoldings Of(ProtocolState state, ComposedVaultState cv, IReadOnlyList<string> names)
    {
        var n = names.Count;
        var children = new SimpleVaultState[n];
        var values = new UInt128[n];
        var idle = state.Balance(cv.Spec.Asset, cv.Account);
        var inFlight = ProtocolEngine.InFlight(state, cv);
        var nav = checked(idle + inFlight);
        for (var i = 0; i < n; i++)
        {
            children[i] = state.SimpleVaults[new VaultId(names[i])];
            var vault = children[i].Vault;
            values[i] = vault.ConvertToAssets(vault.BalanceOf(cv.Account));
            nav = checked(nav + values[i]);
        }

        return new RebalanceHoldings(names, children, values, idle, inFlight, nav);
    }
}

/// <summary>What a rebalance records besides its trades: the policy, why, the digest of its inputs, the row and the targets in force after it.</summary>
internal sealed record RebalanceRecord(PolicyHash Policy, TriggerReason Reason, string Digest, int Row, ImmutableArray<int> TargetsPpm);

/// <summary>
/// Turns a rebalance's planned weights into exact child operations, with the caps enforced first: a child above its
/// cap (<see cref="ChildCaps"/>) is sold down to it whatever the minimum trade, the policy's hold, the no-trade
/// fraction or the cost budget say, and no deposit takes a child above it (exact, against NAV after the trades).
/// </summary>
internal static class RebalanceExecution
{
    /// <summary>Rejection: a cap could not be met in <see cref="MaxCapRounds"/> rounds (a child that cannot pay anything out).</summary>
    public const string CapNotEnforceable = "cap-not-enforceable";

    /// <summary>Rounds of exact correction of the orders before giving up (each one moves an order strictly).</summary>
    private const int MaxCapRounds = 64;

    /// <summary>
    /// Only the caps: every child above its cap is sold down to it, nothing else trades, the proceeds stay idle and the
    /// targets in force are unchanged. Null when no child is above its cap (or the vault has no policy yet).
    /// </summary>
    public static CommandOutcome? TrimToCaps(ProtocolState state, ComposedVaultState cv, DateTimeOffset now)
    {
        var rails = cv.Spec.Rails;
        if (!ChildCaps.Any(rails) || cv.PolicyHash is not { } policy || cv.TargetsPpm is not { } inForce)
        {
            return null;
        }

        var held = RebalanceHoldings.Of(state, cv, [.. cv.Spec.Children.Select(c => c.Value)]);
        var limit = ChildCaps.Limit(rails, held.Nav);
        var first = ChildCaps.FirstOver(held.Values, limit);
        if (first < 0)
        {
            return null;
        }

        var n = held.Children.Length;
        var plan = new int[n];
        var hold = new bool[n];
        var limitPpm = limit >= held.Nav ? PartsPerMillion.One : (int)ExactMath.MulDiv(limit, PartsPerMillion.One, held.Nav, Rounding.Floor);
        for (var i = 0; i < n; i++)
        {
            hold[i] = held.Values[i] <= limit;
            plan[i] = hold[i] ? (int)ExactMath.MulDiv(held.Values[i], PartsPerMillion.One, held.Nav, Rounding.Floor) : limitPpm;
        }

        var reason = new TriggerReason(ChildCaps.TrimTrigger, $"caps: '{held.Names[first]}' holds {ProtocolEngine.Text(held.Values[first])}, above its cap of {ProtocolEngine.Text(limit)}; only what is above the caps is sold");
        var record = new RebalanceRecord(policy, reason, ChildCaps.TrimDigest(held.Names, held.Values, held.Idle, held.InFlight, limit), -1, [.. inForce]);
        return Execute(state, cv, held, plan, hold, record, now, trim: true);
    }

    /// <summary>
    /// Sizes the child trades so that weights after costs are the plan (the backtester's <see cref="SizingSolve"/> against
    /// <see cref="CostsOf"/>: the child exit fee on value sold, the entry fee on value bought, and a fixed cost per
    /// operation), then turns them into exact child operations: redemptions first, then deposits paid from idle cash;
    /// then corrects them, exactly, until every child is within its caps against NAV after the trades.
    /// </summary>
    public static CommandOutcome Execute(ProtocolState state, ComposedVaultState cv, RebalanceHoldings held, int[] plan, bool[] hold, RebalanceRecord record, DateTimeOffset now, bool trim)
    {
        var children = held.Children;
        var values = held.Values;
        var nav = held.Nav;
        var n = children.Length;
        var rails = cv.Spec.Rails;
        var navD = (double)nav;
        var w = plan.Select(p => p / (double)PartsPerMillion.One).ToArray();
        var v = values.Select(x => (double)x).ToArray();
        var minTrade = (double)rails.MinTradeAssets;
        var limit = ChildCaps.Limit(rails, nav);
        var forced = false;
        var over = new bool[n];
        var untouched = new bool[n];
        for (var i = 0; i < n; i++)
        {
            // A trade that enforces a cap is never suppressed: not by the minimum trade, a hold or the no-trade fraction.
            over[i] = values[i] > limit;
            forced |= over[i];
            untouched[i] = !over[i] && (trim || hold[i]);
        }

        // NAV after costs N' = N − C, C the cost of the trades: the backtester's sizing (SizingSolve.Size), so the
        // trading children share what the kept ones leave pro rata to the plan, and a trade under half a ppm of NAV,
        // under min_trade_assets or under one base unit is not made. A trim sizes only the children above their caps.
        var solve = new SizingSolve(CostsOf(cv, children));
        var sized = new double[n];
        double cost;
        if (trim)
        {
            cost = solve.Solve(w, v, untouched, navD, default, default, navD, sized);
        }
        else if (solve.Size(plan, v, navD, untouched, over, Math.Max(minTrade, 1), default, default, new double[n], sized) is { } solved)
        {
            cost = solved.Cost;
        }
        else
        {
            cost = 0;
        }

        var trading = new bool[n];
        for (var i = 0; i < n; i++)
        {
            trading[i] = !untouched[i];
        }

        var after = navD - Math.Clamp(cost, 0, navD);

        // The orders: shares to sell, assets (with the entry fee) to deposit.
        var sell = new UInt128[n];
        var buyTotal = new UInt128[n];
        var limitAfterCosts = ChildCaps.Limit(rails, after <= 0 ? UInt128.Zero : (UInt128)after);
        for (var i = 0; i < n; i++)
        {
            // A trim sells down to the cap itself (against NAV after costs), not to a weight of it.
            var target = trim ? Math.Min(v[i], (double)limitAfterCosts) : sized[i];
            if (!trading[i])
            {
                continue;
            }

            if (target < v[i])
            {
                sell[i] = children[i].Vault.ConvertToShares((UInt128)Math.Floor(v[i] - target));
            }
            else if (target > v[i] && !trim)
            {
                var net = (UInt128)Math.Floor(target - v[i]);
                buyTotal[i] = net + BasisPoints.FeeOnNet(net, children[i].Vault.Config.EntryFeeBps);
            }
        }

        // Exact correction: after the trades, every child within its caps against NAV after them; the cap wins.
        Trial trial;
        for (var round = 0; ; round++)
        {
            var result = Trade(state, cv, held, sell, buyTotal, trading, now);
            if (result.Rejection is { } rejected)
            {
                return rejected;
            }

            trial = result.Trial!;
            if (!ChildCaps.Any(rails))
            {
                break;
            }

            var changed = false;
            var limitAfter = ChildCaps.Limit(rails, trial.NavAfter);
            for (var i = 0; i < n; i++)
            {
                if (trial.ValueAfter[i] <= limitAfter)
                {
                    continue;
                }

                forced = true;
                changed = true;
                trading[i] = true;
                if (buyTotal[i] > 0)
                {
                    // Deposit less: by the excess, its entry fee, and a unit for the child's rounding.
                    var excess = trial.ValueAfter[i] - limitAfter;
                    buyTotal[i] -= UInt128.Min(buyTotal[i], checked(excess + BasisPoints.FeeOnNet(excess, children[i].Vault.Config.EntryFeeBps) + 1));
                    continue;
                }

                // Sell down to the most shares worth the limit at the child's price after the sale.
                var vault = children[i].Vault;
                var balance = vault.BalanceOf(cv.Account);
                var (assets, supply) = trial.PriceAfter[i];
                var keep = UInt128.Min(balance, ChildCaps.SharesWorthAtMost(limitAfter, assets, supply));
                var progress = trial.Skipped[i]
                    ? UInt128.Max(sell[i] > UInt128.MaxValue / 2 ? UInt128.MaxValue : sell[i] * 2, vault.Ledger.ConvertToShares(1, Rounding.Ceiling))
                    : sell[i] + 1;
                sell[i] = UInt128.Min(balance, UInt128.Max(balance - keep, progress));
            }

            if (forced && trial.Cash < trial.FixedCosts)
            {
                changed |= CoverFixedCosts(children, cv.Account, sell, buyTotal, trading, trial.FixedCosts - trial.Cash);
            }

            if (!changed)
            {
                break;
            }

            if (round == MaxCapRounds)
            {
                return CommandOutcome.Reject(CapNotEnforceable, $"{record.Reason.Text}: no trades found within {MaxCapRounds} rounds that keep every child within its cap of {ProtocolEngine.Text(limitAfter)} (a child that cannot pay out)");
            }
        }

        if (trial.Operations == 0)
        {
            return CommandOutcome.Nothing($"{record.Reason.Text}, but every child trade is below the minimum trade or rounds to nothing");
        }

        var fixedCosts = trial.FixedCosts;
        if (trial.Cash < fixedCosts)
        {
            var refused = CommandOutcome.Reject(RebalanceRejections.InsufficientIdle, $"the fixed costs {ProtocolEngine.Text(fixedCosts)} exceed the idle cash {ProtocolEngine.Text(trial.Cash)} after the trades");
            if (!forced)
            {
                return refused;
            }

            if (!trim)
            {
                return TrimToCaps(state, cv, now) ?? refused;
            }

            // Only the caps, and nothing can be sold for cash (children that settle later): the cap still wins; the
            // fixed costs are what the idle cash can pay.
            fixedCosts = trial.Cash;
        }

        var navAfter = trial.NavAfter;
        var flowFees = trial.FlowFees;

        // Cost budget: replenished linearly per day up to its capacity. Trades that enforce a cap are made even when
        // they cost more than is available (the budget is then empty); the policy's other trades are not.
        UInt128? budgetAfter = null;
        var costs = flowFees + fixedCosts;
        if (rails.CostBudget is { } capacity)
        {
            var elapsed = (UInt128)Math.Max(0, (now - cv.CostBudgetAt).Ticks);
            var refill = ExactMath.MulDiv(rails.CostBudgetPerDay, elapsed, (UInt128)TimeSpan.TicksPerDay, Rounding.Floor);
            var available = UInt128.Min(capacity, cv.CostBudget + refill);
            if (costs > available && !trim)
            {
                var refused = CommandOutcome.Reject(RebalanceRejections.CostBudgetExceeded, $"{record.Reason.Text}: the rebalance would cost {ProtocolEngine.Text(costs)}, the cost budget has {ProtocolEngine.Text(available)} available");
                return forced ? TrimToCaps(state, cv, now) ?? refused : refused;
            }

            budgetAfter = available - UInt128.Min(costs, available);
        }

        // Conservation: nothing but costs and rounding may leave the vault. Each child operation may round away up to
        // one child share's worth (the shares minted or burned are whole), so the tolerance grows with them.
        var tolerance = rails.ConservationTolerance;
        foreach (var flow in trial.Flows)
        {
            var ledger = state.SimpleVaults[flow.Child].Vault.Ledger;
            tolerance += ExactMath.MulDiv(1, ledger.TotalAssets + 1, ledger.TotalSupply + ledger.VirtualShares, Rounding.Ceiling) + 1;
        }

        if (checked(navAfter + costs + tolerance) < nav)
        {
            return CommandOutcome.Reject(RebalanceRejections.ConservationCheckFailed, $"{record.Reason.Text}: the trades would take NAV from {ProtocolEngine.Text(nav)} to {ProtocolEngine.Text(navAfter)} with costs {ProtocolEngine.Text(costs)}, losing more than the rounding tolerance {ProtocolEngine.Text(tolerance)}; refused");
        }

        return CommandOutcome.Of(new Rebalanced(cv.Id, record.Policy, record.Reason.Kind, record.Reason.Text, record.Digest, record.Row, record.TargetsPpm, trial.Flows, flowFees, fixedCosts, nav, navAfter, budgetAfter, now));
    }

    /// <summary>
    /// The composed vault's cost model for its children (<see cref="CostModel.ForChildVaults"/>): each child's entry fee
    /// on value bought, its exit fee on value sold, and the rails' fixed cost per operation.
    /// </summary>
    internal static CostModel CostsOf(ComposedVaultState cv, IReadOnlyList<SimpleVaultState> children) =>
        CostModel.ForChildVaults([.. children.Select(c => c.Vault.Config)], cv.Spec.Rails.FixedCostPerOperation);

    /// <summary>
    /// Pays a shortfall of idle cash for the fixed costs of cap-enforcing trades by selling more of a child with
    /// instant withdrawals: one already being sold, else the largest one not being bought. False when none can.
    /// </summary>
    private static bool CoverFixedCosts(SimpleVaultState[] children, AccountId account, UInt128[] sell, UInt128[] buyTotal, bool[] trading, UInt128 shortfall)
    {
        var payer = -1;
        for (var i = 0; i < children.Length; i++)
        {
            var vault = children[i].Vault;
            var free = vault.BalanceOf(account);
            if (vault.MaxRedeem(account) == 0 || buyTotal[i] > 0 || free <= sell[i])
            {
                continue;
            }

            if (payer < 0 || (sell[i] > 0 && sell[payer] == 0) || ((sell[i] > 0) == (sell[payer] > 0) && free - sell[i] > children[payer].Vault.BalanceOf(account) - sell[payer]))
            {
                payer = i;
            }
        }

        if (payer < 0)
        {
            return false;
        }

        var child = children[payer].Vault;
        var gross = BasisPoints.GrossForNet(shortfall, child.Config.ExitFeeBps);
        var extra = child.Ledger.ConvertToShares(gross, Rounding.Ceiling) + 1;
        var balance = child.BalanceOf(account);
        sell[payer] = UInt128.Min(balance, sell[payer] + UInt128.Min(extra, balance - sell[payer]));
        trading[payer] = true;
        return true;
    }

    /// <summary>The exact child operations for the orders: redemptions (or withdrawal requests) first, then deposits from the cash.</summary>
    private static (Trial? Trial, CommandOutcome? Rejection) Trade(ProtocolState state, ComposedVaultState cv, RebalanceHoldings held, UInt128[] sell, UInt128[] buyTotal, bool[] trading, DateTimeOffset now)
    {
        var children = held.Children;
        var n = children.Length;
        var rails = cv.Spec.Rails;
        var account = cv.Account;
        var flows = ImmutableArray.CreateBuilder<ChildFlow>();
        var cash = held.Idle;
        var inFlight = held.InFlight;
        var flowFees = UInt128.Zero;
        var operations = 0;
        var valueAfter = (UInt128[])held.Values.Clone();
        var priceAfter = new (UInt128 Assets, UInt128 SupplyWithVirtual)[n];
        var skipped = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var ledger = children[i].Vault.Ledger;
            priceAfter[i] = (ledger.TotalAssets, ledger.TotalSupply + ledger.VirtualShares);
        }

        // Redemptions first: they fund the deposits.
        for (var i = 0; i < n; i++)
        {
            var shares = sell[i];
            if (shares == 0)
            {
                continue;
            }

            var vault = children[i].Vault;
            if (!children[i].Spec.InstantWithdrawals)
            {
                // The child pays later: file a request; its value is cash in flight until a settlement pays it.
                var request = vault.DecideRequestWithdrawal(account, shares, rails.RequestMaxLossBps, now);
                if (request.Rejection is { Code: Rejections.ZeroAssets })
                {
                    skipped[i] = true;
                    continue; // worth less than one base unit: not a trade
                }

                if (request.Rejection is { } rr)
                {
                    return (null, CommandOutcome.Reject(rr.Code, $"child '{children[i].Id}': {rr.Message}"));
                }

                var filed = request.Operation!;
                flows.Add(new ChildFlow(children[i].Id, filed));
                operations++;
                valueAfter[i] = ExactMath.MulDiv(vault.BalanceOf(account) - shares, vault.Ledger.TotalAssets + 1, vault.Ledger.TotalSupply + vault.Ledger.VirtualShares, Rounding.Floor);

                // In flight at what settling would pay now (value less exit fee); the exit fee it will pay counts as a cost now.
                var expected = UInt128.Min(filed.AssetsAtRequest, vault.PreviewRedeem(shares));
                inFlight += expected;
                flowFees += filed.AssetsAtRequest - expected;
                continue;
            }

            var decision = vault.DecideRedeem(account, shares, now);
            if (decision.Rejection is { Code: Rejections.ZeroAssets })
            {
                skipped[i] = true;
                continue; // worth less than one base unit after the exit fee: not a trade
            }

            if (decision.Rejection is { } r)
            {
                return (null, CommandOutcome.Reject(r.Code, $"child '{children[i].Id}': {r.Message}"));
            }

            var op = decision.Operation!;
            flows.Add(new ChildFlow(children[i].Id, op));
            cash += op.Assets;
            flowFees += op.ExitFee;
            operations++;
            (valueAfter[i], priceAfter[i]) = ValueAfter(children[i], account, op);
        }

        // Keep the fixed cost of every planned operation back from the deposits.
        var fixedCosts = checked(rails.FixedCostPerOperation * (UInt128)trading.Count(t => t));
        for (var i = 0; i < n; i++)
        {
            if (buyTotal[i] == 0)
            {
                continue;
            }

            var spendable = cash > fixedCosts ? cash - fixedCosts : UInt128.Zero;
            var total = UInt128.Min(buyTotal[i], spendable);
            if (total == 0)
            {
                continue;
            }

            var vault = children[i].Vault;
            var decision = vault.DecideDeposit(account, total, now);
            if (decision.Rejection is { Code: Rejections.ZeroShares })
            {
                continue;
            }

            if (decision.Rejection is { } r)
            {
                return (null, CommandOutcome.Reject(r.Code, $"child '{children[i].Id}': {r.Message}"));
            }

            var op = decision.Operation!;
            flows.Add(new ChildFlow(children[i].Id, op));
            cash -= op.Assets;
            flowFees += op.EntryFee;
            operations++;
            (valueAfter[i], priceAfter[i]) = ValueAfter(children[i], account, op);
        }

        var costs = checked(rails.FixedCostPerOperation * (UInt128)operations);
        var navAfter = checked((cash > costs ? cash - costs : UInt128.Zero) + inFlight);
        foreach (var value in valueAfter)
        {
            navAfter = checked(navAfter + value);
        }

        return (new Trial(flows.ToImmutable(), cash, flowFees, costs, operations, valueAfter, priceAfter, skipped, navAfter), null);
    }

    /// <summary>What the composed vault's shares of a child are worth after one operation on that child (exact), and the child's price then.</summary>
    internal static (UInt128 Value, (UInt128 Assets, UInt128 SupplyWithVirtual) Price) ValueAfter(SimpleVaultState child, AccountId account, VaultOperation op)
    {
        var ledger = child.Vault.Ledger;
        var paidOut = child.Spec.FlowFeesPaidOut;
        var (assets, supply, held) = op switch
        {
            Deposited d => (ledger.TotalAssets + (paidOut ? d.Assets - d.EntryFee : d.Assets), ledger.TotalSupply + d.Shares, ledger.BalanceOf(account) + d.Shares),
            Withdrawn x => (ledger.TotalAssets - (paidOut ? x.Assets + x.ExitFee : x.Assets), ledger.TotalSupply - x.Shares, ledger.BalanceOf(account) - x.Shares),
            _ => throw new ArgumentException("not a flow", nameof(op)),
        };
        return (ExactMath.MulDiv(held, assets + 1, supply + ledger.VirtualShares, Rounding.Floor), (assets, supply + ledger.VirtualShares));
    }

    /// <summary>One exact attempt at the orders: the operations, cash before fixed costs, fees, fixed costs, holdings and prices after, and NAV after.</summary>
    private sealed record Trial(ImmutableArray<ChildFlow> Flows, UInt128 Cash, UInt128 FlowFees, UInt128 FixedCosts, int Operations, UInt128[] ValueAfter, (UInt128 Assets, UInt128 SupplyWithVirtual)[] PriceAfter, bool[] Skipped, UInt128 NavAfter);
}
