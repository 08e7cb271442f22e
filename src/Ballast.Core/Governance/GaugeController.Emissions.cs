using System.Numerics;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>Weekly emissions split by weight, streamed to depositors through a reward-per-share accumulator.</summary>
public sealed partial class GaugeController
{
    private readonly SortedDictionary<long, UInt128> _distributed = [];

    /// <summary>The weeks already distributed and their amounts.</summary>
    public IReadOnlyDictionary<long, UInt128> Distributed => _distributed;

    /// <summary>
    /// Split <paramref name="amount"/> for the week starting at <paramref name="week"/> (a boundary, not after now,
    /// once) across active gauges: ⌊amount · wᵢ / Σw⌋ each, then the remainder one base unit at a time to the largest
    /// remainders (ties by ordinal gauge id), so the shares sum to <paramref name="amount"/> exactly.
    /// </summary>
    public Decision<EmissionDistributed> DecideDistribute(long week, UInt128 amount, long now)
    {
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (week < 0 || week % Weeks.Week != 0 || week > now)
        {
            return GovernanceRejections.NotWeek(week);
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("emission");
        }

        if (_distributed.ContainsKey(week))
        {
            return GovernanceRejections.Distributed(week);
        }

        var weights = _gauges.Where(p => p.Value.Active).Select(p => (Id: p.Key, Weight: WeightAt(p.Key, week))).Where(x => x.Weight > 0).ToArray();
        var total = weights.Aggregate(BigInteger.Zero, (s, x) => s + x.Weight);
        if (total.IsZero)
        {
            return GovernanceRejections.NoWeight(week);
        }

        var shares = new UInt128[weights.Length];
        var remainders = new BigInteger[weights.Length];
        UInt128 given = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var q = BigInteger.DivRem((BigInteger)amount * weights[i].Weight, total, out remainders[i]);
            shares[i] = ExactMath.ToUInt128(q);
            given += shares[i];
        }

        var order = Enumerable.Range(0, weights.Length)
            .OrderByDescending(i => remainders[i])
            .ThenBy(i => weights[i].Id, StringComparer.Ordinal)
            .ToArray();
        for (var k = 0; given < amount; k++)
        {
            shares[order[k]] += 1;
            given += 1;
        }

        var list = weights.Select((x, i) => new GaugeEmission(x.Id, x.Weight, shares[i])).ToArray();
        return new EmissionDistributed(week, amount, list, now);
    }

    /// <summary><paramref name="account"/> now holds <paramref name="shares"/> of the gauge's vault (the integrator reports every change).</summary>
    public Decision<GaugeSharesSet> DecideSetShares(string gauge, AccountId account, UInt128 shares, long now)
    {
        ArgumentNullException.ThrowIfNull(gauge);
        return TimeCheck(now) is { } late ? late : _gauges.ContainsKey(gauge) ? new GaugeSharesSet(gauge, account, shares, now) : GovernanceRejections.NoGauge(gauge);
    }

    /// <summary>Claim every whole base unit <paramref name="account"/> has earned in <paramref name="gauge"/> up to now.</summary>
    public Decision<GaugeRewardClaimed> DecideClaim(string gauge, AccountId account, long now)
    {
        ArgumentNullException.ThrowIfNull(gauge);
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (!_gauges.ContainsKey(gauge))
        {
            return GovernanceRejections.NoGauge(gauge);
        }

        var amount = ClaimableAt(gauge, account, now);
        return amount == 0 ? GovernanceRejections.Nothing(account, gauge) : new GaugeRewardClaimed(gauge, account, amount, now);
    }

    /// <summary>Whole base units <paramref name="account"/> could claim from <paramref name="gauge"/> at <paramref name="t"/> (≥ the last record).</summary>
    public UInt128 ClaimableAt(string gauge, AccountId account, long t)
    {
        var g = Gauge(gauge);
        var (rps, _, _) = AccrualAt(g, t);
        return g.Holders.TryGetValue(account, out var h) ? ExactMath.ToUInt128(Earned(h, rps) / (BigInteger)Precision) : 0;
    }

    /// <summary>The reward books of <paramref name="gauge"/> at <paramref name="t"/> (≥ the last record).</summary>
    public GaugeRewardReport RewardsAt(string gauge, long t)
    {
        var g = Gauge(gauge);
        var (rps, _, unattributed) = AccrualAt(g, t);
        var emitted = g.Emissions.Values.Aggregate(UInt128.Zero, (s, x) => s + x);
        var released = Released(g, t);
        var claimable = g.Holders.Values.Aggregate(UInt128.Zero, (s, h) => s + ExactMath.ToUInt128(Earned(h, rps) / (BigInteger)Precision));
        return new GaugeRewardReport(emitted, released, g.Claimed, claimable, released - g.Claimed - claimable, unattributed);
    }

    /// <summary>Cumulative release: each week's emission streams linearly over the week, ⌊A · (t − W) / WEEK⌋.</summary>
    private static UInt128 Released(GaugeState g, long t)
    {
        UInt128 released = 0;
        foreach (var (week, amount) in g.Emissions)
        {
            if (t >= week + Weeks.Week)
            {
                released += amount;
            }
            else if (t > week)
            {
                released += ExactMath.MulDiv(amount, (UInt128)(t - week), Weeks.Week, Rounding.Floor);
            }
        }

        return released;
    }

    private static BigInteger Earned(GaugeState.Holder h, BigInteger rps) => h.PendingScaled + ((BigInteger)h.Shares * (rps - h.Paid));

    /// <summary>The accumulator, carry and unattributed total after accruing to <paramref name="t"/>, without changing state.</summary>
    private static (BigInteger Rps, BigInteger Carry, UInt128 Unattributed) AccrualAt(GaugeState g, long t)
    {
        var delta = t > g.LastAccrued ? Released(g, t) - Released(g, g.LastAccrued) : 0;
        return Spread(g, delta);
    }

    /// <summary>The accumulator, carry and unattributed total after spreading <paramref name="delta"/> over the current shares.</summary>
    private static (BigInteger Rps, BigInteger Carry, UInt128 Unattributed) Spread(GaugeState g, UInt128 delta)
    {
        if (delta == 0)
        {
            return (g.RewardPerShare, g.Carry, g.Unattributed);
        }

        if (g.TotalShares == 0)
        {
            return (g.RewardPerShare, g.Carry, g.Unattributed + delta);
        }

        var scaled = ((BigInteger)delta * (BigInteger)Precision) + g.Carry;
        var step = BigInteger.DivRem(scaled, (BigInteger)g.TotalShares, out var carry);
        return (g.RewardPerShare + step, carry, g.Unattributed);
    }

    private static void Accrue(GaugeState g, long t)
    {
        (g.RewardPerShare, g.Carry, g.Unattributed) = AccrualAt(g, t);
        g.LastAccrued = Math.Max(g.LastAccrued, t);
    }

    private static GaugeState.Holder Settle(GaugeState g, AccountId account)
    {
        if (!g.Holders.TryGetValue(account, out var h))
        {
            h = new GaugeState.Holder { Paid = g.RewardPerShare };
            g.Holders[account] = h;
        }

        h.PendingScaled = Earned(h, g.RewardPerShare);
        h.Paid = g.RewardPerShare;
        return h;
    }

    private void ApplyEmission(EmissionDistributed e)
    {
        if (_distributed.ContainsKey(e.Week) || e.Shares.Aggregate(UInt128.Zero, (s, x) => s + x.Amount) != e.Amount)
        {
            throw new GovernanceInvariantException($"emission of week {e.Week} does not fit the state");
        }

        _distributed[e.Week] = e.Amount;
        foreach (var share in e.Shares)
        {
            var g = Gauge(share.Gauge);
            Accrue(g, e.At);
            var before = Released(g, e.At);
            g.Emissions[e.Week] = share.Amount;

            // Distributed after its week started: the part already due goes to the holders at distribution time.
            (g.RewardPerShare, g.Carry, g.Unattributed) = Spread(g, Released(g, e.At) - before);
        }
    }

    private static void CheckNotBehind(GaugeState g, long at)
    {
        if (at < g.LastAccrued)
        {
            throw new GovernanceInvariantException($"gauge record at {at} is before its accrual at {g.LastAccrued}");
        }
    }

    private void ApplyShares(GaugeSharesSet s)
    {
        var g = Gauge(s.Gauge);
        CheckNotBehind(g, s.At);
        Accrue(g, s.At);
        var h = Settle(g, s.Account);
        g.TotalShares = g.TotalShares - h.Shares + s.Shares;
        h.Shares = s.Shares;
    }

    private void ApplyClaim(GaugeRewardClaimed c)
    {
        var g = Gauge(c.Gauge);
        CheckNotBehind(g, c.At);
        Accrue(g, c.At);
        var h = Settle(g, c.Account);
        if (h.PendingScaled / (BigInteger)Precision != (BigInteger)c.Amount)
        {
            throw new GovernanceInvariantException($"claim {c} does not match the {h.PendingScaled} (×10⁻¹⁸) earned");
        }

        h.PendingScaled -= (BigInteger)c.Amount * (BigInteger)Precision;
        g.Claimed += c.Amount;
    }
}
