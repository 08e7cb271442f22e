using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// Submits a keeper round command by command, in order, through <paramref name="submit"/> (the deployment's sequencer
/// reached one command at a time: on a cluster, the sequencer grain's submitter, <c>(deployment, command, ct) =&gt;
/// new GrainCommandSubmitter(grains, deployment).SubmitAsync(command, ct)</c>); decisions are made at
/// <paramref name="clock"/>'s time, the time the sequencers decide at (a cluster's wall clock). Each command is decided
/// after the one before it was answered, so the round's journal is the one a batch would write; a command that fails on
/// the way is answered failed and the rest still go (each is decided again on its own).
/// </summary>
public sealed class PerCommandSubmitter(Func<string, ProtocolCommand, CancellationToken, Task<WriteResult>> submit, TimeProvider clock) : IKeeperSubmitter
{
    private readonly Func<string, ProtocolCommand, CancellationToken, Task<WriteResult>> _submit = submit ?? throw new ArgumentNullException(nameof(submit));
    private readonly TimeProvider _clock = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WriteResult>> SubmitAsync(string deployment, IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var results = new WriteResult[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            results[i] = await _submit(deployment, commands[i], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default) => Task.FromResult(_clock.GetUtcNow());
}
