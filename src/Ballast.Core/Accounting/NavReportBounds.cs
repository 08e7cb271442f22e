namespace Ballast.Accounting;

/// <summary>
/// Limits on NAV reports, per report and per unit of time. A report is recorded but not applied, and pauses the
/// vault, when it moves total assets up by more than <see cref="MaxUpBps"/> or down by more than
/// <see cref="MaxDownBps"/> (relative to the total assets before it), when it comes less than
/// <see cref="MinInterval"/> after the last applied report, or when, compounded with the reports applied in the
/// <see cref="Window"/> before it, it moves NAV by more than <see cref="MaxWindowUpBps"/> up or
/// <see cref="MaxWindowDownBps"/> down (so fifty reports of +20 % cannot add up to more than the window allows).
/// </summary>
public sealed record NavReportBounds
{
    /// <summary>A <see cref="MaxUpBps"/> of this value means rises are not limited at all (even from zero assets).</summary>
    public const int NoLimit = int.MaxValue;

    /// <summary>The default shortest time between reports: one hour.</summary>
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromHours(1);

    /// <summary>The default rolling window of the compounded bound: one day.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    /// <summary>No limits: any change, any time.</summary>
    public static NavReportBounds Unbounded { get; } = new(NoLimit, BasisPoints.One, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>
    /// The library's default: no limit on the size of a move, but at most one report per <see cref="DefaultMinInterval"/>
    /// (a burst of reports in the same second is held and pauses the vault).
    /// </summary>
    public static NavReportBounds Default { get; } = new(NoLimit, BasisPoints.One, DefaultMinInterval);

    /// <summary>
    /// Creates bounds. The window defaults to <see cref="DefaultWindow"/> and its bounds to the per-report ones: a
    /// vault that accepts at most +20 % per report then accepts at most +20 % per day however often it reports.
    /// </summary>
    public NavReportBounds(int maxUpBps, int maxDownBps, TimeSpan minInterval, TimeSpan? window = null, int? maxWindowUpBps = null, int? maxWindowDownBps = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxUpBps);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDownBps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDownBps, BasisPoints.One);
        ArgumentOutOfRangeException.ThrowIfLessThan(minInterval, TimeSpan.Zero);
        var w = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(w, TimeSpan.Zero, nameof(window));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(w, MaxWindow, nameof(window));
        var up = maxWindowUpBps ?? maxUpBps;
        var down = maxWindowDownBps ?? maxDownBps;
        ArgumentOutOfRangeException.ThrowIfNegative(up, nameof(maxWindowUpBps));
        ArgumentOutOfRangeException.ThrowIfNegative(down, nameof(maxWindowDownBps));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(down, BasisPoints.One, nameof(maxWindowDownBps));
        MaxUpBps = maxUpBps;
        MaxDownBps = maxDownBps;
        MinInterval = minInterval;
        Window = w;
        MaxWindowUpBps = up;
        MaxWindowDownBps = down;
    }

    /// <summary>The longest window accepted: one year.</summary>
    public static TimeSpan MaxWindow => TimeSpan.FromDays(365);

    /// <summary>Largest accepted rise, in basis points of the total assets before the report; <see cref="NoLimit"/> for none.</summary>
    public int MaxUpBps { get; }

    /// <summary>Largest accepted fall, in basis points of the total assets before the report.</summary>
    public int MaxDownBps { get; }

    /// <summary>Shortest accepted time since the last applied report (the first report is never too soon).</summary>
    public TimeSpan MinInterval { get; }

    /// <summary>The rolling window of the compounded bound (zero: no window bound).</summary>
    public TimeSpan Window { get; }

    /// <summary>Largest compounded rise of the reports applied within <see cref="Window"/> (this one included), in bps; <see cref="NoLimit"/> for none.</summary>
    public int MaxWindowUpBps { get; }

    /// <summary>Largest compounded fall of the reports applied within <see cref="Window"/> (this one included), in bps.</summary>
    public int MaxWindowDownBps { get; }

    /// <summary>Whether the window bound can hold any report back.</summary>
    public bool HasWindowBound => Window > TimeSpan.Zero && (MaxWindowUpBps != NoLimit || MaxWindowDownBps < BasisPoints.One);
}
