namespace Ballast.Cluster.Keeping;

/// <summary>
/// The keeper's tick for one deployment (key: the deployment's name): it plans the single-process keeper's round on
/// its silo's replica, asks the vault grains whose call depends on the policy (<see cref="KeeperRoundPlan.Ask"/>),
/// and submits the round's duties and the calls that would change the journal, in the round's order, to the
/// deployment's sequencer (<see cref="IKeeperSubmitter"/>), which decides each again.
/// </summary>
public interface IKeeperCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Runs one tick now.</summary>
    Task<KeeperTick> TickAsync();

    /// <summary>Ticks every <paramref name="interval"/> on the silo's clock (a grain timer) until <see cref="StopAsync"/>; a new interval replaces the old.</summary>
    Task StartAsync(TimeSpan interval);

    /// <summary>Stops the timer.</summary>
    Task StopAsync();

    /// <summary>The last tick's summary (null before the first) and how many ticks ran in this activation.</summary>
    Task<(KeeperTick? Last, long Ticks)> LastTickAsync();
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
