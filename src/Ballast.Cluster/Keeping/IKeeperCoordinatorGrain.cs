using Orleans.Concurrency;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// The keeper's tick for one deployment (key: the deployment's name): it plans the single-process keeper's round on
/// its silo's replica, asks the vault grains whose call depends on the policy (<see cref="KeeperRoundPlan.Ask"/>),
/// and submits the round's duties and the calls that would change the journal, in the round's order, to the
/// deployment's sequencer (<see cref="IKeeperSubmitter"/>), which decides each again.
/// </summary>
public interface IKeeperCoordinatorGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Runs one tick now.</summary>
    Task<KeeperTick> TickAsync();

    /// <summary>
    /// Starts the deployment's ticks, or leaves them running: a grain timer every <see cref="KeeperTickOptions.Interval"/>
    /// (the first tick at once), and a reminder every <see cref="KeeperTickOptions.ReminderPeriod"/> that brings the
    /// coordinator back, with its timer, on another silo when this activation is lost. Every silo may call it at start:
    /// one activation (one grain per deployment) ticks, and the reminder is one row per deployment.
    /// </summary>
    Task StartAsync();

    /// <summary>Stops the timer and removes the reminder: no more ticks until <see cref="StartAsync"/>.</summary>
    Task StopAsync();

    /// <summary>
    /// A NAV report was applied in the batch that ended at journal sequence <paramref name="head"/> (the sequencer's cue,
    /// <c>SequencingOptions.CueShardedKeeper</c>): runs a round now, as the single-process keeper does on a report,
    /// unless the coordinator is not ticking here or its last round was planned at <paramref name="head"/> or later
    /// (cues queued behind a round collapse into it).
    /// </summary>
    [OneWay]
    Task ReportedAsync(long head);

    /// <summary>
    /// A tick of the timer of <see cref="KeeperTickOptions.Clock"/> (a clock other than the silo's), called through the
    /// grain reference from that timer's thread; ignored once the coordinator is stopped. A failed tick is counted and
    /// logged, as a grain timer's is.
    /// </summary>
    [OneWay]
    Task TickOnClockAsync();

    /// <summary>Where the coordinator runs, whether it ticks, and its ticks in this activation (answered during a tick too: it only reads).</summary>
    [AlwaysInterleave]
    Task<KeeperCoordinatorStatus> StatusAsync();
}

/// <summary>A keeper coordinator as it reports itself (<see cref="IKeeperCoordinatorGrain.StatusAsync"/>).</summary>
[GenerateSerializer]
[Immutable]
public sealed class KeeperCoordinatorStatus
{
    /// <summary>The silo of the activation (Orleans' runtime identity).</summary>
    [Id(0)]
    public string Silo { get; init; } = "";

    /// <summary>Whether its timer runs.</summary>
    [Id(1)]
    public bool Ticking { get; init; }

    /// <summary>Ticks this activation ran (the ones that failed included).</summary>
    [Id(2)]
    public long Ticks { get; init; }

    /// <summary>Of those, the ones that failed (logged; the next tick runs another round).</summary>
    [Id(3)]
    public long Failed { get; init; }

    /// <summary>The last tick that succeeded, or null.</summary>
    [Id(4)]
    public KeeperTick? Last { get; init; }

    /// <summary>When the last tick ended (the silo's clock), or null before the first.</summary>
    [Id(5)]
    public DateTimeOffset? LastTickAt { get; init; }

    /// <summary>Why the last failed tick failed, or null.</summary>
    [Id(6)]
    public string? LastError { get; init; }

    /// <summary>When this activation started (the silo's clock): a coordinator brought back by its reminder starts anew.</summary>
    [Id(7)]
    public DateTimeOffset ActivatedAt { get; init; }
}

/// <summary>What one keeper tick did.</summary>
[GenerateSerializer]
[Immutable]
public sealed class KeeperTick
{
    /// <summary>The journal head the round was planned at.</summary>
    [Id(0)]
    public long Head { get; init; }

    /// <summary>Vault grains asked.</summary>
    [Id(1)]
    public int Asked { get; init; }

    /// <summary>Of those, the ones whose call would change the journal.</summary>
    [Id(2)]
    public int WouldChange { get; init; }

    /// <summary>Commands submitted (duties and rebalance calls).</summary>
    [Id(3)]
    public int Submitted { get; init; }

    /// <summary>Commands the sequencer applied.</summary>
    [Id(4)]
    public int Applied { get; init; }

    /// <summary>Answers per deciding silo.</summary>
    [Id(5)]
    public IReadOnlyDictionary<string, int> DecidedBySilo { get; init; } = new Dictionary<string, int>();
}
