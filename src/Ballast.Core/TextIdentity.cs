using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ballast;

/// <summary>
/// A validated identity written as its bare text (an asset symbol, a vault id): what
/// <see cref="TextIdentityJsonConverter{T}"/> needs to read and write it.
/// </summary>
/// <typeparam name="TSelf">The identity type.</typeparam>
public interface ITextIdentity<TSelf> where TSelf : struct, ITextIdentity<TSelf>
{
    /// <summary>The identity's text.</summary>
    string Value { get; }

    /// <summary>What the identity is, with its article, for error messages (e.g. <c>a vault id</c>).</summary>
    static abstract string Described { get; }

    /// <summary>Whether <paramref name="value"/> is a valid identity of this kind.</summary>
    /// <param name="value">The text to check.</param>
    /// <returns>True when it is valid.</returns>
    static abstract bool IsValid(string? value);

    /// <summary>Why <paramref name="value"/> is not valid, for error messages.</summary>
    /// <param name="value">The text refused.</param>
    /// <returns>The message naming the value and the rule.</returns>
    static abstract string Problem(string? value);

    /// <summary>Wraps text already checked by <see cref="IsValid"/>.</summary>
    /// <param name="value">The valid text.</param>
    /// <returns>The identity.</returns>
    static abstract TSelf FromValid(string value);
}

/// <summary>
/// Reads and writes a <typeparamref name="T"/> as a JSON string (and as a property name), so the bytes are those of
/// the plain text; invalid text is refused.
/// </summary>
/// <typeparam name="T">The identity type.</typeparam>
public sealed class TextIdentityJsonConverter<T> : JsonConverter<T> where T : struct, ITextIdentity<T>
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.TokenType == JsonTokenType.String ? reader.GetString() : null, reader.TokenType);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }

    /// <inheritdoc />
    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString(), JsonTokenType.PropertyName);

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.Value);
    }

    private static T Parse(string? text, JsonTokenType token) =>
        T.IsValid(text)
            ? T.FromValid(text!)
            : throw new JsonException(text is null ? $"expected {T.Described} as a string, got {token}" : T.Problem(text));
}
