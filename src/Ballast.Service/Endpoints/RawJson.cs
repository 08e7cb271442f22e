using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ballast.Service.Endpoints;

/// <summary>
/// A JSON value kept as the text it already is (a journal payload, canonical JSON): written into a response as is,
/// without parsing and serialising it again.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text);

/// <summary>Writes a <see cref="RawJson"/> as its text; reads any JSON value as its raw text.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc/>
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value.Text, skipInputValidation: false);
    }
}
