namespace Ballast.Protocol.Journal;

/// <summary>What is wrong at the first place a chain breaks.</summary>
public enum ChainDiscrepancyKind
{
    /// <summary>The event's sequence is not the one after the event before it (a gap, a repeat or a reordering).</summary>
    SequenceGap,

    /// <summary>The event's previous hash is not the hash of the event before it.</summary>
    PreviousHashMismatch,

    /// <summary>The event's stored hash is not the hash of its fields.</summary>
    HashMismatch,
}

/// <summary>The first discrepancy in a chain.</summary>
/// <param name="Sequence">Where the chain breaks: the sequence the event should have (for a gap) or has.</param>
/// <param name="Kind">What differs.</param>
/// <param name="Expected">What the chain requires there: a sequence number or a hash in hex.</param>
/// <param name="Actual">What the event holds.</param>
public sealed record ChainDiscrepancy(long Sequence, ChainDiscrepancyKind Kind, string Expected, string Actual)
{
    /// <summary>One line for a person, e.g. <c>event 17: hash mismatch: expected 3fa1..., stored 09bc...</c>.</summary>
    public override string ToString() => Kind switch
    {
        ChainDiscrepancyKind.SequenceGap => $"event {Sequence}: sequence gap: expected sequence {Expected}, found {Actual}",
        ChainDiscrepancyKind.PreviousHashMismatch => $"event {Sequence}: previous-hash mismatch: expected {Expected}, stored {Actual}",
        _ => $"event {Sequence}: hash mismatch: expected {Expected}, stored {Actual}",
    };
}

/// <summary>The outcome of <see cref="JournalVerifier.VerifyChain(IEnumerable{JournalEvent})"/>.</summary>
/// <param name="Checked">How many events were found sound, in order, before the discrepancy or in all.</param>
/// <param name="Head">The head after the last sound event.</param>
/// <param name="Discrepancy">The first discrepancy, or null when the whole chain is sound.</param>
public sealed record ChainVerification(long Checked, JournalHead Head, ChainDiscrepancy? Discrepancy)
{
    /// <summary>Whether every event was sound.</summary>
    public bool IsValid => Discrepancy is null;

    /// <summary>One line for messages: "chain sound: N events checked, head H", or where the chain broke and how.</summary>
    /// <returns>The summary line.</returns>
    public override string ToString() => Discrepancy is null
        ? $"chain sound: {Checked} events checked, head {Head}"
        : $"chain broken after {Checked} sound events: {Discrepancy}";
}

/// <summary>Checks a sequence of events link by link: numbering, previous hashes and each event's own hash.</summary>
public static class JournalVerifier
{
    /// <summary>Checks a whole journal, which starts at sequence 1 with the zero previous hash.</summary>
    public static ChainVerification VerifyChain(IEnumerable<JournalEvent> events) => VerifyChain(events, JournalHead.Empty);

    /// <summary>
    /// Checks events that continue <paramref name="start"/> (e.g. the head recorded with a snapshot). Stops at the
    /// first discrepancy. Per event, in this order: sequence = previous + 1, previous hash = previous event's hash,
    /// hash = <see cref="JournalHash.Compute(JournalEvent)"/>.
    /// </summary>
    public static ChainVerification VerifyChain(IEnumerable<JournalEvent> events, JournalHead start)
    {
        ArgumentNullException.ThrowIfNull(events);
        var head = start;
        long count = 0;
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            var discrepancy = Check(head, e);
            if (discrepancy is not null)
            {
                return new ChainVerification(count, head, discrepancy);
            }

            head = JournalHead.After(e);
            count++;
        }

        return new ChainVerification(count, head, null);
    }

    /// <summary>Checks a whole journal as a store reads it (<see cref="IJournalStore.ReadAsync"/>), from sequence 1.</summary>
    public static Task<ChainVerification> VerifyChainAsync(IAsyncEnumerable<JournalEvent> events, CancellationToken cancellationToken = default) =>
        VerifyChainAsync(events, JournalHead.Empty, cancellationToken);

    /// <summary>As <see cref="VerifyChain(IEnumerable{JournalEvent}, JournalHead)"/>, over events read asynchronously (memory does not grow with them).</summary>
    public static async Task<ChainVerification> VerifyChainAsync(IAsyncEnumerable<JournalEvent> events, JournalHead start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var head = start;
        long count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            var discrepancy = Check(head, e);
            if (discrepancy is not null)
            {
                return new ChainVerification(count, head, discrepancy);
            }

            head = JournalHead.After(e);
            count++;
        }

        return new ChainVerification(count, head, null);
    }

    /// <summary>The discrepancy of <paramref name="journalEvent"/> as the event right after <paramref name="head"/>, or null.</summary>
    public static ChainDiscrepancy? Check(JournalHead head, JournalEvent journalEvent)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        var expectedSequence = head.Sequence + 1;
        if (journalEvent.Sequence != expectedSequence)
        {
            return new ChainDiscrepancy(expectedSequence, ChainDiscrepancyKind.SequenceGap,
                expectedSequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                journalEvent.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (journalEvent.PreviousHash != head.Hash)
        {
            return new ChainDiscrepancy(expectedSequence, ChainDiscrepancyKind.PreviousHashMismatch, head.Hash.ToHex(), journalEvent.PreviousHash.ToHex());
        }

        var hash = JournalHash.Compute(journalEvent);
        return hash != journalEvent.Hash
            ? new ChainDiscrepancy(expectedSequence, ChainDiscrepancyKind.HashMismatch, hash.ToHex(), journalEvent.Hash.ToHex())
            : null;
    }
}
