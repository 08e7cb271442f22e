using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>
/// The one deterministic sequencer: commands are decided against the current state at the injected clock's time;
/// the command itself (<see cref="CommandAccepted"/>) and its events are appended to the journal in one transaction
/// (keyed by the command id, so a retried command is applied once), and only then applied to the in-memory state.
/// A rejected command, or one that finds nothing to do, writes nothing. The state is rebuilt from the journal (its
/// hash chain checked, every event 1..head present) when the sequencer opens, and again whenever the journal and
/// memory might disagree (a failed or raced append). Asynchronous throughout; one caller at a time.
/// </summary>
public sealed class ProtocolSequencer
{
    private readonly IJournalStore _store;
    private readonly ProtocolEngine _engine;
    private readonly TimeProvider _clock;
    private JournalHead _head;
    private bool _stale;

    private ProtocolSequencer(IJournalStore store, ProtocolEngine engine, TimeProvider clock, ProtocolState state, JournalHead head)
    {
        _store = store;
        _engine = engine;
        _clock = clock;
        State = state;
        _head = head;
    }

    /// <summary>The state after every journaled event.</summary>
    public ProtocolState State { get; private set; }

    /// <summary>The last journaled event this state includes.</summary>
    public JournalHead Head => _head;

    /// <summary>Opens a sequencer on <paramref name="store"/>: replays the whole journal, checking its chain.</summary>
    /// <exception cref="JournalCorruptedException">An event is missing, malformed, or breaks the hash chain.</exception>
    public static async Task<ProtocolSequencer> OpenAsync(IJournalStore store, ProtocolEngine engine, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(clock);
        var (state, head) = await LoadAsync(store, engine, cancellationToken).ConfigureAwait(false);
        return new ProtocolSequencer(store, engine, clock, state, head);
    }

    /// <summary>
    /// Decides <paramref name="command"/> on the current state at the clock's time and, if applied, journals and
    /// applies it. A command id already in the journal returns its stored outcome (<see cref="CommandStatus.AlreadyApplied"/>).
    /// </summary>
    public async Task<CommandOutcome> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return Replayed(stored);
        }

        var now = _clock.GetUtcNow();
        var outcome = _engine.Decide(State, command, now);
        if (outcome.Status != CommandStatus.Applied)
        {
            return outcome;
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
    /// from the journal.
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> SubmitBatchAsync(IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new List<CommandOutcome>(commands.Count);
        var batch = new List<(string CommandId, IReadOnlyList<JournalEvent> Events)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var head = _head;
        try
        {
            foreach (var command in commands)
            {
                if (!seen.Add(command.Id) || await _store.FindCommandAsync(command.Id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    outcomes.Add(new CommandOutcome(CommandStatus.AlreadyApplied, []));
                    continue;
                }

                var now = _clock.GetUtcNow();
                var outcome = _engine.Decide(State, command, now);
                outcomes.Add(outcome);
                if (outcome.Status != CommandStatus.Applied)
                {
                    continue;
                }

                var all = WithCommand(command, outcome.Events);
                var events = Journaled(head, command.Id, all, now);
                foreach (var e in all)
                {
                    _engine.Apply(State, e, now);
                }

                head = JournalHead.After(events[^1]);
                batch.Add((command.Id, events));
            }

            if (batch.Count > 0 && (await _store.AppendBatchAsync(batch, cancellationToken).ConfigureAwait(false)).Any(r => r.AlreadyApplied))
            {
                await ReloadAsync(cancellationToken).ConfigureAwait(false);
                return outcomes;
            }

            _head = head;
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

    private async Task ReloadAsync(CancellationToken cancellationToken) =>
        (State, _head) = await LoadAsync(_store, _engine, cancellationToken).ConfigureAwait(false);

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

    private static async Task<(ProtocolState State, JournalHead Head)> LoadAsync(IJournalStore store, ProtocolEngine engine, CancellationToken cancellationToken)
    {
        var state = new ProtocolState();
        var head = JournalHead.Empty;
        await foreach (var e in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (JournalVerifier.Check(head, e) is { } broken)
            {
                throw new JournalCorruptedException(broken.Sequence, $"the hash chain is broken there ({broken.Kind}); run ballast verify");
            }

            engine.Apply(state, EventTypes.Parse(e.Type, e.Payload), e.Time);
            head = JournalHead.After(e);
        }

        return (state, head);
    }
}
