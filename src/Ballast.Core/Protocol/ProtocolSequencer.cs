using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>
/// How a sequencer retries a write that lost a race (a transient <see cref="JournalStoreException"/>: another writer
/// appended first, or held the lock): it re-reads the journal, decides the command again on the new state and
/// appends again, up to <see cref="MaxRetries"/> times, waiting <see cref="BaseDelay"/> × 2ⁿ before retry n (real
/// time, not the protocol clock); then the last conflict is thrown.
/// </summary>
/// <param name="MaxRetries">Retries after the first attempt (0: none).</param>
/// <param name="BaseDelay">The wait before the first retry; it doubles each time.</param>
public sealed record ConflictRetryPolicy(int MaxRetries, TimeSpan BaseDelay)
{
    /// <summary>Five retries after 10, 20, 40, 80 and 160 ms (310 ms in all).</summary>
    public static ConflictRetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(10));

    /// <summary>No retry: the first conflict is thrown.</summary>
    public static ConflictRetryPolicy None { get; } = new(0, TimeSpan.Zero);

    /// <summary>The wait before retry <paramref name="retry"/> (0-based).</summary>
    public TimeSpan DelayBefore(int retry) => BaseDelay * Math.Pow(2, retry);
}

/// <summary>
/// Writes a decided batch for <see cref="ProtocolSequencer.SubmitBatchSequencedAsync(IReadOnlyList{ProtocolCommand}, BatchAppend?, CancellationToken)"/>:
/// <paramref name="decided"/> holds one outcome per command of the batch, in order; <paramref name="applied"/> the
/// events of the commands that applied (possibly none), to be appended in one transaction as
/// <see cref="IJournalStore.AppendBatchAsync"/> does, returning one result per member of <paramref name="applied"/>.
/// </summary>
public delegate Task<IReadOnlyList<AppendResult>> BatchAppend(IReadOnlyList<SequencedOutcome> decided, IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> applied, CancellationToken cancellationToken);

/// <summary>
/// The one deterministic sequencer: commands are decided against the current state at the injected clock's time;
/// the command itself (<see cref="CommandAccepted"/>) and its events are appended to the journal in one transaction
/// (keyed by the command id, so a retried command is applied once), and only then applied to the in-memory state.
/// A rejected command, or one that finds nothing to do, writes nothing. The state is rebuilt from the journal (its
/// hash chain checked, every event 1..head present) when the sequencer opens, and again whenever the journal and
/// memory might disagree (a failed or raced append). The ids of the commands journaled are kept in memory with the
/// state: the journal is asked for a command's stored outcome only for an id it holds, or when the command would not
/// apply (another writer may have journaled it since); an id another writer journaled is also caught by the store
/// inside the append's transaction. A write that loses a race to another writer is decided again on
/// the re-read state and retried (<see cref="ConflictRetryPolicy"/>). Asynchronous throughout; one caller at a time.
/// </summary>
public sealed class ProtocolSequencer
{
    private readonly IJournalStore _store;
    private readonly ProtocolEngine _engine;
    private readonly TimeProvider _clock;
    private readonly ConflictRetryPolicy _retry;
    private JournalHead _head;
    private HashSet<string> _journaled;
    private bool _stale;

    private ProtocolSequencer(IJournalStore store, ProtocolEngine engine, TimeProvider clock, ConflictRetryPolicy retry, Loaded loaded)
    {
        _store = store;
        _engine = engine;
        _clock = clock;
        _retry = retry;
        State = loaded.State;
        _head = loaded.Head;
        _journaled = loaded.Commands;
    }

    /// <summary>How this sequencer retries a write that lost a race.</summary>
    public ConflictRetryPolicy RetryPolicy => _retry;

    /// <summary>Retries (writes that lost a race and were decided again) since the sequencer opened.</summary>
    public int ConflictRetries { get; private set; }

    /// <summary>The state after every journaled event.</summary>
    public ProtocolState State { get; private set; }

    /// <summary>The last journaled event this state includes.</summary>
    public JournalHead Head => _head;

    /// <summary>Opens a sequencer on <paramref name="store"/>: replays the whole journal, checking its chain.</summary>
    /// <exception cref="JournalCorruptedException">An event is missing, malformed, or breaks the hash chain.</exception>
    public static Task<ProtocolSequencer> OpenAsync(IJournalStore store, ProtocolEngine engine, TimeProvider clock, CancellationToken cancellationToken = default) =>
        OpenAsync(store, engine, clock, ConflictRetryPolicy.Default, cancellationToken);

    /// <summary>Opens a sequencer that retries writes that lost a race as <paramref name="retry"/> says.</summary>
    public static async Task<ProtocolSequencer> OpenAsync(IJournalStore store, ProtocolEngine engine, TimeProvider clock, ConflictRetryPolicy retry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentOutOfRangeException.ThrowIfNegative(retry.MaxRetries);
        var loaded = await LoadAsync(store, engine, cancellationToken).ConfigureAwait(false);
        return new ProtocolSequencer(store, engine, clock, retry, loaded);
    }

    /// <summary>
    /// Decides <paramref name="command"/> on the current state at the clock's time and, if applied, journals and
    /// applies it. A command id already in the journal returns its stored outcome (<see cref="CommandStatus.AlreadyApplied"/>).
    /// If the write loses a race to another writer, the journal is re-read and the command decided again, as
    /// <see cref="RetryPolicy"/> says.
    /// </summary>
    /// <exception cref="JournalStoreException">The store failed; if <see cref="JournalStoreException.IsTransient"/>, after every retry.</exception>
    public async Task<CommandOutcome> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await SubmitOnceAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalStoreException e) when (e.IsTransient && retry < _retry.MaxRetries)
            {
                // The state was re-read after the failed append; wait a little, then decide again on it.
                ConflictRetries++;
                await Task.Delay(_retry.DelayBefore(retry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<CommandOutcome> SubmitOnceAsync(ProtocolCommand command, CancellationToken cancellationToken)
    {
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (_journaled.Contains(command.Id) && await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return Replayed(stored);
        }

        var now = _clock.GetUtcNow();
        var outcome = _engine.Decide(State, command, now);
        if (outcome.Status != CommandStatus.Applied)
        {
            // Another writer may have journaled this command since the state was read: its stored outcome wins.
            return await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is { } raced ? Replayed(raced) : outcome;
        }

        var all = WithCommand(command, outcome.Events);
        var events = Journaled(_head, command.Id, all, now);
        AppendResult result;
        try
        {
            result = await _store.AppendAsync(command.Id, events, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReloadAfterFailureAsync().ConfigureAwait(false);
            throw;
        }

        if (result.AlreadyApplied)
        {
            // Another writer applied this command first: memory is behind the journal.
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
            return Replayed(result.Events);
        }

        try
        {
            foreach (var e in all)
            {
                _engine.Apply(State, e, now);
            }

            _head = JournalHead.After(events[^1]);
            _journaled.Add(command.Id);
        }
        catch
        {
            await ReloadAfterFailureAsync().ConfigureAwait(false);
            throw;
        }

        return outcome;
    }

    /// <summary>
    /// Decides and applies several commands in order, journaling all of them in one transaction (group commit). If
    /// the append fails, or the store skipped a member another writer had applied, the in-memory state is rebuilt
    /// from the journal; a batch that lost a race is decided again whole on it (<see cref="RetryPolicy"/>).
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> SubmitBatchAsync(IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default) =>
        [.. (await SubmitBatchSequencedAsync(commands, cancellationToken).ConfigureAwait(false)).Select(o => o.Outcome)];

    /// <summary>
    /// <see cref="SubmitBatchAsync"/>, returning with each outcome the journal events that record it (serialised and
    /// hashed once, here), or the stored ones for a command journaled before.
    /// </summary>
    public Task<IReadOnlyList<SequencedOutcome>> SubmitBatchSequencedAsync(IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default) =>
        SubmitBatchSequencedAsync(commands, null, cancellationToken);

    /// <summary>
    /// <see cref="SubmitBatchSequencedAsync(IReadOnlyList{ProtocolCommand}, CancellationToken)"/>, with the batch
    /// written by <paramref name="append"/> instead of the store's <see cref="IJournalStore.AppendBatchAsync"/>: it is
    /// given the decided outcomes (one per command, in order; <see cref="Head"/> is still the head before the batch)
    /// and the applied commands' events, and must append those events as <see cref="IJournalStore.AppendBatchAsync"/>
    /// does, in one transaction, returning its results; it may write rows of its own in that transaction (the service
    /// keeps its refusals so). It is called once per attempt, also when no command applied (with no events).
    /// </summary>
    public async Task<IReadOnlyList<SequencedOutcome>> SubmitBatchSequencedAsync(IReadOnlyList<ProtocolCommand> commands, BatchAppend? append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await SubmitBatchOnceAsync(commands, append, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalStoreException e) when (e.IsTransient && retry < _retry.MaxRetries)
            {
                ConflictRetries++;
                await Task.Delay(_retry.DelayBefore(retry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<SequencedOutcome>> SubmitBatchOnceAsync(IReadOnlyList<ProtocolCommand> commands, BatchAppend? append, CancellationToken cancellationToken)
    {
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new List<SequencedOutcome>(commands.Count);
        var batch = new List<(string CommandId, IReadOnlyList<JournalEvent> Events)>();
        var inBatch = new Dictionary<string, IReadOnlyList<JournalEvent>>(StringComparer.Ordinal);
        var indexes = new List<int>();
        var head = _head;
        try
        {
            foreach (var command in commands)
            {
                if (inBatch.TryGetValue(command.Id, out var earlier))
                {
                    // The same id earlier in this batch was applied: this one is its retry.
                    outcomes.Add(new SequencedOutcome(new CommandOutcome(CommandStatus.AlreadyApplied, []), earlier));
                    continue;
                }

                if (_journaled.Contains(command.Id) && await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    outcomes.Add(new SequencedOutcome(new CommandOutcome(CommandStatus.AlreadyApplied, []), stored));
                    continue;
                }

                var now = _clock.GetUtcNow();
                var outcome = _engine.Decide(State, command, now);
                if (outcome.Status != CommandStatus.Applied)
                {
                    // Another writer may have journaled this command since the state was read.
                    outcomes.Add(await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is { } raced
                        ? new SequencedOutcome(new CommandOutcome(CommandStatus.AlreadyApplied, []), raced)
                        : new SequencedOutcome(outcome, []));
                    continue;
                }

                var all = WithCommand(command, outcome.Events);
                var events = Journaled(head, command.Id, all, now);
                outcomes.Add(new SequencedOutcome(outcome, events));
                foreach (var e in all)
                {
                    _engine.Apply(State, e, now);
                }

                head = JournalHead.After(events[^1]);
                batch.Add((command.Id, events));
                inBatch[command.Id] = events;
                indexes.Add(outcomes.Count - 1);
            }

            IReadOnlyList<AppendResult> results = append is not null
                ? await append(outcomes, batch, cancellationToken).ConfigureAwait(false)
                : batch.Count > 0 ? await _store.AppendBatchAsync(batch, cancellationToken).ConfigureAwait(false) : [];
            if (results.Any(r => r.AlreadyApplied))
            {
                // Another writer applied some of these first: memory is behind the journal, and their outcomes are the stored ones.
                for (var i = 0; i < results.Count; i++)
                {
                    if (results[i].AlreadyApplied)
                    {
                        outcomes[indexes[i]] = new SequencedOutcome(Replayed(results[i].Events), results[i].Events);
                    }
                }

                await ReloadAsync(cancellationToken).ConfigureAwait(false);
                return outcomes;
            }

            _head = head;
            foreach (var (commandId, _) in batch)
            {
                _journaled.Add(commandId);
            }

            return outcomes;
        }
        catch
        {
            await ReloadAfterFailureAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static ProtocolEvent[] WithCommand(ProtocolCommand command, IReadOnlyList<ProtocolEvent> events) => [CommandAccepted.Of(command), .. events];

    private static IReadOnlyList<JournalEvent> Journaled(JournalHead head, string commandId, IReadOnlyList<ProtocolEvent> events, DateTimeOffset now) =>
        JournalBuilder.Build(head, events.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), commandId, EventTypes.Payload(e))));

    private static CommandOutcome Replayed(IReadOnlyList<JournalEvent> stored) =>
        new(CommandStatus.AlreadyApplied, [.. stored.Where(e => e.Type != "command").Select(e => EventTypes.Parse(e.Type, e.Payload))]);

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(_store, _engine, cancellationToken).ConfigureAwait(false);
        (State, _head, _journaled) = (loaded.State, loaded.Head, loaded.Commands);
    }

    /// <summary>
    /// After a failed append or apply, memory may be ahead of the journal: rebuild it (not cancellable: the caller's
    /// token may be the reason it failed). If the rebuild fails too, the original exception is the one to report.
    /// </summary>
    private async Task ReloadAfterFailureAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the caller rethrows the original failure; this one would hide it
        catch (Exception)
#pragma warning restore CA1031
        {
            _stale = true;
        }
    }

    /// <summary>Rebuilds the state first if a rebuild after a failure could not be done then.</summary>
    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (_stale)
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
            _stale = false;
        }
    }

    private static async Task<Loaded> LoadAsync(IJournalStore store, ProtocolEngine engine, CancellationToken cancellationToken)
    {
        var state = new ProtocolState();
        var head = JournalHead.Empty;
        var commands = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (JournalVerifier.Check(head, e) is { } broken)
            {
                throw new JournalCorruptedException(broken.Sequence, $"the hash chain is broken there ({broken.Kind}); run ballast verify");
            }

            ProtocolEvent parsed;
            try
            {
                parsed = EventTypes.Parse(e.Type, e.Payload);
            }
            catch (Exception problem) when (problem is System.Text.Json.JsonException or ArgumentException)
            {
                // The chain holds but the payload is not one this build writes (an id that is not valid, say): the journal's fault, named at its event.
                throw new JournalCorruptedException(e.Sequence, $"the {e.Type} payload does not parse: {problem.Message}; run ballast verify");
            }

            engine.Apply(state, parsed, e.Time);
            head = JournalHead.After(e);
            commands.Add(e.CommandId);
        }

        return new Loaded(state, head, commands);
    }

    /// <summary>A state rebuilt from the journal: the state, the last event it includes, and the ids of the commands journaled.</summary>
    private sealed record Loaded(ProtocolState State, JournalHead Head, HashSet<string> Commands);
}
