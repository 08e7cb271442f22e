using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The keeper's rebalance planner: a composed vault's policy (stored and attached by <see cref="SetPolicyCommand"/>
/// or a governance action), evaluated with the backtester's code (<see cref="RebalancePolicy.Decide"/>,
/// <see cref="RebalancePolicy.ComputeTargets"/>, <see cref="RebalancePolicy.PlanTargets(in PolicyContext, Span{int}, Span{bool})"/>)
/// on the journaled NAV history of its children (<see cref="NavTable"/>), then the rails, then exact child
/// operations (<see cref="RebalanceExecution"/>).
/// </summary>
internal sealed class RebalancePlanner(IPolicyCompiler compiler, PolicyCache cache)
{
    private readonly IPolicyCompiler _compiler = compiler;
    private readonly PolicyCache _cache = cache;

    /// <summary>Applies <see cref="PolicyStored"/>, <see cref="PolicyAttached"/>, <see cref="PolicyObserved"/> and <see cref="Rebalanced"/>.</summary>
    internal void Apply(ProtocolState state, ProtocolEvent e)
    {
        switch (e)
        {
            case PolicyStored p:
                state.PoliciesMutable[p.Hash] = p;
                break;
            case PolicyAttached p:
                {
                    var cv = state.ComposedVaults[p.Vault];
                    var policy = _cache.Get(state, p.Hash);
                    cv.PolicyHash = p.Hash;
                    cv.TargetsPpm = InitialTargets(cv, policy);
                    cv.PolicyState = null; // a new policy starts with a fresh state
                    cv.PolicyObservedThrough = null;
                    break;
                }

            case PolicyObserved o:
                {
                    var cv = state.ComposedVaults[o.Vault];
                    cv.PolicyState = new PolicyState(o.HighVolatility, o.Volatility ?? double.NaN);
                    cv.PolicyObservedThrough = o.Through;
                    break;
                }

            case Rebalanced r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    foreach (var flow in r.Trades)
                    {
                        SimpleVaultDecisions.ApplyOperation(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    state.Debit(cv.Spec.Asset, cv.Account, r.FixedCosts);
                    state.Credit(cv.Spec.Asset, cv.Spec.CostRecipient, r.FixedCosts);
                    cv.TargetsPpm = [.. r.TargetsPpm];
                    if (r.Trigger != ChildCaps.TrimTrigger)
                    {
                        cv.LastRebalanceAt = r.At; // a trim to the caps is not the policy's rebalance
                    }
                    if (r.CostBudgetAfter is { } budget)
                    {
                        cv.CostBudget = budget;
                        cv.CostBudgetAt = r.At;
                    }

                    ComposedVaultDecisions.SyncNav(state, cv);
                    break;
                }

            default:
                throw new ArgumentException($"no policy rule applies {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>Decides <see cref="SetPolicyCommand"/>: the policy text compiles, holds the vault's children, and is stored (when new) and attached.</summary>
    internal CommandOutcome DecideSetPolicy(ProtocolState state, SetPolicyCommand c, DateTimeOffset now)
    {
        if (!state.ComposedVaults.TryGetValue(c.Vault, out var cv))
        {
            return state.SimpleVaults.ContainsKey(c.Vault) ? CommandOutcome.Reject(VaultRejections.NotSupported, $"'{c.Vault}' is a simple vault; only composed vaults follow a policy") : SimpleVaultDecisions.UnknownVault(c.Vault);
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
            return CommandOutcome.Reject(RebalanceRejections.InvalidPolicy, e.Message);
        }

        var universe = spec.Universe.Order(StringComparer.Ordinal).ToArray();
        var children = cv.Spec.Children.Select(c => c.Value).Order(StringComparer.Ordinal).ToArray();
        if (!universe.SequenceEqual(children, StringComparer.Ordinal))
        {
            return CommandOutcome.Reject(RebalanceRejections.UniverseMismatch, $"policy '{spec.Name}' holds [{string.Join(", ", spec.Universe)}], the vault's children are [{string.Join(", ", cv.Spec.Children)}]");
        }

        var hash = spec.Hash;
        if (cv.PolicyHash == hash)
        {
            return CommandOutcome.Nothing($"'{cv.Id}' already follows policy {hash.Abbreviated}");
        }

        // The journaled command keeps only the text's SHA-256, so the text itself must be in the journal: stored again
        // when a different text compiles to a policy already stored (verify finds the command's text by its digest).
        ProtocolEvent[] events = state.Policies.TryGetValue(hash, out var known) && known.Text == c.Text
            ? [new PolicyAttached(cv.Id, hash, now)]
            : [new PolicyStored(hash, c.Policy, c.Text), new PolicyAttached(cv.Id, hash, now)];
        return CommandOutcome.Of(events);
    }

    /// <summary>Targets when a policy is attached: its fixed targets, or equal weights for a risk-based one until its first rebalance.</summary>
    private static int[] InitialTargets(ComposedVaultState cv, RebalancePolicy policy)
    {
        var children = cv.Spec.Children;
        if (policy.IsRiskBased)
        {
            var equal = new double[children.Length];
            Array.Fill(equal, 1.0 / children.Length);
            var ppm = new int[children.Length];
            PartsPerMillion.Round(equal.AsSpan(), ppm.AsSpan(), default);
            return ppm;
        }

        var result = new int[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            result[i] = policy.TargetPpm[IndexOf(policy.Names, children[i])];
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> names, VaultId name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name.Value)
            {
                return i;
            }
        }

        throw new AccountingInvariantException($"'{name}' is not in the policy's universe");
    }

    /// <summary>The children's NAV history as a price table (one row per day with a report, forward filled from the day every child has one), or null before two such days.</summary>
    /// <remarks>Kept by appending (<see cref="LiveNavTable"/>): a call merges only the reports applied since the last one.</remarks>
    internal static PriceTable? NavTable(ProtocolState state, ComposedVaultState cv, IReadOnlyList<string> names, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cv);
        return LiveNavTable.Of(state, names, DateOnly.FromDateTime(now.UtcDateTime));
    }

    /// <summary>
    /// The keeper's rebalance of a composed vault: the policy's <see cref="PolicyStep"/> on the NAV table (its state
    /// advanced over the rows not yet observed, each with the weights held then), the rails, exact child operations
    /// (or a trim to the caps, or nothing). An advanced policy state is journaled as <see cref="PolicyObserved"/>.
    /// </summary>
    internal CommandOutcome DecideRebalance(ProtocolState state, VaultId vaultId, DateTimeOffset now)
    {
        if (!state.ComposedVaults.TryGetValue(vaultId, out var cv))
        {
            return state.SimpleVaults.ContainsKey(vaultId) ? CommandOutcome.Reject(VaultRejections.NotSupported, $"'{vaultId}' is a simple vault; only composed vaults rebalance") : SimpleVaultDecisions.UnknownVault(vaultId);
        }

        if (cv.Paused)
        {
            return CommandOutcome.Reject(Rejections.Paused());
        }

        if (cv.PolicyHash is not { } hash || cv.TargetsPpm is not { } inForce)
        {
            return CommandOutcome.Reject(VaultRejections.NoPolicy, $"'{cv.Id}' has no policy");
        }

        RebalancePolicy policy;
        try
        {
            policy = _cache.Get(state, hash);
        }
        catch (BallastInputException e)
        {
            return CommandOutcome.Reject(RebalanceRejections.PolicyFailed, $"the policy attached to '{cv.Id}' does not compile: {e.Message}");
        }

        var names = policy.Names;
        var n = names.Count;
        // The NAV table split for the policy's lookback, shared by the calls until the next report: a lookback of H
        // returns takes H + 1 rows, the H rows of history and the window's first row, on which a backtest computes its
        // targets and invests (as the keeper sets an empty vault's targets there).
        var historyRows = policy.NeedsPrices && policy.HistoryRows > 0 ? policy.HistoryRows : 0;
        var (table, rowCount, inferredPeriods) = LiveNavTable.Window(state, names, DateOnly.FromDateTime(now.UtcDateTime), historyRows);
        if (table is null)
        {
            return Unchanged(state, cv, now, rowCount < 2
                ? "not enough NAV history yet: the policy needs two days on which every child has reported"
                : $"not enough NAV history yet: the policy looks back {historyRows} returns, which take {historyRows + 1} rows; the children have {rowCount}");
        }

        var row = table.RowCount - 1;
        var periods = cv.Spec.PeriodsPerYear ?? inferredPeriods;

        // Holdings in policy order, exact, and as weights of NAV (zero when nothing is held).
        var held = RebalanceHoldings.Of(state, cv, names);
        var (values, idle, nav) = (held.Values, held.Idle, held.Nav);
        var navD = (double)nav;
        var weights = new double[n];
        var inForcePpm = new int[n];
        var maxDrift = 0.0;
        for (var i = 0; i < n; i++)
        {
            weights[i] = nav == 0 ? 0 : (double)values[i] / navD;
            inForcePpm[i] = inForce[cv.Spec.Children.IndexOf(new VaultId(names[i]))];
            maxDrift = Math.Max(maxDrift, Math.Abs(weights[i] - (inForcePpm[i] / (double)PartsPerMillion.One)));
        }

        var lastRow = LastRebalanceRow(table, cv.LastRebalanceAt);
        if (row == 0)
        {
            // The window's first row: a backtest invests there and decides (and observes) from the next row on.
            return nav == 0 && policy.IsRiskBased
                ? SetInitialTargets(state, cv, policy, table, periods, held, inForce, lastRow, now)
                : Unchanged(state, cv, now, $"{table.FormatDate(table.DateSpan[row])} is the first row with the policy's whole lookback: the policy decides from the next row on");
        }

        var step = PolicyStep.ForVault(policy, table, periods, inForcePpm, lastRow, cv.PolicyState);
        // The policy reads NAV in currency (min_trade.value), as the backtest does: whole units of the vault's asset.
        var current = new HoldingsOnRow(row, weights, navD / Math.Pow(10, state.Assets[cv.Spec.Asset].Asset.Decimals), maxDrift);

        // The rows since the state last observed, each with the shares held now valued at that row's NAV reports
        // (the holdings since the last call: a backtest's units between its trades); today's row comes with the step.
        var rowObserved = step.State is null || (cv.PolicyObservedThrough is { } through && through >= table.DateSpan[row]);
        if (!rowObserved)
        {
            ObserveEarlierRows(step, table, held, cv.Account, cv.PolicyObservedThrough);
        }

        var rails = cv.Spec.Rails;
        var wait = cv.LastRebalanceAt is { } lastAt && rails.CooldownSeconds > 0 && now < lastAt.AddSeconds(rails.CooldownSeconds)
            ? $"cooldown: the last rebalance was at {lastAt:O}; the next may come from {lastAt.AddSeconds(rails.CooldownSeconds):O}"
            : cv.LastRebalanceAt is { } previous && DateOnly.FromDateTime(previous.UtcDateTime) >= table.DateSpan[row]
                ? $"already rebalanced on {table.FormatDate(table.DateSpan[row])}: at most one rebalance per row of NAV history (as in a backtest)"
                : null;
        if (wait is not null || nav == 0)
        {
            if (!rowObserved)
            {
                step.Observe(current);
            }

            var observedOnly = Observed(step, cv, hash, table.DateSpan[row], rowObserved, now);
            if (nav == 0 && policy.IsRiskBased)
            {
                return WithObservation(SetInitialTargets(state, cv, policy, table, periods, held, inForce, lastRow, now), observedOnly);
            }

            return WithObservation(nav == 0 && wait is null ? CommandOutcome.Nothing("the vault holds nothing to rebalance") : Unchanged(state, cv, now, wait!), observedOnly);
        }

        var plan = rowObserved ? step.DecideAndPlan(current) : step.Step(current);
        var observed = Observed(step, cv, hash, table.DateSpan[row], rowObserved, now);
        if (plan is null)
        {
            return WithObservation(Unchanged(state, cv, now, $"no trigger fired on {table.FormatDate(table.DateSpan[row])} (largest drift {maxDrift:P3}); nothing changed"), observed);
        }

        if (plan.Failure is { } failure)
        {
            return CommandOutcome.Reject(RebalanceRejections.PolicyFailed, failure.Message);
        }

        if (!plan.Trades)
        {
            return WithObservation(Unchanged(state, cv, now, $"{plan.Reason.Text}, but the plan leaves nothing to trade"), observed);
        }

        // The table's part of the digest comes from the live table's running hash (O(new rows + lookback)), or from
        // the table itself when the reference table served an earlier day; the bytes hashed are the same.
        using var tableHash = LiveNavTable.InputsHashOf(state, names, DateOnly.FromDateTime(now.UtcDateTime), historyRows) ?? LiveNavTable.HashOf(table, names);
        var digest = InputsDigest(tableHash, values, idle, inForce, lastRow, row);
        var planned = (int[])plan.WeightsPpm.Clone();
        ApplyWeightRails(rails, planned, weights, nav);

        // Targets in force from now on: a risk-based policy's new targets (exact ppm, as it computed them), or the
        // volatility regime's; fixed ones unchanged.
        var byChild = policy.IsRiskBased || policy.RetargetsByRegime ? cv.Spec.Children.Select(c => plan.TargetsPpm[IndexOf(names, c)]).ToImmutableArray() : [.. inForce];
        var record = new RebalanceRecord(policy.Hash, plan.Reason, digest, row, byChild);
        var outcome = RebalanceExecution.Execute(state, cv, held, planned, (bool[])plan.Held.Clone(), record, now, trim: false);
        return WithObservation(outcome.Status == CommandStatus.Unchanged ? Unchanged(state, cv, now, outcome.Note!) : outcome, observed);
    }

    /// <summary>
    /// An empty vault under a risk-based policy: the targets in force become those the policy sets on this row from
    /// nothing held (<see cref="PolicyStep.InitialTargets"/>), so the next deposit is invested as a backtest invests
    /// its first row, at the policy's targets, not at equal weights. Journaled as a <see cref="Rebalanced"/> without
    /// trades (trigger <c>initial</c>); nothing when they are the targets in force already.
    /// </summary>
    private static CommandOutcome SetInitialTargets(ProtocolState state, ComposedVaultState cv, RebalancePolicy policy, PriceTable table, int periods, RebalanceHoldings held, int[] inForce, int lastRow, DateTimeOffset now)
    {
        var row = table.RowCount - 1;
        int[] proposed;
        try
        {
            proposed = PolicyStep.InitialTargets(policy, table, row, periods);
        }
        catch (BallastInputException e)
        {
            return CommandOutcome.Reject(RebalanceRejections.PolicyFailed, e.Message);
        }

        var names = policy.Names;
        var byChild = cv.Spec.Children.Select(c => proposed[IndexOf(names, c)]).ToImmutableArray();
        if (byChild.SequenceEqual(inForce))
        {
            return CommandOutcome.Nothing($"the vault holds nothing; the policy's targets on {table.FormatDate(table.DateSpan[row])} are those in force");
        }

        var historyRows = policy.NeedsPrices && policy.HistoryRows > 0 ? policy.HistoryRows : 0;
        using var tableHash = LiveNavTable.InputsHashOf(state, names, DateOnly.FromDateTime(now.UtcDateTime), historyRows) ?? LiveNavTable.HashOf(table, names);
        var digest = InputsDigest(tableHash, held.Values, held.Idle, inForce, lastRow, row);
        var reason = PolicyStep.InitialInvestment;
        return CommandOutcome.Of(new Rebalanced(cv.Id, policy.Hash, reason.Kind, reason.Text, digest, row, byChild, [], UInt128.Zero, UInt128.Zero, UInt128.Zero, UInt128.Zero, null, now));
    }

    /// <summary>
    /// Advances the step's state over the table's rows after <paramref name="observedThrough"/> and before its last
    /// row (from row 1: row 0 of a window is where a backtest invests), each with the vault's shares in its children
    /// valued at that row's NAV per share, beside the idle cash and the cash in flight.
    /// </summary>
    private static void ObserveEarlierRows(PolicyStep step, PriceTable table, RebalanceHoldings held, AccountId account, DateOnly? observedThrough)
    {
        var n = held.Children.Length;
        var last = table.RowCount - 1;
        var first = 1;
        if (observedThrough is { } through)
        {
            var index = table.DateSpan.BinarySearch(through);
            first = Math.Max(first, index >= 0 ? index + 1 : ~index);
        }

        if (first >= last)
        {
            return;
        }

        var shares = new double[n];
        for (var i = 0; i < n; i++)
        {
            shares[i] = (double)held.Children[i].Vault.BalanceOf(account);
        }

        var cash = (double)(held.Idle + held.InFlight);
        var weights = new double[n];
        for (var r = first; r < last; r++)
        {
            var prices = table.Row(r);
            var nav = cash;
            for (var i = 0; i < n; i++)
            {
                weights[i] = shares[i] * prices[i];
                nav += weights[i];
            }

            for (var i = 0; i < n; i++)
            {
                weights[i] = nav > 0 ? weights[i] / nav : 0;
            }

            step.Observe(new HoldingsOnRow(r, weights, nav));
        }
    }

    /// <summary>The event recording the state the step advanced to through <paramref name="through"/>, or null when it observed nothing new.</summary>
    private static PolicyObserved? Observed(PolicyStep step, ComposedVaultState cv, PolicyHash hash, DateOnly through, bool rowObserved, DateTimeOffset now) =>
        step.State is not { } advanced || rowObserved
            ? null
            : new PolicyObserved(cv.Id, hash, through, advanced.HighVolatility, double.IsNaN(advanced.Volatility) ? null : advanced.Volatility, now);

    /// <summary>An outcome with the observation journaled first (a call that changed nothing else then applies just it); a rejection journals nothing.</summary>
    private static CommandOutcome WithObservation(CommandOutcome outcome, PolicyObserved? observed) =>
        observed is null || outcome.Status == CommandStatus.Rejected
            ? outcome
            : new CommandOutcome(CommandStatus.Applied, [observed, .. outcome.Events], null, outcome.Note);

    /// <summary>
    /// The policy does not rebalance now (cooldown, a row already rebalanced, too little history, no trigger, nothing
    /// to trade): a child above its cap is still sold down to it (<see cref="RebalanceExecution.TrimToCaps"/>), else nothing changes.
    /// </summary>
    private static CommandOutcome Unchanged(ProtocolState state, ComposedVaultState cv, DateTimeOffset now, string why) =>
        RebalanceExecution.TrimToCaps(state, cv, now) ?? CommandOutcome.Nothing(why);

    private static int LastRebalanceRow(PriceTable table, DateTimeOffset? last)
    {
        if (last is not { } at)
        {
            return 0;
        }

        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var index = table.DateSpan.BinarySearch(day);
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

    /// <summary>SHA-256 of everything the policy saw: the NAV table, holdings, idle cash, targets in force and rows.</summary>
    /// <summary>The inputs digest: the table's lines (<paramref name="tableHash"/>), then the holdings, idle cash, targets in force and rows.</summary>
    private static string InputsDigest(IncrementalHash tableHash, UInt128[] values, UInt128 idle, int[] inForce, int lastRow, int row)
    {
        var text = new StringBuilder();
        text.Append("values:").AppendJoin(',', values.Select(ProtocolEngine.Text)).Append('\n');
        text.Append("idle:").Append(ProtocolEngine.Text(idle)).Append('\n');
        text.Append("targets:").AppendJoin(',', inForce).Append('\n');
        text.Append("rows:").Append(lastRow).Append(',').Append(row).Append('\n');
        tableHash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        return Ballast.Hashing.Sha256Digest.Finish(tableHash).ToHex();
    }
}

/// <summary>Rejection codes of policies and the keeper's rebalance (the codes are journaled and tested: never change them); see also <see cref="RebalanceExecution.CapNotEnforceable"/>.</summary>
public static class RebalanceRejections
{
    /// <summary>The policy text does not compile.</summary>
    public const string InvalidPolicy = "invalid-policy";

    /// <summary>The policy's universe is not the vault's children.</summary>
    public const string UniverseMismatch = "policy-universe-mismatch";

    /// <summary>The attached policy failed to compile or to compute its targets.</summary>
    public const string PolicyFailed = "policy-failed";

    /// <summary>The fixed costs of a rebalance exceed the idle cash after its trades.</summary>
    public const string InsufficientIdle = "insufficient-idle";

    /// <summary>A rebalance would cost more than the cost budget has available.</summary>
    public const string CostBudgetExceeded = "cost-budget-exceeded";

    /// <summary>The trades would lose more NAV than their costs and the rounding tolerance.</summary>
    public const string ConservationCheckFailed = "conservation-check-failed";
}
