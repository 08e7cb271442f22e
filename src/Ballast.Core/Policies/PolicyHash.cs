using System.Text.Json;
using System.Text.Json.Serialization;
using Ballast.Hashing;

namespace Ballast.Policies;

/// <summary>
/// A policy's published identity: the SHA-256 of its canonical JSON (<see cref="CanonicalPolicy.Json"/>). What a
/// vault adopts, what a backtest claim is about and what the journal records a rebalance under. Written as 64
/// lowercase hexadecimal digits, in text and in JSON, so it reads exactly as the bare hex it replaces.
/// </summary>
[JsonConverter(typeof(PolicyHashJsonConverter))]
public readonly struct PolicyHash : IEquatable<PolicyHash>
{
    /// <summary>How many hexadecimal digits <see cref="Abbreviated"/> keeps.</summary>
    public const int AbbreviatedLength = 12;

    private PolicyHash(Sha256Digest digest) => Digest = digest;

    /// <summary>The SHA-256 digest itself.</summary>
    public Sha256Digest Digest { get; }

    /// <summary>The hash of a policy's canonical JSON text (its UTF-8 bytes).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="canonicalJson"/> is null.</exception>
    public static PolicyHash OfCanonicalJson(string canonicalJson) => new(Sha256Digest.OfUtf8(canonicalJson));

    /// <summary>A policy hash from its digest (e.g. one read back from storage).</summary>
    public static PolicyHash FromDigest(Sha256Digest digest) => new(digest);

    /// <summary>Parses 64 lowercase hexadecimal digits.</summary>
    /// <exception cref="FormatException">The text is not exactly 64 lowercase hexadecimal digits.</exception>
    public static PolicyHash Parse(string hex) =>
        TryParse(hex, out var hash) ? hash : throw new FormatException($"expected a policy hash as {Sha256Digest.HexLength} lowercase hexadecimal digits, got '{hex}'");

    /// <summary>Parses 64 lowercase hexadecimal digits; false for anything else.</summary>
    public static bool TryParse(string? hex, out PolicyHash hash)
    {
        var parsed = Sha256Digest.TryParse(hex, out var digest);
        hash = new PolicyHash(digest);
        return parsed;
    }

    /// <summary>The first <see cref="AbbreviatedLength"/> hexadecimal digits, for people (tables, messages).</summary>
    public string Abbreviated => Digest.ToHex()[..AbbreviatedLength];

    /// <summary>64 lowercase hexadecimal digits.</summary>
    public override string ToString() => Digest.ToHex();

    /// <summary>True when both are the same policy identity.</summary>
    /// <param name="other">The hash to compare with.</param>
    /// <returns>Whether the digests are equal.</returns>
    public bool Equals(PolicyHash other) => Digest == other.Digest;

    /// <summary>True when <paramref name="obj"/> is an equal <see cref="PolicyHash"/>.</summary>
    /// <param name="obj">The object to compare with.</param>
    /// <returns>Whether it is an equal policy hash.</returns>
    public override bool Equals(object? obj) => obj is PolicyHash other && Equals(other);

    /// <summary>A hash code consistent with <see cref="Equals(PolicyHash)"/>.</summary>
    /// <returns>The hash code (not stable across processes).</returns>
    public override int GetHashCode() => Digest.GetHashCode();

    /// <summary>True when both are the same policy identity.</summary>
    /// <param name="left">One hash.</param>
    /// <param name="right">The other hash.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(PolicyHash left, PolicyHash right) => left.Equals(right);

    /// <summary>True when they are different policy identities.</summary>
    /// <param name="left">One hash.</param>
    /// <param name="right">The other hash.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(PolicyHash left, PolicyHash right) => !left.Equals(right);
}

/// <summary>Reads and writes a <see cref="PolicyHash"/> as a JSON string (or property name) of 64 lowercase hexadecimal digits.</summary>
public sealed class PolicyHashJsonConverter : JsonConverter<PolicyHash>
{
    /// <inheritdoc />
    public override PolicyHash Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.TokenType == JsonTokenType.String ? reader.GetString() : null, reader.TokenType);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PolicyHash value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }

    /// <inheritdoc />
    public override PolicyHash ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString(), reader.TokenType);

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, PolicyHash value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.ToString());
    }

    private static PolicyHash Parse(string? text, JsonTokenType token) =>
        PolicyHash.TryParse(text, out var hash)
            ? hash
            : throw new JsonException($"expected a policy hash as a string of {Sha256Digest.HexLength} lowercase hexadecimal digits, got {(text is null ? token.ToString() : $"'{text}'")}");
}
