using System.Text;
using Ballast.Hashing;

namespace Ballast.Protocol.Journal;

/// <summary>
/// One event of the journal: immutable, numbered from 1 without gaps, chained to the event before it by
/// <see cref="PreviousHash"/>. <see cref="Hash"/> is what <see cref="JournalHash.Compute(JournalEvent)"/> gives for a
/// genuine event; the constructor does not check it (a store reads events back as stored, and
/// <see cref="JournalVerifier"/> judges them), but it does check each field on its own.
/// </summary>
public sealed record JournalEvent
{
    private readonly long _sequence;
    private readonly DateTimeOffset _time;
    private readonly string _type = "";
    private readonly string _commandId = "";
    private readonly string _payload = "";

    /// <summary>An event with every field given; see each property for what it accepts.</summary>
    public JournalEvent(long sequence, DateTimeOffset time, string type, string commandId, string payload, Sha256Digest previousHash, Sha256Digest hash)
    {
        Sequence = sequence;
        Time = time;
        Type = type;
        CommandId = commandId;
        Payload = payload;
        PreviousHash = previousHash;
        Hash = hash;
    }

    /// <summary>The position in the journal, from 1.</summary>
    public long Sequence
    {
        get => _sequence;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Sequence));
            _sequence = value;
        }
    }

    /// <summary>When the event happened, in UTC (offset zero; any other offset is rejected). Hashed to 100 ns.</summary>
    public DateTimeOffset Time
    {
        get => _time;
        init
        {
            if (value.Offset != TimeSpan.Zero)
            {
                throw new ArgumentException($"a journal time must be UTC (offset +00:00), got offset {value.Offset} in {value:O}", nameof(Time));
            }

            _time = value;
        }
    }

    /// <summary>The kind of event, e.g. <c>deposit.accepted</c>: not empty, no control characters.</summary>
    public string Type
    {
        get => _type;
        init => _type = CheckName(value, nameof(Type));
    }

    /// <summary>
    /// The idempotency key of the command that produced the event: not empty, no control characters. A command may
    /// produce several events, all with its id.
    /// </summary>
    public string CommandId
    {
        get => _commandId;
        init => _commandId = CheckName(value, nameof(CommandId));
    }

    /// <summary>The event's data as canonical JSON text. Opaque to the journal; it must be valid UTF-16 without U+0000.</summary>
    public string Payload
    {
        get => _payload;
        init => _payload = CheckText(value, nameof(Payload));
    }

    /// <summary>The <see cref="Hash"/> of the event before this one; <see cref="Sha256Digest.Zero"/> for the first.</summary>
    public Sha256Digest PreviousHash { get; init; }

    /// <summary>The event's hash, see <see cref="JournalHash"/>.</summary>
    public Sha256Digest Hash { get; init; }

    private static string CheckName(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length == 0)
        {
            throw new ArgumentException($"{name} must not be empty", name);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"{name} must not contain control characters, got U+{(int)c:X4} in '{value}'", name);
            }
        }

        return CheckText(value, name);
    }

    // Two rules every store can keep: the text has one UTF-8 encoding (no lone surrogates, which would otherwise be
    // hashed as U+FFFD and so collide with it) and no U+0000 (PostgreSQL text cannot hold it).
    private static string CheckText(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} must not contain U+0000", name);
        }

        try
        {
            JournalHash.StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{name} is not valid UTF-16 (a lone surrogate at index {e.Index})", name, e);
        }

        return value;
    }
}
