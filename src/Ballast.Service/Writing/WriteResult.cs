using Ballast.Accounting;

namespace Ballast.Service.Writing;

/// <summary>What became of one command sent to the <see cref="CommandWriter"/>.</summary>
public enum WriteStatus
{
    /// <summary>Decided and journaled now.</summary>
    Applied,

    /// <summary>The same command (same key, same members, same account) was journaled before: its stored outcome.</summary>
    Replayed,

    /// <summary>Valid, nothing to do (nothing journaled; a retry is decided again).</summary>
    Unchanged,

    /// <summary>Refused by the protocol (nothing journaled; the refusal is stored, when the writer has a refusal store, and a retry gets it again).</summary>
    Rejected,

    /// <summary>The key was used before for a different command (other members or another account): nothing done.</summary>
    KeyReused,

    /// <summary>The command could not be decided: bad input the protocol threw on, a busy journal, or an internal failure (<see cref="WriteResult.Error"/>).</summary>
    Failed,

    /// <summary>The service is stopping; the command was not decided.</summary>
    Stopping,
}

/// <summary>One journaled event of a command's outcome: its sequence, journal type and canonical JSON payload.</summary>
public sealed record ResultEvent(long Sequence, string Type, string Payload);

/// <summary>The outcome of one command: status, the events journaled for it (without the <c>command</c> record), the refusal or note.</summary>
/// <param name="Status">What became of it.</param>
/// <param name="CommandId">Its id (the idempotency key).</param>
/// <param name="Events">The events journaled for it.</param>
/// <param name="Rejection">The refusal, when refused.</param>
/// <param name="Note">Why nothing changed, when unchanged.</param>
/// <param name="Error">Why it could not be decided, when failed.</param>
/// <param name="StoredRefusal">Whether this refusal is the one stored for an earlier send of the same command (a retry).</param>
public sealed record WriteResult(WriteStatus Status, string CommandId, IReadOnlyList<ResultEvent> Events, Rejection? Rejection = null, string? Note = null, Exception? Error = null, bool StoredRefusal = false);
