using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// Where the sharded keeper sends a round's commands: the sequencer of one protocol deployment, which decides each
/// command again on its own state (a keeper's "would fire" is never trusted). The commands are decided in the order
/// given, as one batch, as the single-process keeper's round is (<see cref="Ballast.Service.Keeping.KeeperService"/>).
/// Implementations: <see cref="CommandWriterSubmitter"/> (the local writer: tests and one process), and an adapter to
/// the cluster's sequencer grain.
/// </summary>
public interface IKeeperSubmitter
{
    /// <summary>Decides <paramref name="commands"/> in order on <paramref name="deployment"/>'s sequencer and returns one outcome per command.</summary>
    /// <exception cref="KeyNotFoundException">No sequencer serves <paramref name="deployment"/> here.</exception>
    Task<IReadOnlyList<WriteResult>> SubmitAsync(string deployment, IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default);

    /// <summary>
    /// The time on <paramref name="deployment"/>'s sequencer clock: the protocol time its commands are decided at, at
    /// which the keeper's vault grains decide too (it is not the silo's clock, which only paces the ticks).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No sequencer serves <paramref name="deployment"/> here.</exception>
    Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default);
}
