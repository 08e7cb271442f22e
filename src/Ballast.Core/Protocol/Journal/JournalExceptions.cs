namespace Ballast.Protocol.Journal;

/// <summary>
/// An append did not continue the journal's head: another writer appended first, or the caller built its events on
/// a stale head. Nothing was written. Retrying can help: read <see cref="IJournalStore.Head"/>, revalidate the
/// command against the new state, rebuild its events and append again.
/// </summary>
public sealed class JournalConcurrencyException : Exception
{
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

    /// <summary>Always true: rebuilding on the current head and retrying can succeed.</summary>
    public bool IsTransient => true;
}

/// <summary>
/// A stored row is not in the form the store writes (a time, a hash or a sequence spelled otherwise), so it cannot
/// be read as an event at all. Like a hash mismatch, it means the storage was altered outside the store.
/// </summary>
public sealed class JournalCorruptedException(long sequence, string message)
    : Exception($"journal event {sequence} is corrupted: {message}")
{
    /// <summary>The sequence of the row that could not be read.</summary>
    public long Sequence { get; } = sequence;
}

/// <summary>The store's schema version is not one this build can read; nothing was changed.</summary>
public sealed class JournalSchemaException(string message) : Exception(message);
