using System.Text.Json;
using Ballast.Cluster.Keeping;
using Ballast.Protocol;
using Ballast.Service.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// The sequencer grain: hosts a deployment's <see cref="JournalSequencer"/>. Activating it takes the journal's write
/// lock (an activation that cannot get it within <see cref="SequencingOptions.LockWait"/> fails, and the call with
/// it: Orleans may briefly run two activations, the lock lets one write) and rebuilds the state from the journal.
/// Calls interleave so that commands arriving together are committed together (the writer queues them; one decision
/// loop). A timer checks the lock between commands; once the sequencer is fenced (lock lost, head moved), the
/// activation answers every command as a transient failure and deactivates, and the next call activates it afresh,
/// here or on another silo, from the journal.
/// </summary>
[Reentrant]
internal sealed class SequencerGrain(SequencingOptions options, TimeProvider clock, ILoggerFactory logs, ServiceMetrics metrics, ILocalSiloDetails silo)
    : Grain, ISequencerGrain
{
    private static readonly Action<ILogger, string, string, Exception?> Stopped = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(20, "SequencerFenced"), "sequencer {Deployment} stops writing and deactivates: {Reason}");

    private static readonly Action<ILogger, string, TimeSpan, string, Exception?> StopSlow = LoggerMessage.Define<string, TimeSpan, string>(
        LogLevel.Warning, new EventId(21, "SequencerStopSlow"), "sequencer {Deployment} did not stop within {Wait} ({Fenced}); the activation ends, the writer finishes in the background and its lock is released when it does");

    /// <summary>How long a command in hand when the sequencer is fenced waits for the writer's own answer before it is answered as an unknown outcome.</summary>
    private static readonly TimeSpan FencedAnswerWait = TimeSpan.FromSeconds(1);

    private readonly ILogger _log = logs.CreateLogger<SequencerGrain>();
    private JournalSequencer? _sequencer;
    private IGrainTimer? _lockCheck;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var deployment = this.GetPrimaryKeyString();
        _sequencer = await JournalSequencer.OpenAsync(deployment, options, clock, logs, metrics, cancellationToken).ConfigureAwait(true)
            ?? throw new SequencerFencedException($"another sequencer holds the write lock of deployment {deployment}'s journal; not activated here");
        _lockCheck = this.RegisterGrainTimer(CheckLockAsync, new GrainTimerCreationOptions(options.LockCheck, options.LockCheck) { Interleave = true });
        if (options.CueShardedKeeper)
        {
            // On the writer's thread, outside the activation: a one-way call to the coordinator, which coalesces cues.
            var coordinator = GrainFactory.GetGrain<IKeeperCoordinatorGrain>(deployment);
            var sequencer = _sequencer;
            _sequencer.NavReportApplied += () => coordinator.ReportedAsync(sequencer.Head.Sequence).Ignore();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _lockCheck?.Dispose();
        if (_sequencer is { } sequencer)
        {
            _sequencer = null;
            var stopping = sequencer.DisposeAsync().AsTask();
            try
            {
                await stopping.WaitAsync(options.StopWait, cancellationToken).ConfigureAwait(true);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                StopSlow(_log, this.GetPrimaryKeyString(), options.StopWait, sequencer.Fenced ?? "not fenced", null);
                stopping.Ignore();
            }
        }
    }

    public async Task<SequencerReply> Submit(string commandJson)
    {
        ProtocolCommand command;
        try
        {
            command = JsonSerializer.Deserialize<ProtocolCommand>(commandJson, ProtocolJson.Options)
                ?? throw new JsonException("the command is null");
        }
        catch (JsonException e)
        {
            return new SequencerReply("Failed", "", [], null, null, null, $"the command is not in its journal JSON form: {e.Message}", SequencerReplies.BadInput, false);
        }

        if (_sequencer is not { Fenced: null } sequencer)
        {
            return SequencerReplies.ToReply(SequencerReplies.Unavailable(command.Id, "the sequencer here is stopping"));
        }

        var submitted = sequencer.SubmitAsync(command, CancellationToken.None);
        if (await Task.WhenAny(submitted, sequencer.Fencing).ConfigureAwait(true) != submitted)
        {
            // Fenced while the command waited in the writer or was being written: the writer's own answer if it comes
            // at once (the write that found the head moved, say), else an answer now rather than when the writer gets
            // to it (cut off from the database, each of its reads may wait for long, and Orleans holds every call to
            // the grain until the activation is idle). Its batch may have committed: outcome unknown.
            Stop(await sequencer.Fencing.ConfigureAwait(true));
            if (await Task.WhenAny(submitted, Task.Delay(FencedAnswerWait, TimeProvider.System)).ConfigureAwait(true) != submitted)
            {
                return SequencerReplies.ToReply(SequencerReplies.Unknown(command.Id, "the sequencer stopped writing while the command was in hand"));
            }
        }

        var result = await submitted.ConfigureAwait(true);
        if (sequencer.Fenced is { } reason)
        {
            Stop(reason);
        }

        return SequencerReplies.ToReply(result);
    }

    public Task<DateTimeOffset> Now() => _sequencer is { Fenced: null } sequencer
        ? Task.FromResult(sequencer.Now)
        : throw new SequencerFencedException($"the sequencer of deployment {this.GetPrimaryKeyString()} here is stopping");

    public Task<SequencerStatus> Status()
    {
        var head = _sequencer?.Head ?? Ballast.Protocol.Journal.JournalHead.Empty;
        return Task.FromResult(new SequencerStatus(this.GetPrimaryKeyString(), silo.SiloAddress.ToString(), head.Sequence, head.Hash.ToString()));
    }

    private async Task CheckLockAsync(CancellationToken cancellationToken)
    {
        if (_sequencer is { } sequencer && !await sequencer.CheckLockAsync(cancellationToken).ConfigureAwait(true))
        {
            Stop(sequencer.Fenced!);
        }
    }

    private void Stop(string reason)
    {
        Stopped(_log, this.GetPrimaryKeyString(), reason, null);
        this.DeactivateOnIdle();
    }
}
