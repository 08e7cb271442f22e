using System.Globalization;
using System.Numerics;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// Curve's gauge controller on veBANK, with exact integers: holders split their lock's slope across gauges in
/// basis points; each gauge's weight is a bias/slope point scheduled at week boundaries with slope changes at
/// lock ends. Weekly BANK emissions are split by weight at the week start (largest remainder) and streamed to each
/// gauge's depositors pro rata to shares held over time. The controller does not move BANK: the integrator mints
/// or transfers what <see cref="EmissionDistributed"/> and <see cref="GaugeRewardClaimed"/> name. This type holds the
/// state, its queries and the apply; the decisions are pure functions of it in <see cref="GaugeDecisions"/>, and
/// one gauge's weight schedule and reward arithmetic are in its internal per-gauge state.
/// </summary>
public sealed class GaugeController
{
    /// <summary>The wait before a vote on the same gauge can change: 10 days.</summary>
    public const long VoteDelay = 864_000;

    /// <summary>The precision of the reward-per-share accumulator.</summary>
    public static readonly UInt128 Precision = ExactMath.Pow10(18);

    private readonly SortedDictionary<GaugeId, GaugeState> _gauges = [];

    /// <summary>A controller reading locks from <paramref name="escrow"/>.</summary>
    public GaugeController(VotingEscrow escrow)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        Escrow = escrow;
    }

    /// <summary>Where the voters' locks are read.</summary>
    public VotingEscrow Escrow { get; }

    /// <summary>Unix time of the last applied record (0 before any).</summary>
    public long LastAt { get; private set; }

    /// <summary>The gauge ids (removed ones included), in ordinal order.</summary>
    public IEnumerable<GaugeId> Gauges => _gauges.Keys;

    /// <summary>Whether <paramref name="gauge"/> exists and was not removed.</summary>
    public bool IsActive(GaugeId gauge) => _gauges.TryGetValue(gauge, out var g) && g.Active;

    /// <summary>Applies an accepted record; throws <see cref="GovernanceInvariantException"/> when it does not fit.</summary>
    public void Apply(GaugeOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.At < LastAt)
        {
            throw new GovernanceInvariantException($"gauge record at {operation.At} is before the last one at {LastAt}");
        }

        switch (operation)
        {
            case GaugeAdded a when !_gauges.ContainsKey(a.Gauge):
                _gauges.Add(a.Gauge, new GaugeState { LastAccrued = a.At });
                break;
            case GaugeRemoved r when IsActive(r.Gauge):
                _gauges[r.Gauge].Active = false;
                break;
            case GaugeVoted v:
                ApplyVote(v);
                break;
            case EmissionDistributed e:
                ApplyEmission(e);
                break;
            case GaugeSharesSet s:
                ApplyShares(s);
                break;
            case GaugeRewardClaimed c:
                ApplyClaim(c);
                break;
            default:
                throw new GovernanceInvariantException($"gauge record {operation} does not fit the state");
        }

        LastAt = operation.At;
    }

    /// <summary>A deterministic text of the whole state: equal texts mean equal states.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"last={LastAt}");
        foreach (var (id, g) in _gauges)
        {
            g.Describe(text, id);
        }

        DescribeVotes(text);
        return text.ToString();
    }

    /// <summary>Whether a gauge <paramref name="gauge"/> was ever added (removed ones included).</summary>
    internal bool Exists(GaugeId gauge) => _gauges.ContainsKey(gauge);

    internal Rejection? TimeCheck(long now) => now < LastAt ? GovernanceRejections.TimeWentBack(now, LastAt) : null;

    internal GaugeState Gauge(GaugeId gauge) =>
        _gauges.TryGetValue(gauge, out var g) ? g : throw new GovernanceInvariantException($"unknown gauge '{gauge}'");

    private readonly SortedDictionary<AccountId, SortedDictionary<GaugeId, GaugeVoted>> _votes = [];

    /// <summary>The basis points of its power <paramref name="account"/> has allocated (0..10,000).</summary>
    public int PowerUsed(AccountId account) =>
        _votes.TryGetValue(account, out var v) ? v.Values.Sum(x => x.Bps) : 0;

    /// <summary>The current vote of <paramref name="account"/> on <paramref name="gauge"/>, or null.</summary>
    public GaugeVoted? VoteOf(AccountId account, GaugeId gauge) =>
        _votes.TryGetValue(account, out var v) && v.TryGetValue(gauge, out var x) ? x : null;

    /// <summary>
    /// The weight of <paramref name="gauge"/> at week boundary <paramref name="week"/>: Σ over votes in effect of
    /// slope · (end − week), from the last stored point walked forward week by week through the slope changes.
    /// </summary>
    public UInt128 WeightAt(GaugeId gauge, long week)
    {
        var w = Gauge(gauge).PointAt(week).Bias;
        return w > 0 ? (UInt128)w : 0;
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

        var (bias, slope) = g.PointAt(next);
        bias = checked(bias + newBias - oldBias);
        slope = oldEnd > next ? checked(slope + v.Slope - oldSlope) : checked(slope + v.Slope);
        g.Points[next] = (bias, slope);
        if (oldEnd > next)
        {
            g.AddChange(oldEnd, -oldSlope);
        }

        g.AddChange(v.End, v.Slope);

        if (!_votes.TryGetValue(v.Account, out var mine))
        {
            mine = new SortedDictionary<GaugeId, GaugeVoted>();
            _votes[v.Account] = mine;
        }

        mine[v.Gauge] = v;
        if (PowerUsed(v.Account) != v.PowerUsed || v.PowerUsed > BasisPoints.One)
        {
            throw new GovernanceInvariantException($"gauge vote {v} does not match the power used by {v.Account}");
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

    private readonly SortedDictionary<long, UInt128> _distributed = [];

    /// <summary>The weeks already distributed and their amounts.</summary>
    public IReadOnlyDictionary<long, UInt128> Distributed => _distributed;

    /// <summary>Whole base units <paramref name="account"/> could claim from <paramref name="gauge"/> at <paramref name="t"/> (≥ the last record).</summary>
    public UInt128 ClaimableAt(GaugeId gauge, AccountId account, long t)
    {
        var g = Gauge(gauge);
        var (rps, _, _) = g.AccrualAt(t);
        return g.Holders.TryGetValue(account, out var h) ? ExactMath.ToUInt128(h.Earned(rps) / (BigInteger)Precision) : 0;
    }

    /// <summary>The reward books of <paramref name="gauge"/> at <paramref name="t"/> (≥ the last record).</summary>
    public GaugeRewardReport RewardsAt(GaugeId gauge, long t)
    {
        var g = Gauge(gauge);
        var (rps, _, unattributed) = g.AccrualAt(t);
        var emitted = g.Emissions.Values.Aggregate(UInt128.Zero, (s, x) => s + x);
        var released = g.Released(t);
        var claimable = g.Holders.Values.Aggregate(UInt128.Zero, (s, h) => s + ExactMath.ToUInt128(h.Earned(rps) / (BigInteger)Precision));
        return new GaugeRewardReport(emitted, released, g.Claimed, claimable, released - g.Claimed - claimable, unattributed);
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
            g.Accrue(e.At);
            var before = g.Released(e.At);
            g.Emissions[e.Week] = share.Amount;

            // Distributed after its week started: the part already due goes to the holders at distribution time.
            (g.RewardPerShare, g.Carry, g.Unattributed) = g.Spread(g.Released(e.At) - before);
        }
    }

    private void ApplyShares(GaugeSharesSet s)
    {
        var g = Gauge(s.Gauge);
        g.CheckNotBehind(s.At);
        g.Accrue(s.At);
        var h = g.Settle(s.Account);
        g.TotalShares = g.TotalShares - h.Shares + s.Shares;
        h.Shares = s.Shares;
    }

    private void ApplyClaim(GaugeRewardClaimed c)
    {
        var g = Gauge(c.Gauge);
        g.CheckNotBehind(c.At);
        g.Accrue(c.At);
        var h = g.Settle(c.Account);
        if (h.PendingScaled / (BigInteger)Precision != (BigInteger)c.Amount)
        {
            throw new GovernanceInvariantException($"claim {c} does not match the {h.PendingScaled} (×10⁻¹⁸) earned");
        }

        h.PendingScaled -= (BigInteger)c.Amount * (BigInteger)Precision;
        g.Claimed += c.Amount;
    }
}
