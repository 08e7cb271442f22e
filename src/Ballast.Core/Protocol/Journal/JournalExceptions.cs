using Ballast.Hashing;

namespace Ballast.Protocol.Journal;

/// <summary>
/// A journal store operation failed. Stores translate their database's errors (SQLite, Npgsql) into this type and
/// its subclasses at their boundary, so callers never see a provider's exception. <see cref="IsTransient"/> says
/// whether the same operation, retried later (after re-reading the journal for a write), can succeed.
/// </summary>
public class JournalStoreException : Exception
{
    /// <summary>A store failure with the message, whether it is transient, and the provider's exception, if any.</summary>
    public JournalStoreException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException) => IsTransient = isTransient;

    /// <summary>
    /// Whether retrying can succeed: true for a write conflict (another writer appended first, a serialization
    /// failure, a deadlock, the write lock busy) and for a connection lost or refused; false for corruption, a schema
    /// from another version, a full disk or a permission refused.
    /// </summary>
    public bool IsTransient { get; }
}

/// <summary>
/// A write could not be committed because another writer got in first (the database reported a serialization
/// failure, a deadlock, a lock it could not take in time, or a duplicate key on the events). Nothing was written;
/// transient: re-read the journal, decide again, rebuild the events and append again.
/// </summary>
public class JournalConflictException : JournalStoreException
{
    /// <summary>A conflict reported by the database.</summary>
    public JournalConflictException(string message, Exception? innerException = null)
        : base(message, isTransient: true, innerException)
    {
    }
}

/// <summary>
/// An append did not continue the journal's head: another writer appended first, or the caller built its events on
/// a stale head. Nothing was written. Retrying can help: read the head, revalidate the command against the new
/// state, rebuild its events and append again.
/// </summary>
public sealed class JournalConcurrencyException : JournalConflictException
{
    /// <summary>The command, the head found inside the transaction and the first event's sequence and previous hash.</summary>
    public JournalConcurrencyException(string commandId, JournalHead storedHead, long firstSequence, Sha256Digest firstPreviousHash)
        : base($"command '{commandId}' does not continue the journal: its first event has sequence {firstSequence} and previous hash "
            + $"{firstPreviousHash.ToHex()}, but the head is sequence {storedHead.Sequence} with hash {storedHead.Hash.ToHex()}; nothing was written")
    {
        CommandId = commandId;
        StoredHead = storedHead;
        FirstSequence = firstSequence;
        FirstPreviousHash = firstPreviousHash;
    }

    /// <summary>The command whose events did not fit.</summary>
    public string CommandId { get; }

    /// <summary>The head found inside the transaction.</summary>
    public JournalHead StoredHead { get; }

    /// <summary>The sequence of the command's first event (should be <see cref="StoredHead"/>.Sequence + 1).</summary>
    public long FirstSequence { get; }

    /// <summary>The previous hash of the command's first event (should be <see cref="StoredHead"/>.Hash).</summary>
    public Sha256Digest FirstPreviousHash { get; }
}

/// <summary>
/// The stored journal is not sound: a row is not in the form the store writes (a time, a hash or a sequence spelled
/// otherwise), an event is missing, a command's events are not consecutive, or the database file itself is damaged
/// or is not a journal. Like a hash mismatch, it means the storage was altered outside the store. Not transient.
/// </summary>
public sealed class JournalCorruptedException : JournalStoreException
{
    /// <summary>Corruption at one event.</summary>
    public JournalCorruptedException(long sequence, string message)
        : base($"journal event {sequence} is corrupted: {message}", isTransient: false) => Sequence = sequence;

    /// <summary>Corruption of the storage as a whole (no one event to name): <see cref="Sequence"/> is 0.</summary>
    public JournalCorruptedException(string message, Exception? innerException)
        : base($"the journal's storage is corrupted or is not a journal: {message}", isTransient: false, innerException)
    {
    }

    /// <summary>The sequence of the first event found unsound, or 0 when the storage as a whole is.</summary>
    public long Sequence { get; }
}

/// <summary>The store's schema version is not one this build can read; nothing was changed. Not transient.</summary>
public sealed class JournalSchemaException(string message) : JournalStoreException(message, isTransient: false);
