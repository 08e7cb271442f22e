using System.Globalization;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>Gauge votes and weights (Curve's <c>vote_for_gauge_weights</c> and <c>gauge_relative_weight</c>).</summary>
public sealed partial class GaugeController
{
    private readonly SortedDictionary<AccountId, SortedDictionary<string, GaugeVoted>> _votes = [];

    /// <summary>The basis points of its power <paramref name="account"/> has allocated (0..10,000).</summary>
    public int PowerUsed(AccountId account) =>
        _votes.TryGetValue(account, out var v) ? v.Values.Sum(x => x.Bps) : 0;

    /// <summary>The current vote of <paramref name="account"/> on <paramref name="gauge"/>, or null.</summary>
    public GaugeVoted? VoteOf(AccountId account, string gauge) =>
        _votes.TryGetValue(account, out var v) && v.TryGetValue(gauge, out var x) ? x : null;

    /// <summary>
    /// Vote <paramref name="bps"/> of the account's veBANK slope for <paramref name="gauge"/>, effective from the next
    /// week boundary. Refused: unknown gauge, bps outside 0..10,000, no lock, a lock not outlasting the next week,
    /// a change on the same gauge within 10 days, or more than 10,000 bps in total.
    /// </summary>
    public Decision<GaugeVoted> DecideVote(AccountId account, string gauge, int bps, long now)
    {
        ArgumentNullException.ThrowIfNull(gauge);
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (!_gauges.ContainsKey(gauge) || (bps > 0 && !IsActive(gauge)))
        {
            return GovernanceRejections.NoGauge(gauge);
        }

        if (bps is < 0 or > BasisPoints.One)
        {
            return GovernanceRejections.Bps(bps);
        }

        if (Escrow.LockOf(account) is not { } l)
        {
            return GovernanceRejections.WithoutLock(account);
        }

        var next = Weeks.Next(now);
        if (l.End <= next)
        {
            return GovernanceRejections.TooSoon(account, l.End, next);
        }

        var old = VoteOf(account, gauge);
        if (old is not null && now < checked(old.At + VoteDelay))
        {
            return GovernanceRejections.Cooldown(account, gauge, old.At + VoteDelay);
        }

        var used = PowerUsed(account) - (old?.Bps ?? 0) + bps;
        if (used > BasisPoints.One)
        {
            return GovernanceRejections.OverAllocated(account, used);
        }

        var slope = (Int128)ExactMath.MulDiv((UInt128)l.Slope, (UInt128)bps, BasisPoints.One, Rounding.Floor);
        return new GaugeVoted(account, gauge, bps, slope, l.End, next, used, now);
    }

    /// <summary>
    /// The weight of <paramref name="gauge"/> at week boundary <paramref name="week"/>: Σ over votes in effect of
    /// slope · (end − week), from the last stored point walked forward week by week through the slope changes.
    /// </summary>
    public UInt128 WeightAt(string gauge, long week)
    {
        var w = PointAt(Gauge(gauge), week).Bias;
        return w > 0 ? (UInt128)w : 0;
    }

    private static (Int128 Bias, Int128 Slope) PointAt(GaugeState g, long week)
    {
        if (week % Weeks.Week != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(week), week, "gauge weights are defined at week boundaries");
        }

        var start = g.Points.Keys.LastOrDefault(k => k <= week, long.MinValue);
        if (start == long.MinValue)
        {
            return (0, 0);
        }

        var (bias, slope) = g.Points[start];
        for (var t = start + Weeks.Week; t <= week; t += Weeks.Week)
        {
            bias = checked(bias - (slope * Weeks.Week));
            slope = checked(slope - g.Changes.GetValueOrDefault(t));
            if (bias <= 0)
            {
                (bias, slope) = (0, 0);
            }
        }

        return (bias, slope);
    }

    private void ApplyVote(GaugeVoted v)
    {
        var g = Gauge(v.Gauge);
        var l = Escrow.LockOf(v.Account);
        if (v.EffectiveFrom != Weeks.Next(v.At) || v.End <= v.EffectiveFrom || v.Bps is < 0 or > BasisPoints.One || l?.End != v.End)
        {
            throw new GovernanceInvariantException($"gauge vote {v} does not fit the state");
        }

        var next = v.EffectiveFrom;
        var old = VoteOf(v.Account, v.Gauge);
        var oldSlope = old?.Slope ?? 0;
        var oldEnd = old?.End ?? 0;
        var oldBias = oldEnd > next ? checked(oldSlope * (oldEnd - next)) : 0;
        var newBias = checked(v.Slope * (v.End - next));

        var (bias, slope) = PointAt(g, next);
        bias = checked(bias + newBias - oldBias);
        slope = oldEnd > next ? checked(slope + v.Slope - oldSlope) : checked(slope + v.Slope);
        g.Points[next] = (bias, slope);
        if (oldEnd > next)
        {
            AddChange(g, oldEnd, -oldSlope);
        }

        AddChange(g, v.End, v.Slope);

        if (!_votes.TryGetValue(v.Account, out var mine))
        {
            mine = new SortedDictionary<string, GaugeVoted>(StringComparer.Ordinal);
            _votes[v.Account] = mine;
        }

        mine[v.Gauge] = v;
        if (PowerUsed(v.Account) != v.PowerUsed || v.PowerUsed > BasisPoints.One)
        {
            throw new GovernanceInvariantException($"gauge vote {v} does not match the power used by {v.Account}");
        }
    }

    private static void AddChange(GaugeState g, long at, Int128 slope)
    {
        var value = checked(g.Changes.GetValueOrDefault(at) + slope);
        if (value == 0)
        {
            g.Changes.Remove(at);
        }
        else
        {
            g.Changes[at] = value;
        }
    }

    private void DescribeVotes(StringBuilder text)
    {
        foreach (var (account, votes) in _votes)
        {
            foreach (var (gauge, v) in votes)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nvote {account} {gauge} {v.Bps} {v.Slope} {v.End} {v.At}");
            }
        }
    }
}
