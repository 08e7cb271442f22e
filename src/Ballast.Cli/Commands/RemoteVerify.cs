using System.Globalization;
using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Cli.Commands;

/// <summary>
/// What <c>ballast verify URL</c> adds to verifying a journal file: it reads the head the service publishes before
/// streaming the export up to it, and afterwards requires the re-derived head to be that published head, and, with
/// <c>--expect-head SEQUENCE:HASH</c>, the event at SEQUENCE to carry HASH (a service's journal keeps growing, so a head
/// trusted earlier must still be in it, unchanged; a bare HASH must be the head itself).
/// </summary>
internal static class RemoteVerify
{
    /// <summary>Reads the published head, notes which event the expected head names, and returns the events to verify.</summary>
    /// <exception cref="BallastInputException">--expect-head is neither SEQUENCE:HASH nor HASH.</exception>
    public static async Task<IAsyncEnumerable<JournalEvent>> EventsAsync(RemoteJournal remote, string? expectHead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (Expected(expectHead) is ({ } sequence, _))
        {
            remote.Watch(sequence);
        }

        await remote.PublishedHeadAsync(cancellationToken).ConfigureAwait(false);
        return remote.ReadAsync(cancellationToken);
    }

    /// <summary>Why the verified journal does not end where it should, or null when it does.</summary>
    public static string? HeadProblem(RemoteJournal remote, JournalHead derived, string? expectHead)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var published = remote.Published ?? throw new InvalidOperationException("the published head was not read");
        if (derived != published)
        {
            return $"the export re-derives the head {derived}, but the service publishes {published} (the export and the published head disagree)";
        }

        switch (Expected(expectHead))
        {
            case ({ } sequence, var hash) when sequence > published.Sequence:
                return $"the service's journal ends at {published}, before the expected head {sequence}:{hash.ToHex()} (events removed)";
            case ({ } sequence, var hash) when remote.WatchedHash != hash:
                return $"the service's event {sequence} has the hash {remote.WatchedHash?.ToHex()}, not the expected head's {hash.ToHex()} (the journal was rewritten at or before {sequence})";
            case (null, var hash) when derived.Hash != hash:
                return $"the journal ends at {derived}, not at the expected head {hash.ToHex()} (events added, removed or rewritten)";
            default:
                return null;
        }
    }

    /// <summary>The expected head's sequence (null when only a hash is given) and hash; null when none is expected.</summary>
    private static (long? Sequence, Sha256Digest Hash)? Expected(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var sequenceText = colon < 0 ? null : text[..colon];
        var hashText = colon < 0 ? text : text[(colon + 1)..];
        long? sequence = null;
        if (sequenceText is not null)
        {
            if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                throw new BallastInputException($"--expect-head: '{text}' is not SEQUENCE:HASH (a sequence from 1) or HASH");
            }

            sequence = parsed;
        }

        return Sha256Digest.TryParse(hashText, out var hash)
            ? (sequence, hash)
            : throw new BallastInputException($"--expect-head: '{text}' is not SEQUENCE:HASH or HASH (the hash is {Sha256Digest.HexLength} lowercase hexadecimal digits)");
    }
}
