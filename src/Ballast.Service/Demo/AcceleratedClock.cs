namespace Ballast.Service.Demo;

/// <summary>
/// The demo's fast clock: starts at <paramref name="start"/> and runs <paramref name="speed"/> times faster than
/// <paramref name="real"/> (86,400: a day per second), so NAV reports a second apart are a day apart in the protocol
/// and the policies' daily rules see a living market within a minute. Timers still run on real time.
/// </summary>
public sealed class AcceleratedClock(DateTimeOffset start, double speed, TimeProvider real) : TimeProvider
{
    private readonly long _started = real.GetTimestamp();

    /// <summary>How many protocol seconds pass per real second.</summary>
    public double Speed { get; } = speed;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks((long)(real.GetElapsedTime(_started).Ticks * Speed));
}
