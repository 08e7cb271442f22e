using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// The canonical JSON of protocol events: snake_case keys sorted by ordinal order at every level, no whitespace,
/// 128-bit integers (amounts in base units, veBANK slopes and biases) as decimal strings (they do not fit a JSON number safely), times as
/// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>. The same event always gives the same bytes, so the journal hash covers it.
/// </summary>
public static class ProtocolJson
{
    /// <summary>The read-only serializer options of the journal: snake_case names, nulls omitted, 128-bit integers as decimal strings, account ids as strings, UTC times with seven fractional digits.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new IntegerTextConverter<UInt128>(NumberStyles.None, "expected a base-unit amount as a string of decimal digits"));
        options.Converters.Add(new IntegerTextConverter<Int128>(NumberStyles.AllowLeadingSign, "expected a signed integer as a string of decimal digits"));
        options.Converters.Add(new AccountIdConverter());
        options.Converters.Add(new TimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Serialises <paramref name="value"/> and sorts every object's keys.</summary>
    public static string Canonical<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, Options);
        return Canonical(node);
    }

    /// <summary>The canonical text of a JSON tree.</summary>
    public static string Canonical(JsonNode? node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Options.Encoder, Indented = false }))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a journal payload with <see cref="Options"/>.</summary>
    /// <typeparam name="T">The payload's type (an event or a command).</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="JsonException">The text does not parse as a <typeparamref name="T"/>, or is the JSON null.</exception>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"expected a {typeof(T).Name}, found null");

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>A 128-bit integer as a string of decimal digits (<paramref name="styles"/>: whether a sign is allowed).</summary>
    private sealed class IntegerTextConverter<T>(NumberStyles styles, string expected) : JsonConverter<T>
        where T : IBinaryInteger<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return text is not null && T.TryParse(text, styles, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new JsonException(expected);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(null, CultureInfo.InvariantCulture));
    }

    private sealed class AccountIdConverter : JsonConverter<AccountId>
    {
        public override AccountId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return AccountId.IsValid(text) ? new AccountId(text!) : throw new JsonException($"'{text}' is not a valid account id");
        }

        public override void Write(Utf8JsonWriter writer, AccountId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class TimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.ParseExact(reader.GetString() ?? string.Empty, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }
}
