using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>
/// The one deterministic sequencer: commands are decided against the current state at the injected clock's time,
/// their events are appended to the journal in one transaction (keyed by the command id, so a retried command is
/// applied once), and only then applied to the in-memory state. A rejected command, or one that finds nothing to
/// do, writes nothing. The state is rebuilt from the journal when the sequencer starts.
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
            return new CommandOutcome(CommandStatus.AlreadyApplied, [.. stored.Select(e => EventTypes.Parse(e.Type, e.Payload))]);
        }

        var now = _clock.GetUtcNow();
        var outcome = _engine.Decide(State, command, now);
        if (outcome.Status != CommandStatus.Applied)
        {
            return outcome;
        }

        var events = JournalBuilder.Build(_head, outcome.Events.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), command.Id, EventTypes.Payload(e))));
        var result = _store.Append(command.Id, events);
        if (result.AlreadyApplied)
        {
            return new CommandOutcome(CommandStatus.AlreadyApplied, [.. result.Events.Select(e => EventTypes.Parse(e.Type, e.Payload))]);
        }

        ApplyOrReload(outcome.Events, now, events[^1]);
        return outcome;
    }

    /// <summary>
    /// Decides and applies several commands in order, journaling all of their events in one transaction (group
    /// commit). If the append fails, the in-memory state is rebuilt from the journal and the exception rethrown.
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

                var events = JournalBuilder.Build(head, outcome.Events.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), command.Id, EventTypes.Payload(e))));
                foreach (var e in outcome.Events)
                {
                    _engine.Apply(State, e, now);
                }

                head = JournalHead.After(events[^1]);
                batch.Add((command.Id, events));
            }

            if (batch.Count > 0)
            {
                _store.AppendBatch(batch);
            }

            _head = head;
            return outcomes;
        }
        catch
        {
            (State, _head) = Load();
            throw;
        }
    }

    private void ApplyOrReload(IReadOnlyList<ProtocolEvent> events, DateTimeOffset now, JournalEvent last)
    {
        try
        {
            foreach (var e in events)
            {
                _engine.Apply(State, e, now);
            }

            _head = JournalHead.After(last);
        }
        catch
        {
            (State, _head) = Load();
            throw;
        }
    }

    private (ProtocolState State, JournalHead Head) Load()
    {
        var state = new ProtocolState();
        var head = JournalHead.Empty;
        foreach (var e in _store.Read())
        {
            _engine.Apply(state, EventTypes.Parse(e.Type, e.Payload), e.Time);
            head = JournalHead.After(e);
        }

        return (state, head);
    }
}
