namespace Ballast.Governance;

/// <summary>
/// Curve's time grid, in unix seconds (UTC): weeks of 604,800 s starting Thursday 00:00 UTC (the unix epoch was a
/// Thursday), and the 4-year maximum lock.
/// </summary>
public static class Weeks
{
    /// <summary>One week in seconds.</summary>
    public const long Week = 604_800;

    /// <summary>The longest lock: 4 × 365 days = 126,144,000 s.</summary>
    public const long MaxTime = 126_144_000;

    /// <summary>⌊t / WEEK⌋ · WEEK: the start of the week holding <paramref name="t"/> (t ≥ 0).</summary>
    public static long Floor(long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return t / Week * Week;
    }

    /// <summary>The first week boundary strictly after <paramref name="t"/>.</summary>
    public static long Next(long t) => checked(Floor(t) + Week);
}
