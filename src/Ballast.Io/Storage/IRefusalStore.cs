using Ballast.Protocol.Journal;

namespace Ballast.Io.Storage;

/// <summary>
/// A command the protocol refused, as the service keeps it for idempotent retries: the command id (the
/// <c>Idempotency-Key</c>), the command in its journaled form (to tell a retry from another command under the same
/// key), the rejection's code and message, and the journal head it was decided at.
/// </summary>
/// <param name="CommandId">The command id.</param>
/// <param name="Command">The command as the journal would hold it (the <c>command</c> event's canonical payload).</param>
/// <param name="Code">The rejection code (e.g. <c>insufficient-balance</c>).</param>
/// <param name="Message">The rejection message.</param>
/// <param name="AtSequence">The journal head's sequence when it was refused.</param>
public sealed record StoredRefusal(string CommandId, string Command, string Code, string Message, long AtSequence);

/// <summary>
/// Where the service keeps refused commands (the table <c>journal_refusals</c> in the journal's own database), so a
/// retry with the same key gets the same 422, also after a restart. A refusal changes no state and is not journaled:
/// it is outside the hash chain and the export. <see cref="DbJournalStore"/> implements it.
/// </summary>
public interface IRefusalStore
{
    /// <summary>
    /// Appends <paramref name="commands"/> as <see cref="IJournalStore.AppendBatchAsync"/> does and stores
    /// <paramref name="refusals"/> in the same transaction (both or neither survive a crash): the refusals of a batch
    /// decided together with the commands it journals. Either list may be empty.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="refusals"/> in one transaction; a command id already stored is left as it is.</summary>
    Task PutRefusalsAsync(IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default);

    /// <summary>The refusal stored under <paramref name="commandId"/>, or null.</summary>
    Task<StoredRefusal?> FindRefusalAsync(string commandId, CancellationToken cancellationToken = default);

    /// <summary>Every stored refusal's command id (loaded once at start, so a new key costs no lookup).</summary>
    Task<IReadOnlyList<string>> RefusedIdsAsync(CancellationToken cancellationToken = default);
}
