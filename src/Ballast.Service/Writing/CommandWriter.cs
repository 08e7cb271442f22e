using System.Threading.Channels;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Writing;

/// <summary>
/// The journal's single writer in the service: every command (from HTTP, the keeper, the demo reporter) is queued
/// here and decided by the one <see cref="ProtocolSequencer"/>, in arrival order. Whatever is queued when the writer
/// is free is decided and committed together (group commit: one transaction per batch). Plans (the keeper's round)
/// run between batches on the writer's own state, so nothing else ever reads the sequencer's mutable state. On
/// shutdown the batch in flight is finished; what is still queued is answered <see cref="WriteStatus.Stopping"/>.
/// </summary>
public sealed class CommandWriter : BackgroundService
{
    private readonly ProtocolSequencer _sequencer;
    private readonly IJournalStore _store;
    private readonly JournalSignal _committed;
    private readonly ILogger<CommandWriter> _log;
    private readonly Channel<Work> _queue;
    private readonly int _maxBatch;

    /// <summary>A writer over <paramref name="sequencer"/> (which writes to <paramref name="store"/>), raising <paramref name="committed"/> after each commit.</summary>
    public CommandWriter(ProtocolSequencer sequencer, IJournalStore store, JournalSignal committed, ILogger<CommandWriter> log, int maxBatch = 512)
    {
        _sequencer = sequencer;
        _store = store;
        _committed = committed;
        _log = log;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _committed.Raise(sequencer.Head.Sequence);
    }

    /// <summary>Raised (on the writer's thread) after a batch in which a NAV report was applied: the keeper's cue.</summary>
    public event Action? NavReportApplied;

    /// <summary>The head after the last committed batch.</summary>
    public JournalHead Head { get; private set; }

    /// <summary>Commands decided since start (any outcome).</summary>
    public long CommandsDecided => Interlocked.Read(ref _decided);

    private long _decided;

    /// <summary>Queues <paramref name="command"/> and waits for its outcome.</summary>
    public async Task<WriteResult> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var work = new Work(command, null);
        if (!_queue.Writer.TryWrite(work))
        {
            try
            {
                await _queue.Writer.WriteAsync(work, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return new WriteResult(WriteStatus.Stopping, command.Id, []);
            }
        }

        return await work.Command!.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="plan"/> on the writer's state at its clock between batches, then decides the commands it
    /// returns, in order, as one batch; returns their outcomes.
    /// </summary>
    public async Task<IReadOnlyList<WriteResult>> RunPlanAsync(Func<ProtocolState, JournalHead, IReadOnlyList<ProtocolCommand>> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var work = new Work(null, plan);
        try
        {
            await _queue.Writer.WriteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return [];
        }

        return await work.Plan!.Task.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Head = _sequencer.Head;
        var reader = _queue.Reader;
        var batch = new List<Work>(_maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryPeek(out var next))
                {
                    if (next.PlanFunc is not null)
                    {
                        if (batch.Count > 0)
                        {
                            break;
                        }

                        reader.TryRead(out _);
                        await RunPlanWorkAsync(next).ConfigureAwait(false);
                        continue;
                    }

                    reader.TryRead(out _);
                    batch.Add(next);
                }

                if (batch.Count > 0)
                {
                    var results = await DecideAsync([.. batch.Select(w => w.CommandValue!)]).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Command!.TrySetResult(results[i]);
                    }
                }
            }
        }
        finally
        {
            while (reader.TryRead(out var left))
            {
                left.Command?.TrySetResult(new WriteResult(WriteStatus.Stopping, left.CommandValue!.Id, []));
                left.Plan?.TrySetResult([]);
            }
        }
    }

    private async Task RunPlanWorkAsync(Work work)
    {
        try
        {
            var commands = work.PlanFunc!(_sequencer.State, _sequencer.Head);
            work.Plan!.TrySetResult(commands.Count == 0 ? [] : await DecideAsync(commands).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // a failing plan is reported to its caller; the writer goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            work.Plan!.TrySetException(e);
        }
    }

    /// <summary>Decides <paramref name="commands"/> as one batch; a batch that throws is decided again one by one, so one bad command fails alone.</summary>
    private async Task<WriteResult[]> DecideAsync(IReadOnlyList<ProtocolCommand> commands)
    {
        var before = _sequencer.Head;
        WriteResult[] results;
        try
        {
            var outcomes = await _sequencer.SubmitBatchAsync(commands, CancellationToken.None).ConfigureAwait(false);
            results = await ResultsAsync(commands, outcomes, before).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // each command is retried alone below and its own failure reported
        catch (Exception batchFailure)
#pragma warning restore CA1031
        {
            if (commands.Count == 1)
            {
                LogFailed(_log, commands[0].Id, batchFailure);
                results = [new WriteResult(WriteStatus.Failed, commands[0].Id, [], Error: batchFailure)];
            }
            else
            {
                results = new WriteResult[commands.Count];
                for (var i = 0; i < commands.Count; i++)
                {
                    results[i] = await DecideAloneAsync(commands[i]).ConfigureAwait(false);
                }
            }
        }

        Interlocked.Add(ref _decided, commands.Count);
        Head = _sequencer.Head;
        if (Head.Sequence > before.Sequence)
        {
            _committed.Raise(Head.Sequence);
            if (commands.Zip(results).Any(p => p.First is ReportNavCommand && p.Second.Status == WriteStatus.Applied))
            {
                NavReportApplied?.Invoke();
            }
        }

        return results;
    }

    private async Task<WriteResult> DecideAloneAsync(ProtocolCommand command)
    {
        var before = _sequencer.Head;
        try
        {
            var outcome = await _sequencer.SubmitAsync(command, CancellationToken.None).ConfigureAwait(false);
            return (await ResultsAsync([command], [outcome], before).ConfigureAwait(false))[0];
        }
#pragma warning disable CA1031 // reported to the caller as a failed command
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(_log, command.Id, e);
            return new WriteResult(WriteStatus.Failed, command.Id, [], Error: e);
        }
    }

    /// <summary>
    /// The results of a decided batch. Applied members' events are numbered from <paramref name="before"/> when the
    /// head moved by exactly their events (the usual case); otherwise (another writer raced) each is read back.
    /// </summary>
    private async Task<WriteResult[]> ResultsAsync(IReadOnlyList<ProtocolCommand> commands, IReadOnlyList<CommandOutcome> outcomes, JournalHead before)
    {
        var results = new WriteResult[commands.Count];
        var applied = outcomes.Where(o => o.Status == CommandStatus.Applied).Sum(o => (long)o.Events.Count + 1);
        var contiguous = _sequencer.Head.Sequence == before.Sequence + applied;
        var next = before.Sequence + 1;
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var outcome = outcomes[i];
            switch (outcome.Status)
            {
                case CommandStatus.Applied when contiguous:
                    next++; // the command record
                    var events = new ResultEvent[outcome.Events.Count];
                    for (var k = 0; k < events.Length; k++)
                    {
                        events[k] = new ResultEvent(next++, EventTypes.NameOf(outcome.Events[k]), EventTypes.Payload(outcome.Events[k]));
                    }

                    results[i] = new WriteResult(WriteStatus.Applied, command.Id, events);
                    break;
                case CommandStatus.Applied:
                    results[i] = await StoredAsync(command, WriteStatus.Applied).ConfigureAwait(false);
                    break;
                case CommandStatus.AlreadyApplied:
                    results[i] = await StoredAsync(command, WriteStatus.Replayed).ConfigureAwait(false);
                    break;
                case CommandStatus.Rejected:
                    results[i] = new WriteResult(WriteStatus.Rejected, command.Id, [], outcome.Rejection);
                    break;
                default:
                    results[i] = new WriteResult(WriteStatus.Unchanged, command.Id, [], Note: outcome.Note);
                    break;
            }
        }

        return results;
    }

    /// <summary>The stored outcome of <paramref name="command"/>'s id; <see cref="WriteStatus.KeyReused"/> when the journaled command differs from this one.</summary>
    private async Task<WriteResult> StoredAsync(ProtocolCommand command, WriteStatus status)
    {
        var stored = await _store.FindCommandAsync(command.Id, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"command {command.Id} was reported journaled but is not in the journal");
        var journaledForm = EventTypes.Payload(CommandAccepted.Of(command));
        if (status == WriteStatus.Replayed && !string.Equals(stored[0].Payload, journaledForm, StringComparison.Ordinal))
        {
            return new WriteResult(WriteStatus.KeyReused, command.Id, []);
        }

        return new WriteResult(status, command.Id, [.. stored.Where(e => e.Type != "command").Select(e => new ResultEvent(e.Sequence, e.Type, e.Payload))]);
    }

    private static readonly Action<ILogger, string, Exception?> LogFailedMessage = LoggerMessage.Define<string>(LogLevel.Error, new EventId(1, "CommandFailed"), "command {CommandId} failed");

    private static void LogFailed(ILogger logger, string commandId, Exception error) => LogFailedMessage(logger, commandId, error);

    /// <summary>A queued command, or a plan; each with the task its sender waits on.</summary>
    private sealed class Work(ProtocolCommand? command, Func<ProtocolState, JournalHead, IReadOnlyList<ProtocolCommand>>? plan)
    {
        public ProtocolCommand? CommandValue { get; } = command;

        public Func<ProtocolState, JournalHead, IReadOnlyList<ProtocolCommand>>? PlanFunc { get; } = plan;

        public TaskCompletionSource<WriteResult>? Command { get; } = command is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<IReadOnlyList<WriteResult>>? Plan { get; } = plan is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
