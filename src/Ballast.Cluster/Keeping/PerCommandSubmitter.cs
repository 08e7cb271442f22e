using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// Submits a keeper round command by command, in order, through a per-command submit (the deployment's sequencer
/// reached one command at a time: on a cluster, the sequencer grain, <see cref="SequencerGrainKeeper.Submitter"/>).
/// Each command is decided after the one before it was answered, so the round's journal is the one a batch would
/// write; a command that fails on the way is answered failed and the rest still go (each is decided again on its own).
/// </summary>
public sealed class PerCommandSubmitter : IKeeperSubmitter
{
    private readonly Func<string, ProtocolCommand, CancellationToken, Task<WriteResult>> _submit;
    private readonly Func<string, CancellationToken, Task<DateTimeOffset>> _now;

    /// <summary>Submits through <paramref name="submit"/>; decisions are made at <paramref name="clock"/>'s time, the time the sequencers decide at.</summary>
    public PerCommandSubmitter(Func<string, ProtocolCommand, CancellationToken, Task<WriteResult>> submit, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _submit = submit ?? throw new ArgumentNullException(nameof(submit));
        _now = (_, _) => Task.FromResult(clock.GetUtcNow());
    }

    /// <summary>Submits through <paramref name="submit"/>; decisions are made at the time <paramref name="now"/> gives for the deployment (its sequencer's clock).</summary>
    public PerCommandSubmitter(Func<string, ProtocolCommand, CancellationToken, Task<WriteResult>> submit, Func<string, CancellationToken, Task<DateTimeOffset>> now)
    {
        _submit = submit ?? throw new ArgumentNullException(nameof(submit));
        _now = now ?? throw new ArgumentNullException(nameof(now));
    }

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
    public Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default) => _now(deployment, cancellationToken);
}
