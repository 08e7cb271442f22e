namespace Ballast.Protocol.Journal;

/// <summary>An event before it has a place in the journal: what a command produced.</summary>
/// <param name="Time">UTC time of the event.</param>
/// <param name="Type">The kind of event.</param>
/// <param name="CommandId">The idempotency key of the command that produced it.</param>
/// <param name="Payload">Canonical JSON text.</param>
public sealed record JournalEventDraft(DateTimeOffset Time, string Type, string CommandId, string Payload);

/// <summary>
/// Numbers and chains new events after a head: each gets the next sequence, the previous event's hash and its own
/// <see cref="JournalHash"/>. Keeps its own running head, so consecutive calls chain one after another (as a batch
/// of commands must).
/// </summary>
public sealed class JournalBuilder(JournalHead head)
{
    /// <summary>The head after the last event built (the starting head before any).</summary>
    public JournalHead Head { get; private set; } = head;

    /// <summary>Chained events for <paramref name="drafts"/>, starting after <paramref name="head"/>.</summary>
    public static IReadOnlyList<JournalEvent> Build(JournalHead head, IEnumerable<JournalEventDraft> drafts) =>
        new JournalBuilder(head).Add(drafts);

    /// <summary>Chained events for <paramref name="drafts"/> after <see cref="Head"/>, which moves to the last of them.</summary>
    public IReadOnlyList<JournalEvent> Add(IEnumerable<JournalEventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var events = new List<JournalEvent>();
        var head = Head;
        foreach (var draft in drafts)
        {
            ArgumentNullException.ThrowIfNull(draft, nameof(drafts));
            var sequence = checked(head.Sequence + 1);
            var hash = JournalHash.Compute(sequence, draft.Time, draft.Type, draft.CommandId, draft.Payload, head.Hash);
            var journalEvent = new JournalEvent(sequence, draft.Time, draft.Type, draft.CommandId, draft.Payload, head.Hash, hash);
            events.Add(journalEvent);
            head = JournalHead.After(journalEvent);
        }

        Head = head;
        return events;
    }

    /// <summary>Chained events for one command: every draft gets <paramref name="commandId"/>.</summary>
    public IReadOnlyList<JournalEvent> Add(string commandId, params IEnumerable<(DateTimeOffset Time, string Type, string Payload)> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Add(events.Select(e => new JournalEventDraft(e.Time, e.Type, commandId, e.Payload)));
    }
}
