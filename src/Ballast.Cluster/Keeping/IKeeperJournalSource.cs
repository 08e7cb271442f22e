using Ballast.Protocol.Journal;

namespace Ballast.Cluster.Keeping;

/// <summary>Read access to each deployment's journal, from which every silo keeps its keeper replica (<see cref="DeploymentReplica"/>).</summary>
public interface IKeeperJournalSource
{
    /// <summary>The journal's head now.</summary>
    Task<JournalHead> HeadAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>The committed events from <paramref name="fromSequence"/> on, in order (as <see cref="IJournalStore.ReadAsync"/>).</summary>
    IAsyncEnumerable<JournalEvent> ReadAsync(string deployment, long fromSequence, CancellationToken cancellationToken = default);
}
