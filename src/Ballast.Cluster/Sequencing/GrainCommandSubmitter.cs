using System.Text.Json;
using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// The API's way to the deployment's sequencer in a cluster: the command goes, in its journal JSON form, to the
/// sequencer grain of <paramref name="deployment"/>, wherever Orleans has it. A call that fails before the sequencer
/// took the command (the new activation is still waiting for the lock) comes back as a transient failure, nothing
/// written; a call that timed out or whose silo died under it comes back as an unknown outcome
/// (<see cref="SequencerReplies.CallFailed"/>). Either way the API answers 503 and the client sends the command again
/// with the same key, which gets the stored outcome if it was applied.
/// </summary>
public sealed class GrainCommandSubmitter(IGrainFactory grains, string deployment) : ICommandSubmitter
{
    /// <summary>The deployment commands go to.</summary>
    public string Deployment { get; } = deployment;

    /// <inheritdoc/>
    public async Task<WriteResult> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = JsonSerializer.Serialize(command, ProtocolJson.Options);
        try
        {
            var reply = await grains.GetGrain<ISequencerGrain>(Deployment).Submit(json).WaitAsync(cancellationToken).ConfigureAwait(false);
            return SequencerReplies.FromReply(reply);
        }
#pragma warning disable CA1031 // whatever broke the call (a dead silo, a timeout, an activation refused), the client retries with the same key and gets the stored outcome if it was written
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return SequencerReplies.CallFailed(command.Id, e);
        }
    }
}
