using System.Globalization;
using System.Numerics;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// One gauge's vote weight schedule (points and slope changes at week boundaries) and reward books (the weekly
/// emissions streamed through a reward-per-share accumulator), with the arithmetic on them; internal to
/// <see cref="GaugeController"/>.
/// </summary>
internal sealed class GaugeState
{
    public bool Active { get; set; } = true;

    /// <summary>Weight points (bias, slope) stored at the week boundaries votes took effect.</summary>
    public SortedDictionary<long, (Int128 Bias, Int128 Slope)> Points { get; } = [];

    /// <summary>Slope removed at a week boundary (the end of the votes' locks).</summary>
    public SortedDictionary<long, Int128> Changes { get; } = [];

    /// <summary>Emission per week start.</summary>
    public SortedDictionary<long, UInt128> Emissions { get; } = [];

    public UInt128 TotalShares { get; set; }

    public SortedDictionary<AccountId, Holder> Holders { get; } = [];

    /// <summary>Reward per share, scaled by 10¹⁸.</summary>
    public BigInteger RewardPerShare { get; set; }

    /// <summary>Scaled rewards not yet spread (less than <see cref="TotalShares"/>): the accumulator loses nothing.</summary>
    public BigInteger Carry { get; set; }

    public long LastAccrued { get; set; }

    /// <summary>Released while nobody held shares.</summary>
    public UInt128 Unattributed { get; set; }

    public UInt128 Claimed { get; set; }

    public void Describe(StringBuilder text, GaugeId id)
    {
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"\ngauge {id} active={Active} shares={TotalShares} rps={RewardPerShare} carry={Carry} accrued={LastAccrued} unattributed={Unattributed} claimed={Claimed}");
        text.Append(c, $"\n points={string.Join(' ', Points.Select(p => string.Create(c, $"{p.Key}:{p.Value.Bias}/{p.Value.Slope}")))}");
        text.Append(c, $"\n changes={string.Join(' ', Changes.Select(p => string.Create(c, $"{p.Key}:{p.Value}")))}");
        text.Append(c, $"\n emissions={string.Join(' ', Emissions.Select(p => string.Create(c, $"{p.Key}:{p.Value}")))}");
        foreach (var (account, h) in Holders)
        {
            text.Append(c, $"\n {account} shares={h.Shares} paid={h.Paid} pending={h.PendingScaled}");
        }
    }

    /// <summary>Cumulative release: each week's emission streams linearly over the week, ⌊A · (t − W) / WEEK⌋.</summary>
    internal UInt128 Released(long t)
    {
        UInt128 released = 0;
        foreach (var (week, amount) in Emissions)
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


    /// <summary>The accumulator, carry and unattributed total after accruing to <paramref name="t"/>, without changing state.</summary>
    internal (BigInteger Rps, BigInteger Carry, UInt128 Unattributed) AccrualAt(long t)
    {
        var delta = t > LastAccrued ? Released(t) - Released(LastAccrued) : 0;
        return Spread(delta);
    }

    /// <summary>The accumulator, carry and unattributed total after spreading <paramref name="delta"/> over the current shares.</summary>
    internal (BigInteger Rps, BigInteger Carry, UInt128 Unattributed) Spread(UInt128 delta)
    {
        if (delta == 0)
        {
            return (RewardPerShare, Carry, Unattributed);
        }

        if (TotalShares == 0)
        {
            return (RewardPerShare, Carry, Unattributed + delta);
        }

        var scaled = ((BigInteger)delta * (BigInteger)GaugeController.Precision) + Carry;
        var step = BigInteger.DivRem(scaled, (BigInteger)TotalShares, out var carry);
        return (RewardPerShare + step, carry, Unattributed);
    }

    internal void Accrue(long t)
    {
        (RewardPerShare, Carry, Unattributed) = AccrualAt(t);
        LastAccrued = Math.Max(LastAccrued, t);
    }

    internal Holder Settle(AccountId account)
    {
        if (!Holders.TryGetValue(account, out var h))
        {
            h = new Holder { Paid = RewardPerShare };
            Holders[account] = h;
        }

        h.PendingScaled = h.Earned(RewardPerShare);
        h.Paid = RewardPerShare;
        return h;
    }

    internal void CheckNotBehind(long at)
    {
        if (at < LastAccrued)
        {
            throw new GovernanceInvariantException($"gauge record at {at} is before its accrual at {LastAccrued}");
        }
    }

    internal (Int128 Bias, Int128 Slope) PointAt(long week)
    {
        if (week % Weeks.Week != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(week), week, "gauge weights are defined at week boundaries");
        }

        var start = Points.Keys.LastOrDefault(k => k <= week, long.MinValue);
        if (start == long.MinValue)
        {
            return (0, 0);
        }

        var (bias, slope) = Points[start];
        for (var t = start + Weeks.Week; t <= week; t += Weeks.Week)
        {
            bias = checked(bias - (slope * Weeks.Week));
            slope = checked(slope - Changes.GetValueOrDefault(t));
            if (bias <= 0)
            {
                (bias, slope) = (0, 0);
            }
        }

        return (bias, slope);
    }

    internal void AddChange(long at, Int128 slope)
    {
        var value = checked(Changes.GetValueOrDefault(at) + slope);
        if (value == 0)
        {
            Changes.Remove(at);
        }
        else
        {
            Changes[at] = value;
        }
    }

    internal sealed class Holder
    {
        public UInt128 Shares { get; set; }

        public BigInteger Paid { get; set; }

        /// <summary>Rewards earned, scaled by 10¹⁸ (claims take the whole base units).</summary>
        public BigInteger PendingScaled { get; set; }

        /// <summary>Rewards earned (scaled by 10¹⁸) with the accumulator at <paramref name="rps"/>.</summary>
        public BigInteger Earned(BigInteger rps) => PendingScaled + ((BigInteger)Shares * (rps - Paid));
    }
}
