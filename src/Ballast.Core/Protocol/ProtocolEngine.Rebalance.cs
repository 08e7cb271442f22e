using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The keeper's rebalance: the composed vault's policy (the backtester's code: <see cref="RebalancePolicy.Decide"/>,
/// <see cref="RebalancePolicy.ComputeTargets"/>, <see cref="RebalancePolicy.PlanTargets(in PolicyContext, Span{int}, Span{bool})"/>)
/// evaluated on the journaled NAV history of its children, then the rails, then exact child operations.
/// </summary>
public sealed partial class ProtocolEngine
{
    /// <summary>The children's NAV history as a price table (one row per day with a report, forward filled from the day every child has one), or null before two such days.</summary>
    public static PriceTable? NavTable(ProtocolState state, ComposedVaultState cv, IReadOnlyList<string> names, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(cv);
        ArgumentNullException.ThrowIfNull(names);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var series = new SortedDictionary<DateOnly, double>[names.Count];
        var dates = new SortedSet<DateOnly>();
        var start = DateOnly.MinValue;
        for (var i = 0; i < names.Count; i++)
        {
            series[i] = [];
            foreach (var (at, price) in state.SimpleVaults[names[i]].History)
            {
                var day = DateOnly.FromDateTime(at.UtcDateTime);
                if (day <= today)
                {
                    series[i][day] = (double)price.Assets / (double)price.Shares;
                    dates.Add(day);
                }
            }

            if (series[i].Count == 0)
            {
                return null;
            }

            var first = series[i].Keys.First();
            start = first > start ? first : start;
        }

        var rows = dates.Where(d => d >= start).ToArray();
        if (rows.Length < 2)
        {
            return null;
        }

        var prices = new double[rows.Length * names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var last = double.NaN;
            var history = series[i];
            foreach (var (day, price) in history)
            {
                if (day <= start)
                {
                    last = price;
                }
            }

            for (var r = 0; r < rows.Length; r++)
            {
                if (history.TryGetValue(rows[r], out var p))
                {
                    last = p;
                }

                prices[(r * names.Count) + i] = last;
            }
        }

        return new PriceTable([.. names], rows, prices);
    }

    private CommandOutcome DecideRebalance(ProtocolState state, string vaultId, DateTimeOffset now)
    {
        if (!state.ComposedVaults.TryGetValue(vaultId, out var cv))
        {
            return state.SimpleVaults.ContainsKey(vaultId) ? CommandOutcome.Reject("not-supported", $"'{vaultId}' is a simple vault; only composed vaults rebalance") : UnknownVault(vaultId);
        }

        if (cv.Paused)
        {
            return CommandOutcome.Reject(Rejections.Paused());
        }

        if (cv.PolicyHash is not { } hash || cv.TargetsPpm is not { } inForce)
        {
            return CommandOutcome.Reject("no-policy", $"'{cv.Id}' has no policy");
        }

        var rails = cv.Spec.Rails;
        if (cv.LastRebalanceAt is { } lastAt && rails.CooldownSeconds > 0 && now < lastAt.AddSeconds(rails.CooldownSeconds))
        {
            return CommandOutcome.Nothing($"cooldown: the last rebalance was at {lastAt:O}; the next may come from {lastAt.AddSeconds(rails.CooldownSeconds):O}");
        }

        RebalancePolicy policy;
        try
        {
            policy = Policy(state, hash);
        }
        catch (BallastInputException e)
        {
            return CommandOutcome.Reject("policy-failed", $"the policy attached to '{cv.Id}' does not compile: {e.Message}");
        }

        var names = policy.Names;
        var n = names.Count;
        var table = NavTable(state, cv, names, now);
        if (table is null)
        {
            return CommandOutcome.Nothing("not enough NAV history yet: the policy needs two days on which every child has reported");
        }

        if (policy.NeedsPrices && policy.HistoryRows > 0)
        {
            if (table.RowCount <= policy.HistoryRows + 1)
            {
                return CommandOutcome.Nothing($"not enough NAV history yet: the policy looks back {policy.HistoryRows} rows, the children have {table.RowCount}");
            }

            table = table.WithHistory(policy.HistoryRows);
        }

        var row = table.RowCount - 1;
        if (cv.LastRebalanceAt is { } previous && DateOnly.FromDateTime(previous.UtcDateTime) >= table.Dates[row])
        {
            return CommandOutcome.Nothing($"already rebalanced on {table.FormatDate(table.Dates[row])}: at most one rebalance per row of NAV history (as in a backtest)");
        }

        var periods = cv.Spec.PeriodsPerYear ?? table.InferPeriodsPerYear();

        // Holdings in policy order, exact, and as weights of NAV.
        var symbol = cv.Spec.Asset;
        var children = new SimpleVaultState[n];
        var values = new UInt128[n];
        var idle = state.Balance(symbol, cv.Account);
        var inFlight = InFlight(state, cv);
        var nav = checked(idle + inFlight);
        for (var i = 0; i < n; i++)
        {
            children[i] = state.SimpleVaults[names[i]];
            var vault = children[i].Vault;
            values[i] = vault.ConvertToAssets(vault.BalanceOf(cv.Account));
            nav = checked(nav + values[i]);
        }

        if (nav == 0)
        {
            return CommandOutcome.Nothing("the vault holds nothing to rebalance");
        }

        var navD = (double)nav;
        var weights = new double[n];
        var targets = new double[n];
        var maxDrift = 0.0;
        for (var i = 0; i < n; i++)
        {
            weights[i] = (double)values[i] / navD;
            targets[i] = inForce[cv.Spec.Children.IndexOf(names[i])] / (double)PartsPerMillion.One;
            maxDrift = Math.Max(maxDrift, Math.Abs(weights[i] - targets[i]));
        }

        var lastRow = LastRebalanceRow(table, cv.LastRebalanceAt);
        PolicyState? regime = null;
        if (policy.ObservesVolatility)
        {
            // The regime is replayed over the history with today's weights (see docs/protocol.md).
            regime = new PolicyState();
            for (var r = 1; r <= row; r++)
            {
                policy.Observe(new PolicyContext(table.Calendar, r, weights, navD, lastRow, false, double.NaN, default, table, regime, periods), regime);
            }
        }

        var risk = policy.IsRiskBased;
        var context = new PolicyContext(table.Calendar, row, weights, navD, lastRow, false, maxDrift, risk ? targets : default, table, regime, periods);
        var reason = policy.Decide(context);
        if (reason is null)
        {
            return CommandOutcome.Nothing($"no trigger fired on {table.FormatDate(table.Dates[row])} (largest drift {maxDrift:P3}); nothing changed");
        }

        var digest = InputsDigest(table, names, values, idle, inForce, lastRow, row);

        var plan = new int[n];
        var hold = new bool[n];
        var planning = context;
        var proposed = targets;
        if (risk)
        {
            var proposedPpm = new int[n];
            try
            {
                policy.ComputeTargets(context, proposedPpm);
            }
            catch (BallastInputException e)
            {
                return CommandOutcome.Reject("policy-failed", e.Message);
            }

            proposed = [.. proposedPpm.Select(p => p / (double)PartsPerMillion.One)];
            planning = new PolicyContext(table.Calendar, row, weights, navD, lastRow, false, maxDrift, proposed, table, regime, periods);
        }

        if (!policy.PlanTargets(planning, plan, hold))
        {
            return CommandOutcome.Nothing($"{reason.Text}, but the plan leaves nothing to trade");
        }

        ApplyWeightRails(rails, plan, weights, nav);
        return Execute(state, cv, policy, children, values, idle, inFlight, nav, plan, hold, proposed, reason, digest, row, now);
    }

    private static int LastRebalanceRow(PriceTable table, DateTimeOffset? last)
    {
        if (last is not { } at)
        {
            return 0;
        }

        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var index = Array.BinarySearch(table.Dates, day);
        return index >= 0 ? index : Math.Max(0, ~index - 1);
    }

    /// <summary>Caps per child and the largest weight step: they only lower what a child gets, the rest stays idle.</summary>
    private static void ApplyWeightRails(RebalanceRails rails, int[] plan, double[] weights, UInt128 nav)
    {
        for (var i = 0; i < plan.Length; i++)
        {
            // The step first, then the caps: a cap always holds, even if it takes a bigger step to get under it.
            if (rails.MaxStepPpm is { } step)
            {
                var current = (int)Math.Round(weights[i] * PartsPerMillion.One, MidpointRounding.AwayFromZero);
                plan[i] = Math.Clamp(plan[i], Math.Max(0, current - step), current + step);
            }

            if (rails.MaxChildPpm is { } cap)
            {
                plan[i] = Math.Min(plan[i], cap);
            }

            if (rails.MaxChildAssets is { } capAssets)
            {
                var ppm = capAssets >= nav ? PartsPerMillion.One : (int)ExactMath.MulDiv(capAssets, PartsPerMillion.One, nav, Rounding.Floor);
                plan[i] = Math.Min(plan[i], ppm);
            }
        }

        // Never plan more than the whole NAV: scale the increases down if the step rail pushed the sum above one.
        var total = plan.Sum(p => (long)p);
        if (total > PartsPerMillion.One)
        {
            var excess = total - PartsPerMillion.One;
            var increases = Enumerable.Range(0, plan.Length).Select(i => Math.Max(0L, plan[i] - (long)Math.Round(weights[i] * PartsPerMillion.One))).ToArray();
            var sum = increases.Sum();
            for (var i = 0; i < plan.Length && sum > 0; i++)
            {
                plan[i] -= (int)Math.Min(plan[i], (excess * increases[i] + sum - 1) / sum);
            }
        }
    }

    /// <summary>
    /// Sizes the child trades so that weights after costs are the plan (the backtester's closed form: costs are the
    /// child exit fee on value sold, the entry fee on value bought, and a fixed cost per operation), then turns them
    /// into exact child operations: redemptions first, then deposits paid from idle cash.
    /// </summary>
    private static CommandOutcome Execute(ProtocolState state, ComposedVaultState cv, RebalancePolicy policy, SimpleVaultState[] children, UInt128[] values, UInt128 idle, UInt128 inFlight, UInt128 nav, int[] plan, bool[] hold, double[] proposed, TriggerReason reason, string digest, int row, DateTimeOffset now)
    {
        var n = children.Length;
        var rails = cv.Spec.Rails;
        var navD = (double)nav;
        var w = plan.Select(p => p / (double)PartsPerMillion.One).ToArray();
        var v = values.Select(x => (double)x).ToArray();
        var fixedCost = (double)rails.FixedCostPerOperation;
        var minTrade = (double)rails.MinTradeAssets;
        var trading = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var delta = Math.Abs((w[i] * navD) - v[i]);
            trading[i] = !hold[i] && delta >= Backtesting.Backtester.NoTradeFraction * navD && delta >= minTrade && delta >= 1;
        }

        // NAV after costs N' solves N' = N − F·k − Σ rᵢ|wᵢN' − vᵢ|; closed form once the directions are known.
        var after = navD;
        for (var iteration = 0; iteration < 20; iteration++)
        {
            var numerator = navD;
            var denominator = 1.0;
            for (var i = 0; i < n; i++)
            {
                if (!trading[i])
                {
                    continue;
                }

                numerator -= fixedCost;
                var buy = (w[i] * after) > v[i];
                var rate = (buy ? children[i].Vault.Config.EntryFeeBps : children[i].Vault.Config.ExitFeeBps) / (double)BasisPoints.One;
                numerator += buy ? rate * v[i] : -rate * v[i];
                denominator += buy ? rate * w[i] : -rate * w[i];
            }

            var next = numerator / denominator;
            if (next == after)
            {
                break;
            }

            after = next;
        }

        var account = cv.Account;
        var flows = ImmutableArray.CreateBuilder<ChildFlow>();
        var cash = idle;
        var flowFees = UInt128.Zero;
        var operations = 0;
        var navAfter = UInt128.Zero;
        var valueAfter = new UInt128[n];
        Array.Copy(values, valueAfter, n);

        // Redemptions first: they fund the deposits.
        for (var i = 0; i < n; i++)
        {
            var target = w[i] * after;
            if (!trading[i] || target >= v[i])
            {
                continue;
            }

            var vault = children[i].Vault;
            var shares = vault.ConvertToShares((UInt128)Math.Floor(v[i] - target));
            if (shares == 0)
            {
                continue;
            }

            if (!children[i].Spec.InstantWithdrawals)
            {
                // The child pays later: file a request; its value is cash in flight until a settlement pays it.
                var request = vault.DecideRequestWithdrawal(account, shares, rails.RequestMaxLossBps, now);
                if (request.Rejection is { Code: Rejections.ZeroAssets })
                {
                    continue; // worth less than one base unit: not a trade
                }

                if (request.Rejection is { } rr)
                {
                    return CommandOutcome.Reject(rr.Code, $"child '{children[i].Id}': {rr.Message}");
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
                continue; // worth less than one base unit after the exit fee: not a trade
            }

            if (decision.Rejection is { } r)
            {
                return CommandOutcome.Reject(r.Code, $"child '{children[i].Id}': {r.Message}");
            }

            var op = decision.Operation!;
            flows.Add(new ChildFlow(children[i].Id, op));
            cash += op.Assets;
            flowFees += op.ExitFee;
            operations++;
            valueAfter[i] = ValueAfter(children[i], account, op);
        }

        // Keep the fixed cost of every planned operation back from the deposits.
        var fixedCosts = checked(rails.FixedCostPerOperation * (UInt128)trading.Count(t => t));
        for (var i = 0; i < n; i++)
        {
            var target = w[i] * after;
            if (!trading[i] || target <= v[i])
            {
                continue;
            }

            var net = (UInt128)Math.Floor(target - v[i]);
            var total = net + BasisPoints.FeeOnNet(net, children[i].Vault.Config.EntryFeeBps);
            var spendable = cash > fixedCosts ? cash - fixedCosts : UInt128.Zero;
            total = UInt128.Min(total, spendable);
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
                return CommandOutcome.Reject(r.Code, $"child '{children[i].Id}': {r.Message}");
            }

            var op = decision.Operation!;
            flows.Add(new ChildFlow(children[i].Id, op));
            cash -= op.Assets;
            flowFees += op.EntryFee;
            operations++;
            valueAfter[i] = ValueAfter(children[i], account, op);
        }

        if (operations == 0)
        {
            return CommandOutcome.Nothing($"{reason.Text}, but every child trade is below the minimum trade or rounds to nothing");
        }

        fixedCosts = checked(rails.FixedCostPerOperation * (UInt128)operations);
        if (cash < fixedCosts)
        {
            return CommandOutcome.Reject("insufficient-idle", $"the fixed costs {Text(fixedCosts)} exceed the idle cash {Text(cash)} after the trades");
        }

        cash -= fixedCosts;
        navAfter = cash + inFlight;
        foreach (var value in valueAfter)
        {
            navAfter += value;
        }

        // Cost budget: replenished linearly per day up to its capacity.
        UInt128? budgetAfter = null;
        var costs = flowFees + fixedCosts;
        if (rails.CostBudget is { } capacity)
        {
            var elapsed = (UInt128)Math.Max(0, (now - cv.CostBudgetAt).Ticks);
            var refill = ExactMath.MulDiv(rails.CostBudgetPerDay, elapsed, (UInt128)TimeSpan.TicksPerDay, Rounding.Floor);
            var available = UInt128.Min(capacity, cv.CostBudget + refill);
            if (costs > available)
            {
                return CommandOutcome.Reject("cost-budget-exceeded", $"{reason.Text}: the rebalance would cost {Text(costs)}, the cost budget has {Text(available)} available");
            }

            budgetAfter = available - costs;
        }

        // Conservation: nothing but costs and rounding may leave the vault. Each child operation may round away up to
        // one child share's worth (the shares minted or burned are whole), so the tolerance grows with them.
        var tolerance = rails.ConservationTolerance;
        foreach (var flow in flows)
        {
            var ledger = state.SimpleVaults[flow.Child].Vault.Ledger;
            tolerance += ExactMath.MulDiv(1, ledger.TotalAssets + 1, ledger.TotalSupply + ledger.VirtualShares, Rounding.Ceiling) + 1;
        }

        if (checked(navAfter + costs + tolerance) < nav)
        {
            return CommandOutcome.Reject("conservation-check-failed", $"{reason.Text}: the trades would take NAV from {Text(nav)} to {Text(navAfter)} with costs {Text(costs)}, losing more than the rounding tolerance {Text(tolerance)}; refused");
        }

        // Targets in force from now on: a risk-based policy's new targets (exact ppm, as it computed them); fixed ones unchanged.
        var targetsPpm = new int[n];
        PartsPerMillion.Round(proposed.AsSpan(), targetsPpm.AsSpan(), default);
        var byChild = policy.IsRiskBased ? cv.Spec.Children.Select(c => targetsPpm[IndexOf(policy.Names, c)]).ToImmutableArray() : [.. cv.TargetsPpm!];
        return CommandOutcome.Of(new Rebalanced(cv.Id, policy.Hash, reason.Kind, reason.Text, digest, row, byChild, flows.ToImmutable(), flowFees, fixedCosts, nav, navAfter, budgetAfter, now));
    }

    /// <summary>What the composed vault's shares of a child are worth after one operation on that child (exact).</summary>
    private static UInt128 ValueAfter(SimpleVaultState child, AccountId account, VaultOperation op)
    {
        var ledger = child.Vault.Ledger;
        var paidOut = child.Spec.FlowFeesPaidOut;
        var (assets, supply, held) = op switch
        {
            Deposited d => (ledger.TotalAssets + (paidOut ? d.Assets - d.EntryFee : d.Assets), ledger.TotalSupply + d.Shares, ledger.BalanceOf(account) + d.Shares),
            Withdrawn x => (ledger.TotalAssets - (paidOut ? x.Assets + x.ExitFee : x.Assets), ledger.TotalSupply - x.Shares, ledger.BalanceOf(account) - x.Shares),
            _ => throw new ArgumentException("not a flow", nameof(op)),
        };
        return ExactMath.MulDiv(held, assets + 1, supply + ledger.VirtualShares, Rounding.Floor);
    }

    /// <summary>SHA-256 of everything the policy saw: the NAV table, holdings, idle cash, targets in force and rows.</summary>
    private static string InputsDigest(PriceTable table, IReadOnlyList<string> names, UInt128[] values, UInt128 idle, int[] inForce, int lastRow, int row)
    {
        var text = new StringBuilder();
        text.Append("names:").AppendJoin(',', names).Append('\n');
        for (var r = 0; r < table.RowCount; r++)
        {
            text.Append(table.Dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            foreach (var p in table.Row(r))
            {
                text.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        if (table.History is { } history)
        {
            for (var r = 0; r < history.RowCount; r++)
            {
                text.Append("history ").Append(history.Dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                foreach (var p in history.Row(r))
                {
                    text.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }
        }

        text.Append("values:").AppendJoin(',', values.Select(Text)).Append('\n');
        text.Append("idle:").Append(Text(idle)).Append('\n');
        text.Append("targets:").AppendJoin(',', inForce).Append('\n');
        text.Append("rows:").Append(lastRow).Append(',').Append(row).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
