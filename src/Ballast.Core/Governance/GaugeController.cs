using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// Curve's gauge controller on veBANK, with exact integers: holders split their lock's slope across gauges in
/// basis points; each gauge's weight is a bias/slope point scheduled at week boundaries with slope changes at
/// lock ends. Weekly BANK emissions are split by weight at the week start (largest remainder) and streamed to each
/// gauge's depositors pro rata to shares held over time. The controller does not move BANK: the integrator mints
/// or transfers what <see cref="EmissionDistributed"/> and <see cref="GaugeRewardClaimed"/> name.
/// </summary>
public sealed partial class GaugeController
{
    /// <summary>The wait before a vote on the same gauge can change: 10 days.</summary>
    public const long VoteDelay = 864_000;

    /// <summary>The precision of the reward-per-share accumulator.</summary>
    public static readonly UInt128 Precision = ExactMath.Pow10(18);

    private readonly SortedDictionary<string, GaugeState> _gauges = new(StringComparer.Ordinal);

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
    public IEnumerable<string> Gauges => _gauges.Keys;

    /// <summary>Whether <paramref name="gauge"/> exists and was not removed.</summary>
    public bool IsActive(string gauge) => _gauges.TryGetValue(gauge, out var g) && g.Active;

    /// <summary>Add a gauge (an executed <see cref="AddGauge"/> action).</summary>
    public Decision<GaugeAdded> DecideAdd(string gauge, long now)
    {
        ArgumentNullException.ThrowIfNull(gauge);
        return TimeCheck(now) is { } late ? late : _gauges.ContainsKey(gauge) ? GovernanceRejections.HasGauge(gauge) : new GaugeAdded(gauge, now);
    }

    /// <summary>Remove an active gauge (an executed <see cref="RemoveGauge"/> action).</summary>
    public Decision<GaugeRemoved> DecideRemove(string gauge, long now) =>
        TimeCheck(now) is { } late ? late : IsActive(gauge) ? new GaugeRemoved(gauge, now) : GovernanceRejections.NoGauge(gauge);

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

    private Rejection? TimeCheck(long now) => now < LastAt ? GovernanceRejections.TimeWentBack(now, LastAt) : null;

    private GaugeState Gauge(string gauge) =>
        _gauges.TryGetValue(gauge, out var g) ? g : throw new GovernanceInvariantException($"unknown gauge '{gauge}'");
}
