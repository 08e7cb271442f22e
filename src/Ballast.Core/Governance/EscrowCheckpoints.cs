using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// Checkpoints (Curve's <c>_checkpoint</c>, <c>balanceOfAt</c>, <c>supply_at</c>) on unix time: a point per
/// account change, a global point per change and per week boundary crossed, and the slope changes scheduled at
/// lock ends. Every lock end is a week boundary, so the global bias is exactly Σ slopeᵢ · (endᵢ − t). A
/// <see cref="VotingEscrow"/> owns one and checkpoints it as it applies each lock change; read it through the escrow.
/// </summary>
public sealed class EscrowCheckpoints
{
    private readonly List<VePoint> _global = [];
    private readonly SortedDictionary<long, Int128> _slopeChanges = [];
    private readonly SortedDictionary<AccountId, List<VePoint>> _userPoints = [];

    /// <summary>The global point history (one point per change and per week boundary crossed).</summary>
    public IReadOnlyList<VePoint> GlobalHistory => _global;

    /// <summary>The checkpoints of <paramref name="account"/> (empty before its first lock).</summary>
    public IReadOnlyList<VePoint> HistoryOf(AccountId account) => _userPoints.TryGetValue(account, out var h) ? h : [];

    /// <summary>
    /// veBANK of <paramref name="account"/> at <paramref name="t"/>, from its last checkpoint at or before
    /// <paramref name="t"/>; 0 before its first checkpoint (never extrapolated backwards).
    /// </summary>
    public UInt128 BalanceOfAt(AccountId account, long t)
    {
        var history = HistoryOf(account);
        var i = LastAtOrBefore(history, t);
        return i < 0 ? 0 : (UInt128)history[i].BiasAt(t);
    }

    /// <summary>
    /// Total veBANK at <paramref name="t"/>: the last global point at or before <paramref name="t"/> walked forward
    /// week by week through the scheduled slope changes; 0 before the first checkpoint. Equals the sum of
    /// <see cref="BalanceOfAt"/> over all accounts exactly.
    /// </summary>
    public UInt128 TotalSupplyAt(long t)
    {
        var i = LastAtOrBefore(_global, t);
        if (i < 0)
        {
            return 0;
        }

        var point = _global[i];
        var ti = Weeks.Floor(point.Ts);
        while (true)
        {
            ti = checked(ti + Weeks.Week);
            Int128 dSlope = 0;
            if (ti > t)
            {
                ti = t;
            }
            else
            {
                dSlope = _slopeChanges.GetValueOrDefault(ti);
            }

            var bias = checked(point.Bias - (point.Slope * (ti - point.Ts)));
            if (ti == t)
            {
                return bias > 0 ? (UInt128)bias : 0;
            }

            point = new VePoint(bias, checked(point.Slope + dSlope), ti);
        }
    }

    private static int LastAtOrBefore(IReadOnlyList<VePoint> points, long t)
    {
        int lo = 0, hi = points.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (points[mid].Ts <= t)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>The global slope changes scheduled at lock ends, by unix time.</summary>
    internal IReadOnlyDictionary<long, Int128> SlopeChanges => _slopeChanges;

    /// <summary>Every account's checkpoints, by account.</summary>
    internal IReadOnlyDictionary<AccountId, List<VePoint>> UserPoints => _userPoints;

    /// <summary>Records <paramref name="account"/>'s lock changing from <paramref name="old"/> to <paramref name="next"/> at <paramref name="t"/>: its point, the global point and the scheduled slope changes.</summary>
    internal void Checkpoint(AccountId account, EscrowLock old, EscrowLock next, long t)
    {
        var oldSlope = old.End > t ? old.Slope : 0;
        var oldBias = (Int128)old.PowerAt(t);
        var newSlope = next.End > t ? next.Slope : 0;
        var newBias = (Int128)next.PowerAt(t);
        var oldDSlope = _slopeChanges.GetValueOrDefault(old.End);
        var newDSlope = next.End == old.End ? oldDSlope : _slopeChanges.GetValueOrDefault(next.End);

        var point = AdvanceGlobal(t);
        var slope = checked(point.Slope + newSlope - oldSlope);
        var bias = checked(point.Bias + newBias - oldBias);
        point = new VePoint(bias > 0 ? bias : 0, slope > 0 ? slope : 0, t);
        if (_global.Count > 0 && _global[^1].Ts == t)
        {
            _global[^1] = point;
        }
        else
        {
            _global.Add(point);
        }

        if (old.End > t)
        {
            oldDSlope = checked(oldDSlope + oldSlope);
            if (next.End == old.End)
            {
                oldDSlope = checked(oldDSlope - newSlope);
            }

            SetSlopeChange(old.End, oldDSlope);
        }

        if (next.End > t && next.End > old.End)
        {
            SetSlopeChange(next.End, checked(newDSlope - newSlope));
        }

        if (!_userPoints.TryGetValue(account, out var history))
        {
            history = [];
            _userPoints[account] = history;
        }

        history.Add(new VePoint(newBias, newSlope, t));
    }

    /// <summary>The global point at <paramref name="t"/> before this change, appending a point per week boundary crossed.</summary>
    private VePoint AdvanceGlobal(long t)
    {
        var point = _global.Count > 0 ? _global[^1] : new VePoint(0, 0, t);
        var ti = Weeks.Floor(point.Ts);
        while (true)
        {
            ti = checked(ti + Weeks.Week);
            Int128 dSlope = 0;
            if (ti > t)
            {
                ti = t;
            }
            else
            {
                dSlope = _slopeChanges.GetValueOrDefault(ti);
            }

            var bias = checked(point.Bias - (point.Slope * (ti - point.Ts)));
            var slope = checked(point.Slope + dSlope);
            point = new VePoint(bias > 0 ? bias : 0, slope > 0 ? slope : 0, ti);
            if (ti == t)
            {
                return point;
            }

            _global.Add(point);
        }
    }

    private void SetSlopeChange(long at, Int128 value)
    {
        if (value == 0)
        {
            _slopeChanges.Remove(at);
        }
        else
        {
            _slopeChanges[at] = value;
        }
    }
}
