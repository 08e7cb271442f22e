using Ballast.Protocol;

namespace Ballast.Service.Writing;

/// <summary>
/// Where the API sends a command to be decided: the local <see cref="CommandWriter"/> (one process, the journal's
/// single writer), or, in a cluster, the deployment's sequencer grain on whichever silo holds it
/// (Ballast.Cluster). Either way the outcome is the writer's <see cref="WriteResult"/>.
/// </summary>
public interface ICommandSubmitter
{
    /// <summary>Has <paramref name="command"/> decided (and journaled when it applies) and returns its outcome.</summary>
    Task<WriteResult> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken = default);
}
