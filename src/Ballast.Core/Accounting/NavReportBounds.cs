namespace Ballast.Accounting;

/// <summary>
/// Limits on a NAV report. A report that moves total assets up by more than <see cref="MaxUpBps"/> or down by
/// more than <see cref="MaxDownBps"/> (relative to the total assets before it), or that comes less than
/// <see cref="MinInterval"/> after the last applied report, is recorded but not applied, and pauses the vault.
/// </summary>
public sealed record NavReportBounds
{
    /// <summary>A <see cref="MaxUpBps"/> of this value means rises are not limited at all (even from zero assets).</summary>
    public const int NoLimit = int.MaxValue;

    /// <summary>No limits: any change, any time.</summary>
    public static NavReportBounds Unbounded { get; } = new(NoLimit, BasisPoints.One, TimeSpan.Zero);

    /// <summary>Creates bounds.</summary>
    public NavReportBounds(int maxUpBps, int maxDownBps, TimeSpan minInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxUpBps);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDownBps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDownBps, BasisPoints.One);
        ArgumentOutOfRangeException.ThrowIfLessThan(minInterval, TimeSpan.Zero);
        MaxUpBps = maxUpBps;
        MaxDownBps = maxDownBps;
        MinInterval = minInterval;
    }

    /// <summary>Largest accepted rise, in basis points of the total assets before the report; <see cref="NoLimit"/> for none.</summary>
    public int MaxUpBps { get; }

    /// <summary>Largest accepted fall, in basis points of the total assets before the report.</summary>
    public int MaxDownBps { get; }

    /// <summary>Shortest accepted time since the last applied report (the first report is never too soon).</summary>
    public TimeSpan MinInterval { get; }
}
