using Ballast.Protocol.Journal;

namespace Ballast.Protocol;

/// <summary>
/// A command's outcome together with the journal events that record it, as the sequencer serialised, hashed and
/// appended them (or, for <see cref="CommandStatus.AlreadyApplied"/>, as they were stored before): the command record
/// first, then its events. A writer answering a client reuses these payloads instead of serialising the events again.
/// </summary>
/// <param name="Outcome">The decision.</param>
/// <param name="Journal">The command's journal events (command record first) when applied now or before; empty when nothing is journaled.</param>
public sealed record SequencedOutcome(CommandOutcome Outcome, IReadOnlyList<JournalEvent> Journal);
