using Ballast.Hashing;

namespace Ballast.Protocol.Journal;

/// <summary>
/// The end of a journal: the last event's sequence and hash, or sequence 0 and <see cref="Sha256Digest.Zero"/> when
/// the journal is empty. The next event has sequence <see cref="Sequence"/> + 1 and previous hash <see cref="Hash"/>.
/// </summary>
public readonly record struct JournalHead
{
    /// <summary>A head at <paramref name="sequence"/> with <paramref name="hash"/>; sequence 0 must come with the zero hash.</summary>
    public JournalHead(long sequence, Sha256Digest hash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (sequence == 0 && !hash.IsZero)
        {
            throw new ArgumentException("the head of an empty journal has the zero hash", nameof(hash));
        }

        Sequence = sequence;
        Hash = hash;
    }

    /// <summary>The head of an empty journal.</summary>
    public static JournalHead Empty => default;

    /// <summary>The last event's sequence, 0 when empty.</summary>
    public long Sequence { get; }

    /// <summary>The last event's hash, zero when empty.</summary>
    public Sha256Digest Hash { get; }

    /// <summary>Whether the journal has no event.</summary>
    public bool IsEmpty => Sequence == 0;

    /// <summary>The head just after <paramref name="journalEvent"/>.</summary>
    public static JournalHead After(JournalEvent journalEvent)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        return new JournalHead(journalEvent.Sequence, journalEvent.Hash);
    }

    /// <summary>The head as <c>sequence:hash</c> (the hash in lower-case hex), or "empty" for an empty journal.</summary>
    /// <returns>The text form, as printed in messages.</returns>
    public override string ToString() => IsEmpty ? "empty" : $"{Sequence}:{Hash.ToHex()}";
}
