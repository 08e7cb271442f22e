using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ballast.Hashing;

namespace Ballast.Protocol.Journal;

/// <summary>
/// The hash of a journal event: SHA-256 over one canonical byte string (see <see cref="Encode"/>), which covers
/// every field but the hash itself, the previous hash included, so each event commits to the whole journal before
/// it. Specified with a worked example in docs/journal.md.
/// </summary>
public static class JournalHash
{
    /// <summary>The first field of every encoding: names the format, so a later version cannot collide with this one.</summary>
    public const string FormatTag = "ballast.journal.v1";

    /// <summary>How a time is written, in the encoding and in the stores: UTC to 100 ns, always 28 characters.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>UTF-8 that throws on lone surrogates instead of writing U+FFFD.</summary>
    internal static UTF8Encoding StrictUtf8 => Sha256Digest.StrictUtf8;

    /// <summary>The hash <paramref name="journalEvent"/> should have, from its other fields.</summary>
    public static Sha256Digest Compute(JournalEvent journalEvent)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        return Compute(journalEvent.Sequence, journalEvent.Time, journalEvent.Type, journalEvent.CommandId, journalEvent.Payload, journalEvent.PreviousHash);
    }

    /// <summary>SHA-256 of <see cref="Encode"/> of the same arguments.</summary>
    public static Sha256Digest Compute(long sequence, DateTimeOffset time, string type, string commandId, string payload, Sha256Digest previousHash)
    {
        var length = EncodedLength(type, commandId, payload);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Write(buffer, sequence, time, type, commandId, payload, previousHash);
            return Sha256Digest.Of(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The canonical bytes that are hashed. With <c>field(s)</c> = the UTF-8 byte count of <c>s</c> as a 4-byte
    /// big-endian unsigned integer followed by those bytes:
    /// <c>field("ballast.journal.v1") ‖ sequence as 8-byte big-endian ‖ field(time as yyyy-MM-ddTHH:mm:ss.fffffffZ)
    /// ‖ field(type) ‖ field(commandId) ‖ field(payload) ‖ previous hash (32 bytes)</c>.
    /// Every variable-length field carries its length, so no two different events encode alike.
    /// </summary>
    public static byte[] Encode(long sequence, DateTimeOffset time, string type, string commandId, string payload, Sha256Digest previousHash)
    {
        var bytes = new byte[EncodedLength(type, commandId, payload)];
        Write(bytes, sequence, time, type, commandId, payload, previousHash);
        return bytes;
    }

    /// <summary>The canonical text of a UTC time, e.g. <c>2026-01-05T14:30:00.0000000Z</c>.</summary>
    /// <exception cref="ArgumentException">The time is not UTC (offset zero).</exception>
    public static string FormatTime(DateTimeOffset time)
    {
        if (time.Offset != TimeSpan.Zero)
        {
            throw new ArgumentException($"a journal time must be UTC (offset +00:00), got offset {time.Offset} in {time:O}", nameof(time));
        }

        return time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>Parses exactly the text <see cref="FormatTime"/> writes; false for any other spelling of a time.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (text is null || text.Length != 28
            || !DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        return string.Equals(FormatTime(time), text, StringComparison.Ordinal);
    }

    private static int EncodedLength(string type, string commandId, string payload)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(commandId);
        ArgumentNullException.ThrowIfNull(payload);
        return checked((4 + FormatTag.Length) + 8 + (4 + 28) + (4 + StrictUtf8.GetByteCount(type)) + (4 + StrictUtf8.GetByteCount(commandId))
            + (4 + StrictUtf8.GetByteCount(payload)) + Sha256Digest.Length);
    }

    private static int Write(Span<byte> buffer, long sequence, DateTimeOffset time, string type, string commandId, string payload, Sha256Digest previousHash)
    {
        var at = WriteField(buffer, 0, FormatTag);
        BinaryPrimitives.WriteInt64BigEndian(buffer[at..], sequence);
        at += 8;
        at = WriteField(buffer, at, FormatTime(time));
        at = WriteField(buffer, at, type);
        at = WriteField(buffer, at, commandId);
        at = WriteField(buffer, at, payload);
        previousHash.CopyTo(buffer[at..]);
        return at + Sha256Digest.Length;
    }

    private static int WriteField(Span<byte> buffer, int at, string text)
    {
        var count = StrictUtf8.GetBytes(text, buffer[(at + 4)..]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[at..], (uint)count);
        return at + 4 + count;
    }
}
