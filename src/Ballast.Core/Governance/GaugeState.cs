using System.Globalization;
using System.Numerics;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>One gauge's vote weight schedule and reward books (internal to <see cref="GaugeController"/>).</summary>
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

    public void Describe(StringBuilder text, string id)
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

    internal sealed class Holder
    {
        public UInt128 Shares { get; set; }

        public BigInteger Paid { get; set; }

        /// <summary>Rewards earned, scaled by 10¹⁸ (claims take the whole base units).</summary>
        public BigInteger PendingScaled { get; set; }
    }
}
