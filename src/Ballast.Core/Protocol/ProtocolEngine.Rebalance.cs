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
            return Unchanged(state, cv, now, $"cooldown: the last rebalance was at {lastAt:O}; the next may come from {lastAt.AddSeconds(rails.CooldownSeconds):O}");
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
            return Unchanged(state, cv, now, "not enough NAV history yet: the policy needs two days on which every child has reported");
        }

        if (policy.NeedsPrices && policy.HistoryRows > 0)
        {
            if (table.RowCount <= policy.HistoryRows + 1)
            {
                return Unchanged(state, cv, now, $"not enough NAV history yet: the policy looks back {policy.HistoryRows} rows, the children have {table.RowCount}");
            }

            table = table.WithHistory(policy.HistoryRows);
        }

        var row = table.RowCount - 1;
        if (cv.LastRebalanceAt is { } previous && DateOnly.FromDateTime(previous.UtcDateTime) >= table.Dates[row])
        {
            return Unchanged(state, cv, now, $"already rebalanced on {table.FormatDate(table.Dates[row])}: at most one rebalance per row of NAV history (as in a backtest)");
        }

        var periods = cv.Spec.PeriodsPerYear ?? table.InferPeriodsPerYear();

        // Holdings in policy order, exact, and as weights of NAV.
        var held = RebalanceHoldings.Of(state, cv, names);
        var (values, idle, nav) = (held.Values, held.Idle, held.Nav);
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
            return Unchanged(state, cv, now, $"no trigger fired on {table.FormatDate(table.Dates[row])} (largest drift {maxDrift:P3}); nothing changed");
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
            return Unchanged(state, cv, now, $"{reason.Text}, but the plan leaves nothing to trade");
        }

        ApplyWeightRails(rails, plan, weights, nav);

        // Targets in force from now on: a risk-based policy's new targets (exact ppm, as it computed them); fixed ones unchanged.
        var targetsPpm = new int[n];
        PartsPerMillion.Round(proposed.AsSpan(), targetsPpm.AsSpan(), default);
        var byChild = risk ? cv.Spec.Children.Select(c => targetsPpm[IndexOf(names, c)]).ToImmutableArray() : [.. inForce];
        var record = new RebalanceRecord(policy.Hash, reason, digest, row, byChild);
        var outcome = RebalanceExecution.Execute(state, cv, held, plan, hold, record, now, trim: false);
        return outcome.Status == CommandStatus.Unchanged ? Unchanged(state, cv, now, outcome.Note!) : outcome;
    }

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

    /// <summary>What the composed vault's shares of a child are worth after one operation on that child (exact).</summary>
    private static UInt128 ValueAfter(SimpleVaultState child, AccountId account, VaultOperation op) => RebalanceExecution.ValueAfter(child, account, op).Value;

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
