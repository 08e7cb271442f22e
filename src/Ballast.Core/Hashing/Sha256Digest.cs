using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ballast.Hashing;

/// <summary>
/// An immutable SHA-256 digest: exactly 32 bytes, compared by value. Written as 64 lowercase hexadecimal digits,
/// the only spelling <see cref="Parse"/> accepts, so a digest has one text form (in JSON too: a string of those
/// digits). Every SHA-256 Ballast computes goes through this type: the journal's hash chain, policy hashes, proposal and evidence identities, the keeper's inputs digests.
/// </summary>
[JsonConverter(typeof(Sha256DigestJsonConverter))]
public readonly struct Sha256Digest : IEquatable<Sha256Digest>
{
    /// <summary>The length of a digest in bytes.</summary>
    public const int Length = 32;

    /// <summary>The length of a digest in hexadecimal digits.</summary>
    public const int HexLength = 64;

    // The 32 bytes as four big-endian words: value equality and copying without an array.
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private Sha256Digest(ReadOnlySpan<byte> bytes)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>32 zero bytes: the previous hash of the first event of a journal.</summary>
    public static Sha256Digest Zero => default;

    /// <summary>Whether every byte is zero.</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>The digest of exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException">The span is not 32 bytes long.</exception>
    public static Sha256Digest FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"a SHA-256 digest is {Length} bytes, got {bytes.Length}", nameof(bytes));
        }

        return new Sha256Digest(bytes);
    }

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static Sha256Digest Of(ReadOnlySpan<byte> data)
    {
        // One hash object per thread, reset after each digest: the one-shot call sets up OpenSSL's digest anew each
        // time, about as long again as hashing a policy's few hundred bytes (thousands are hashed per backtest).
        var sha = _perThread ??= CreateIncremental();
        Span<byte> hash = stackalloc byte[Length];
        sha.AppendData(data);
        sha.GetHashAndReset(hash);
        return new Sha256Digest(hash);
    }

    [ThreadStatic]
    private static IncrementalHash? _perThread;

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="text"/> (lone surrogates are rejected).</summary>
    /// <exception cref="EncoderFallbackException">The text holds a lone surrogate, which has no UTF-8 form.</exception>
    public static Sha256Digest OfUtf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Of(StrictUtf8.GetBytes(text));
    }

    /// <summary>A SHA-256 to feed piece by piece (e.g. a table hashed row by row); finish it with <see cref="Finish"/>.</summary>
    public static IncrementalHash CreateIncremental() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The digest of everything fed to <paramref name="hash"/> so far; the hash is reset for reuse.</summary>
    /// <exception cref="ArgumentException">The hash is not a SHA-256.</exception>
    public static Sha256Digest Finish(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.AlgorithmName != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException($"expected a SHA-256 incremental hash, got {hash.AlgorithmName}", nameof(hash));
        }

        Span<byte> bytes = stackalloc byte[Length];
        hash.GetHashAndReset(bytes);
        return new Sha256Digest(bytes);
    }

    /// <summary>UTF-8 that throws on lone surrogates instead of writing U+FFFD: what every hashed text is encoded with.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses 64 lowercase hexadecimal digits.</summary>
    /// <exception cref="FormatException">The text is not exactly 64 lowercase hexadecimal digits.</exception>
    public static Sha256Digest Parse(string hex) =>
        TryParse(hex, out var digest)
            ? digest
            : throw new FormatException($"expected a SHA-256 digest as {HexLength} lowercase hexadecimal digits, got '{Shorten(hex)}'");

    /// <summary>Parses 64 lowercase hexadecimal digits; false for anything else (upper case included).</summary>
    public static bool TryParse(string? hex, out Sha256Digest digest)
    {
        digest = default;
        if (hex is null || hex.Length != HexLength)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        Span<byte> bytes = stackalloc byte[Length];
        Convert.FromHexString(hex, bytes, out _, out _);
        digest = new Sha256Digest(bytes);
        return true;
    }

    /// <summary>Copies the 32 bytes to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The 32 bytes in a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>64 lowercase hexadecimal digits.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc cref="ToHex"/>
    public override string ToString() => ToHex();

    /// <summary>True when both digests have the same 32 bytes.</summary>
    /// <param name="other">The digest to compare with.</param>
    /// <returns>Whether the bytes are equal.</returns>
    public bool Equals(Sha256Digest other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <summary>True when <paramref name="obj"/> is a <see cref="Sha256Digest"/> with the same 32 bytes.</summary>
    /// <param name="obj">The object to compare with.</param>
    /// <returns>Whether it is an equal digest.</returns>
    public override bool Equals(object? obj) => obj is Sha256Digest other && Equals(other);

    /// <summary>A hash code over all 32 bytes, consistent with <see cref="Equals(Sha256Digest)"/>.</summary>
    /// <returns>The hash code (not stable across processes).</returns>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>True when both digests have the same 32 bytes.</summary>
    /// <param name="left">One digest.</param>
    /// <param name="right">The other digest.</param>
    /// <returns>Whether the bytes are equal.</returns>
    public static bool operator ==(Sha256Digest left, Sha256Digest right) => left.Equals(right);

    /// <summary>True when the digests differ in any byte.</summary>
    /// <param name="left">One digest.</param>
    /// <param name="right">The other digest.</param>
    /// <returns>Whether the bytes differ.</returns>
    public static bool operator !=(Sha256Digest left, Sha256Digest right) => !left.Equals(right);

    private static string Shorten(string? text) =>
        text is null ? "(null)" : text.Length <= 80 ? text : new StringBuilder(text, 0, 77, 80).Append("...").ToString();
}

/// <summary>Reads and writes a <see cref="Sha256Digest"/> as a JSON string of 64 lowercase hexadecimal digits.</summary>
public sealed class Sha256DigestJsonConverter : JsonConverter<Sha256Digest>
{
    /// <inheritdoc />
    public override Sha256Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return Sha256Digest.TryParse(text, out var digest)
            ? digest
            : throw new JsonException($"expected a SHA-256 digest as a string of {Sha256Digest.HexLength} lowercase hexadecimal digits, got {(text is null ? reader.TokenType.ToString() : $"'{text}'")}");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Sha256Digest value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToHex());
    }
}
