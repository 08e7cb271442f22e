using System.Diagnostics;
using System.Threading.Channels;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Access;
using Ballast.Service.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Writing;

/// <summary>
/// The journal's single writer in the service: every command (from HTTP, the keeper, the demo reporter) is queued
/// here and decided by the one <see cref="ProtocolSequencer"/>, in arrival order. Whatever is queued when the writer
/// is free is decided and committed together (group commit: one transaction per batch). Plans (the keeper's round)
/// run between batches on the writer's own state, so nothing else ever reads the sequencer's mutable state. On
/// shutdown the batch in flight is finished (committed and answered); what is still queued, or sent after, is
/// answered <see cref="WriteStatus.Stopping"/> with nothing written. Each batch is logged at Debug, each refusal at
/// Information, and every outcome counted in <see cref="ServiceMetrics"/>.
/// </summary>
public sealed class CommandWriter : BackgroundService, ICommandSubmitter
{
    private readonly ProtocolSequencer _sequencer;
    private readonly JournalSignal _committed;
    private readonly ILogger<CommandWriter> _log;
    private readonly ServiceMetrics _metrics;
    private readonly Channel<Work> _queue;
    private readonly int _maxBatch;
    private volatile bool _stopping;
    private int _started;
    private readonly IRefusalStore? _refusals;
    private HashSet<string>? _refusedIds;
    private readonly List<CommittedEvent> _committedNow = [];

    /// <summary>A writer over <paramref name="sequencer"/>, raising <paramref name="committed"/> after each commit and recording in <paramref name="metrics"/>.</summary>
    /// <remarks>
    /// With <paramref name="refusals"/>, refused commands are stored (in the journal's database) before they are
    /// answered, and a command whose id was refused before is answered from there without being decided again: the
    /// same refusal for the same command, <see cref="WriteStatus.KeyReused"/> for another under that id.
    /// </remarks>
    public CommandWriter(ProtocolSequencer sequencer, JournalSignal committed, ILogger<CommandWriter> log, ServiceMetrics metrics, int maxBatch = 512, IRefusalStore? refusals = null)
    {
        _refusals = refusals;
        ArgumentNullException.ThrowIfNull(sequencer);
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(metrics);
        _sequencer = sequencer;
        _committed = committed;
        _log = log;
        _metrics = metrics;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Head = sequencer.Head;
        _committed.Raise(sequencer.Head.Sequence);
        _metrics.ObserveJournalHead(() => Head.Sequence);
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
        if (_stopping)
        {
            return Stopped(work);
        }

        if (!_queue.Writer.TryWrite(work))
        {
            try
            {
                await _queue.Writer.WriteAsync(work, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return Stopped(work);
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

    /// <summary>
    /// Starts the writer's one decision loop; starting it again does nothing. The demo starts the writer to set
    /// itself up before the host starts its hosted services, the writer among them: a second loop on the one
    /// sequencer would decide commands while another batch is between its decision and its commit, on a state the
    /// journal does not describe (the other batch's events applied, not yet journaled), and commit them first.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _started, 1) == 0 ? base.StartAsync(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
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
            while (!_stopping && await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
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
                    var commands = new ProtocolCommand[batch.Count];
                    for (var i = 0; i < commands.Length; i++)
                    {
                        commands[i] = batch[i].CommandValue!;
                    }

                    var results = await DecideOrRecallAsync(commands).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        _metrics.CommandDecided(CommandNames.Of(commands[i]), Outcome(results[i].Status), batch[i].QueuedAt);
                        batch[i].Command!.TrySetResult(results[i]);
                    }
                }
            }
        }
        finally
        {
            _stopping = true;
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var left))
            {
                if (left.Command is not null)
                {
                    left.Command.TrySetResult(Stopped(left));
                }

                left.Plan?.TrySetResult([]);
            }

            WriterLog.WriterStopped(_log, Head.Sequence, null);
        }
    }

    private async Task RunPlanWorkAsync(Work work)
    {
        try
        {
            var commands = work.PlanFunc!(_sequencer.State, _sequencer.Head);
            var results = commands.Count == 0 ? [] : await DecideAsync(commands).ConfigureAwait(false);
            for (var i = 0; i < results.Length; i++)
            {
                _metrics.CommandDecided(CommandNames.Of(commands[i]), Outcome(results[i].Status), work.QueuedAt);
            }

            work.Plan!.TrySetResult(results);
        }
#pragma warning disable CA1031 // a failing plan is reported to its caller; the writer goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            work.Plan!.TrySetException(e);
        }
    }

    /// <summary>
    /// Answers the commands whose ids were refused before from the refusal store, and decides the others as one batch
    /// (<see cref="DecideAsync"/>) whose refusals are stored in the transaction that journals its applied commands, so
    /// a crash keeps both or neither. Without a refusal store, <see cref="DecideAsync"/> alone.
    /// </summary>
    private async Task<WriteResult[]> DecideOrRecallAsync(ProtocolCommand[] commands)
    {
        if (_refusals is null)
        {
            return await DecideAsync(commands).ConfigureAwait(false);
        }

        var results = new WriteResult[commands.Length];
        var fresh = new List<int>(commands.Length);
        try
        {
            _refusedIds ??= new HashSet<string>(await _refusals.RefusedIdsAsync(CancellationToken.None).ConfigureAwait(false), StringComparer.Ordinal);
            for (var i = 0; i < commands.Length; i++)
            {
                if (_refusedIds.Contains(commands[i].Id) && await _refusals.FindRefusalAsync(commands[i].Id, CancellationToken.None).ConfigureAwait(false) is { } stored)
                {
                    results[i] = string.Equals(stored.Command, EventTypes.Payload(CommandAccepted.Of(commands[i])), StringComparison.Ordinal)
                        ? new WriteResult(WriteStatus.Rejected, commands[i].Id, [], new Ballast.Accounting.Rejection(stored.Code, stored.Message), StoredRefusal: true)
                        : new WriteResult(WriteStatus.KeyReused, commands[i].Id, []);
                }
                else
                {
                    fresh.Add(i);
                }
            }
        }
#pragma warning disable CA1031 // the store could not be read: nothing is decided, each command is answered with the failure (503 when transient)
        catch (Exception e)
#pragma warning restore CA1031
        {
            return [.. commands.Select(c => new WriteResult(WriteStatus.Failed, c.Id, [], Error: e))];
        }

        if (fresh.Count == 0)
        {
            return results;
        }

        var decided = await DecideAsync([.. fresh.Select(i => commands[i])], keepRefusals: true).ConfigureAwait(false);
        for (var k = 0; k < fresh.Count; k++)
        {
            results[fresh[k]] = decided[k];
            if (decided[k].Status == WriteStatus.Rejected)
            {
                _refusedIds.Add(decided[k].CommandId);
            }
        }

        return results;
    }

    /// <summary>
    /// Decides <paramref name="commands"/> as one batch; a batch that throws is decided again one by one, so one bad
    /// command fails alone. With <paramref name="keepRefusals"/>, the batch's refusals are written in the
    /// transaction that journals it (<see cref="IRefusalStore.AppendBatchAsync"/>).
    /// </summary>
    private async Task<WriteResult[]> DecideAsync(IReadOnlyList<ProtocolCommand> commands, bool keepRefusals = false)
    {
        var before = _sequencer.Head;
        _committedNow.Clear();
        WriteResult[] results;
        try
        {
            var outcomes = await _sequencer.SubmitBatchSequencedAsync(commands, keepRefusals ? AppendKeepingRefusals(commands) : null, CancellationToken.None).ConfigureAwait(false);
            results = Results(commands, outcomes);
            Committed(commands, outcomes);
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
                    results[i] = await DecideAloneAsync(commands[i], keepRefusals).ConfigureAwait(false);
                }
            }
        }

        AfterBatchWritten?.Invoke();
        Interlocked.Add(ref _decided, commands.Count);
        Head = _sequencer.Head;
        _metrics.BatchDecided(commands.Count);
        LogOutcomes(commands, results, before);
        if (Head.Sequence > before.Sequence)
        {
            _committed.Raise(Head.Sequence, ChainsFrom(before) ? _committedNow : []);
            if (commands.Zip(results).Any(p => p.First is ReportNavCommand && p.Second.Status == WriteStatus.Applied))
            {
                NavReportApplied?.Invoke();
            }
        }

        return results;
    }

    /// <summary>Keeps the events the sequencer journaled for the applied commands among <paramref name="outcomes"/>, with the protocol events they encode, for the projector.</summary>
    private void Committed(IReadOnlyList<ProtocolCommand> commands, IReadOnlyList<SequencedOutcome> outcomes)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            var (outcome, journal) = outcomes[i];
            if (outcome.Status != CommandStatus.Applied || journal.Count != outcome.Events.Count + 1)
            {
                continue;
            }

            _committedNow.Add(new CommittedEvent(journal[0], CommandAccepted.Of(commands[i])));
            for (var k = 1; k < journal.Count; k++)
            {
                _committedNow.Add(new CommittedEvent(journal[k], outcome.Events[k - 1]));
            }
        }
    }

    /// <summary>
    /// Whether the events kept for the projector are exactly the journal from <paramref name="before"/> to the head
    /// now: each the next sequence after the one before it, chained by its previous hash, the last one the head. Not
    /// so when the sequencer found the journal moved by another writer and reloaded it: the projector then reads the
    /// journal itself.
    /// </summary>
    private bool ChainsFrom(JournalHead before)
    {
        var head = before;
        foreach (var c in _committedNow)
        {
            if (c.Event.Sequence != head.Sequence + 1 || c.Event.PreviousHash != head.Hash)
            {
                return false;
            }

            head = JournalHead.After(c.Event);
        }

        return head == Head;
    }

    /// <summary>Test hook: called on the writer's thread after each batch was decided and written, before anything else is done or answered (a crash is injected here).</summary>
    internal Action? AfterBatchWritten { get; set; }

    private async Task<WriteResult> DecideAloneAsync(ProtocolCommand command, bool keepRefusals)
    {
        try
        {
            var outcomes = await _sequencer.SubmitBatchSequencedAsync([command], keepRefusals ? AppendKeepingRefusals([command]) : null, CancellationToken.None).ConfigureAwait(false);
            Committed([command], outcomes);
            return Results([command], outcomes)[0];
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
    /// How a batch of <paramref name="commands"/> is written when its refusals are kept: the applied commands' events
    /// and the refused commands (in their journaled form, with the journal sequence they were decided after) in one
    /// transaction.
    /// </summary>
    private BatchAppend AppendKeepingRefusals(IReadOnlyList<ProtocolCommand> commands) =>
        (decided, applied, cancellationToken) => _refusals!.AppendBatchAsync(applied, Refusals(commands, decided, _sequencer.Head.Sequence), cancellationToken);

    /// <summary>The refusals among <paramref name="decided"/> (one outcome per command), each at the last sequence journaled before it in the batch.</summary>
    private static List<StoredRefusal> Refusals(IReadOnlyList<ProtocolCommand> commands, IReadOnlyList<SequencedOutcome> decided, long headBefore)
    {
        var refusals = new List<StoredRefusal>();
        var at = headBefore;
        for (var i = 0; i < decided.Count; i++)
        {
            var (outcome, journal) = decided[i];
            if (outcome.Status == CommandStatus.Applied && journal.Count > 0)
            {
                at = journal[^1].Sequence;
            }
            else if (outcome is { Status: CommandStatus.Rejected, Rejection: { } rejection })
            {
                refusals.Add(new StoredRefusal(commands[i].Id, EventTypes.Payload(CommandAccepted.Of(commands[i])), rejection.Code, rejection.Message, at));
            }
        }

        return refusals;
    }

    /// <summary>
    /// The results of a decided batch, from the journal events the sequencer serialised and hashed (or found stored):
    /// their payloads are the response's, so nothing is serialised twice.
    /// </summary>
    private static WriteResult[] Results(IReadOnlyList<ProtocolCommand> commands, IReadOnlyList<SequencedOutcome> outcomes)
    {
        var results = new WriteResult[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var (outcome, journal) = outcomes[i];
            results[i] = outcome.Status switch
            {
                CommandStatus.Applied => new WriteResult(WriteStatus.Applied, command.Id, Events(journal)),
                CommandStatus.AlreadyApplied => Stored(command, journal),
                CommandStatus.Rejected => new WriteResult(WriteStatus.Rejected, command.Id, [], outcome.Rejection),
                _ => new WriteResult(WriteStatus.Unchanged, command.Id, [], Note: outcome.Note),
            };
        }

        return results;
    }

    /// <summary>The stored outcome of <paramref name="command"/>'s id; <see cref="WriteStatus.KeyReused"/> when the journaled command differs from this one.</summary>
    private static WriteResult Stored(ProtocolCommand command, IReadOnlyList<JournalEvent> journal)
    {
        if (journal.Count == 0)
        {
            throw new InvalidOperationException($"command {command.Id} was reported journaled but its events were not given");
        }

        var journaledForm = EventTypes.Payload(CommandAccepted.Of(command));
        return string.Equals(journal[0].Payload, journaledForm, StringComparison.Ordinal)
            ? new WriteResult(WriteStatus.Replayed, command.Id, Events(journal))
            : new WriteResult(WriteStatus.KeyReused, command.Id, []);
    }

    /// <summary>A command's journal events without its command record, as result events.</summary>
    private static ResultEvent[] Events(IReadOnlyList<JournalEvent> journal)
    {
        var events = new ResultEvent[Math.Max(0, journal.Count - 1)];
        for (var k = 0; k < events.Length; k++)
        {
            var e = journal[k + 1];
            events[k] = new ResultEvent(e.Sequence, e.Type, e.Payload);
        }

        return events;
    }

    /// <summary>The outcome's name in metrics.</summary>
    internal static string Outcome(WriteStatus status) => status switch
    {
        WriteStatus.Applied => "applied",
        WriteStatus.Replayed => "replayed",
        WriteStatus.Unchanged => "unchanged",
        WriteStatus.Rejected => "rejected",
        WriteStatus.KeyReused => "key-reused",
        WriteStatus.Failed => "failed",
        _ => "stopping",
    };

    private WriteResult Stopped(Work work)
    {
        var result = new WriteResult(WriteStatus.Stopping, work.CommandValue!.Id, []);
        _metrics.CommandDecided(CommandNames.Of(work.CommandValue), Outcome(result.Status), work.QueuedAt);
        return result;
    }

    /// <summary>One Debug line for the batch (its commands and the sequences it journaled), one Information line per refusal.</summary>
    private void LogOutcomes(IReadOnlyList<ProtocolCommand> commands, WriteResult[] results, JournalHead before)
    {
        if (_log.IsEnabled(LogLevel.Debug))
        {
            var applied = results.Count(r => r.Status == WriteStatus.Applied);
            WriterLog.BatchCommitted(_log, commands.Count, applied, before.Sequence + 1, Head.Sequence, null);
        }

        if (!_log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is { Status: WriteStatus.Rejected, Rejection: { } rejection })
            {
                WriterLog.CommandRefused(_log, commands[i].Id, CommandNames.Of(commands[i]), commands[i].Actor.Value, Head.Sequence, rejection.Code, rejection.Message, null);
            }
        }
    }

    private static void LogFailed(ILogger logger, string commandId, Exception error) => WriterLog.CommandFailed(logger, commandId, error);

    /// <summary>A queued command, or a plan; each with the task its sender waits on.</summary>
    private sealed class Work(ProtocolCommand? command, Func<ProtocolState, JournalHead, IReadOnlyList<ProtocolCommand>>? plan)
    {
        public ProtocolCommand? CommandValue { get; } = command;

        public Func<ProtocolState, JournalHead, IReadOnlyList<ProtocolCommand>>? PlanFunc { get; } = plan;

        public TaskCompletionSource<WriteResult>? Command { get; } = command is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<IReadOnlyList<WriteResult>>? Plan { get; } = plan is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When it was queued (a <see cref="Stopwatch"/> timestamp), for the latency metric.</summary>
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
    }
}
