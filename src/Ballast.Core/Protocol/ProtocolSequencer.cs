using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>
/// The one deterministic sequencer: commands are decided against the current state at the injected clock's time;
/// the command itself (<see cref="CommandAccepted"/>) and its events are appended to the journal in one transaction
/// (keyed by the command id, so a retried command is applied once), and only then applied to the in-memory state.
/// A rejected command, or one that finds nothing to do, writes nothing. The state is rebuilt from the journal (its
/// hash chain checked) when the sequencer starts, and again whenever the journal and memory might disagree (a failed
/// or raced append).
/// </summary>
public sealed class ProtocolSequencer
{
    private readonly IJournalStore _store;
    private readonly ProtocolEngine _engine;
    private readonly TimeProvider _clock;
    private JournalHead _head;

    public ProtocolSequencer(IJournalStore store, ProtocolEngine engine, TimeProvider clock)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        (State, _head) = Load();
    }

    public ProtocolState State { get; private set; }

    public JournalHead Head => _head;

    public CommandOutcome Submit(ProtocolCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_store.FindCommand(command.Id) is { } stored)
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
            result = _store.Append(command.Id, events);
        }
        catch
        {
            Reload();
            throw;
        }

        if (result.AlreadyApplied)
        {
            // Another writer applied this command first: memory is behind the journal.
            Reload();
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
            Reload();
            throw;
        }

        return outcome;
    }

    /// <summary>
    /// Decides and applies several commands in order, journaling all of them in one transaction (group commit). If
    /// the append fails, or the store skipped a member another writer had applied, the in-memory state is rebuilt
    /// from the journal.
    /// </summary>
    public IReadOnlyList<CommandOutcome> SubmitBatch(IReadOnlyList<ProtocolCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var outcomes = new List<CommandOutcome>(commands.Count);
        var batch = new List<(string CommandId, IReadOnlyList<JournalEvent> Events)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var head = _head;
        try
        {
            foreach (var command in commands)
            {
                if (!seen.Add(command.Id) || _store.FindCommand(command.Id) is not null)
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

            if (batch.Count > 0 && _store.AppendBatch(batch).Any(r => r.AlreadyApplied))
            {
                Reload();
                return outcomes;
            }

            _head = head;
            return outcomes;
        }
        catch
        {
            Reload();
            throw;
        }
    }

    private static ProtocolEvent[] WithCommand(ProtocolCommand command, IReadOnlyList<ProtocolEvent> events) => [CommandAccepted.Of(command), .. events];

    private static IReadOnlyList<JournalEvent> Journaled(JournalHead head, string commandId, IReadOnlyList<ProtocolEvent> events, DateTimeOffset now) =>
        JournalBuilder.Build(head, events.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), commandId, EventTypes.Payload(e))));

    private static CommandOutcome Replayed(IReadOnlyList<JournalEvent> stored) =>
        new(CommandStatus.AlreadyApplied, [.. stored.Where(e => e.Type != "command").Select(e => EventTypes.Parse(e.Type, e.Payload))]);

    private void Reload() => (State, _head) = Load();

    private (ProtocolState State, JournalHead Head) Load()
    {
        var state = new ProtocolState();
        var head = JournalHead.Empty;
        foreach (var e in _store.Read())
        {
            if (JournalVerifier.Check(head, e) is { } broken)
            {
                throw new JournalCorruptedException(broken.Sequence, $"the hash chain is broken there ({broken.Kind}); run ballast verify");
            }

            _engine.Apply(state, EventTypes.Parse(e.Type, e.Payload), e.Time);
            head = JournalHead.After(e);
        }

        return (state, head);
    }
}
