namespace Ballast.Cluster.Keeping;

/// <summary>
/// How a deployment's keeper coordinator ticks once started (<see cref="IKeeperCoordinatorGrain.StartAsync"/>): a grain
/// timer every <see cref="Interval"/> inside its activation, and an Orleans reminder every <see cref="ReminderPeriod"/>
/// that activates the coordinator again, wherever Orleans places it, when the activation is gone (its silo died), and
/// restarts the timer there. Every silo of a cluster is to be configured alike: the activation that a reminder brings
/// back ticks at its own silo's <see cref="Interval"/>.
/// </summary>
public sealed record KeeperTickOptions
{
    /// <summary>Orleans' default floor for a reminder's period (<c>ReminderOptions.MinimumReminderPeriod</c>).</summary>
    public static readonly TimeSpan ReminderFloor = TimeSpan.FromMinutes(1);

    /// <summary>The time between ticks (the silo's clock).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The reminder's period: the longest the ticks stop after the coordinator's silo dies, beyond the time Orleans
    /// takes to declare it dead. At least the reminder service's minimum (one minute unless the silo lowers it).
    /// </summary>
    public TimeSpan ReminderPeriod { get; init; } = ReminderFloor;

    /// <summary>
    /// The clock whose timer paces the ticks instead of a grain timer on the silo's clock; null (the default) for the
    /// grain timer. Tests give a fake clock here to drive ticks by advancing it: made the silo's own
    /// <see cref="TimeProvider"/>, a frozen clock would stall Orleans' membership and gateway timers too. The timer's
    /// callback calls the coordinator through its grain reference, so each tick still runs inside the activation.
    /// </summary>
    public TimeProvider? Clock { get; init; }
}
