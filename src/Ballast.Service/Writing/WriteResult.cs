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

    /// <summary>Refused by the protocol (nothing journaled; a retry is decided again).</summary>
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
public sealed record WriteResult(WriteStatus Status, string CommandId, IReadOnlyList<ResultEvent> Events, Rejection? Rejection = null, string? Note = null, Exception? Error = null);
