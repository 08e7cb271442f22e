using System.Globalization;
using System.Numerics;
using System.Text;
using Ballast.Accounting;
using Ballast.Hashing;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The per-child caps of a composed vault's rails (<see cref="RebalanceRails.MaxChildAssets"/>,
/// <see cref="RebalanceRails.MaxChildPpm"/>), exactly: what a child may hold, and how many of its shares stay
/// within that. A rebalance enforces them before every other rail (see docs/protocol.md, "Caps always hold").
/// </summary>
public static class ChildCaps
{
    /// <summary>The trigger of a rebalance that only sells what is above the caps (the policy did not rebalance).</summary>
    public const string TrimTrigger = "caps";

    /// <summary>Whether the rails cap the children at all.</summary>
    public static bool Any(RebalanceRails rails)
    {
        ArgumentNullException.ThrowIfNull(rails);
        return rails.MaxChildAssets is not null || rails.MaxChildPpm is not null;
    }

    /// <summary>
    /// The most one child may hold (its shares valued at <c>convertToAssets</c>, floor) when the composed vault's NAV
    /// is <paramref name="nav"/>: the smaller of <c>max_child_assets</c> and <c>floor(max_child_ppm · nav / 10⁶)</c>;
    /// <see cref="UInt128.MaxValue"/> without caps.
    /// </summary>
    public static UInt128 Limit(RebalanceRails rails, UInt128 nav)
    {
        ArgumentNullException.ThrowIfNull(rails);
        var limit = rails.MaxChildAssets ?? UInt128.MaxValue;
        if (rails.MaxChildPpm is { } ppm)
        {
            limit = UInt128.Min(limit, ExactMath.MulDiv(nav, (UInt128)Math.Max(0, ppm), PartsPerMillion.One, Rounding.Floor));
        }

        return limit;
    }

    /// <summary>
    /// The most shares worth at most <paramref name="limit"/> at the price <c>(assets + 1) / (supply + virtual)</c>
    /// (floor, as <c>convertToAssets</c>): the largest r with <c>r · (assets + 1) ≤ (limit + 1) · (supply + virtual) − 1</c>.
    /// </summary>
    public static UInt128 SharesWorthAtMost(UInt128 limit, UInt128 assets, UInt128 supplyWithVirtual)
    {
        var most = ((((BigInteger)limit + 1) * supplyWithVirtual) - 1) / ((BigInteger)assets + 1);
        return most >= (BigInteger)UInt128.MaxValue ? UInt128.MaxValue : (UInt128)most;
    }

    /// <summary>The first child (in order) whose holding exceeds <paramref name="limit"/>, or -1.</summary>
    internal static int FirstOver(ReadOnlySpan<UInt128> held, UInt128 limit)
    {
        for (var i = 0; i < held.Length; i++)
        {
            if (held[i] > limit)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>SHA-256 of what a trim saw: children, holdings, idle cash, cash in flight and the limit.</summary>
    internal static string TrimDigest(IReadOnlyList<string> names, ReadOnlySpan<UInt128> held, UInt128 idle, UInt128 inFlight, UInt128 limit)
    {
        var text = new StringBuilder("caps\nnames:").AppendJoin(',', names).Append("\nvalues:");
        for (var i = 0; i < held.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(held[i].ToString(CultureInfo.InvariantCulture));
        }

        text.Append("\nidle:").Append(idle.ToString(CultureInfo.InvariantCulture)).Append("\nin-flight:").Append(inFlight.ToString(CultureInfo.InvariantCulture)).Append("\nlimit:").Append(limit.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return Sha256Digest.OfUtf8(text.ToString()).ToHex();
    }
}
