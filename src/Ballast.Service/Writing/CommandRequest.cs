using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ballast.Accounting;
using Ballast.Protocol;

namespace Ballast.Service.Writing;

/// <summary>A request body the service cannot turn into a command: which member is wrong, and why.</summary>
public sealed class CommandRequestException(string member, string message) : Exception(message)
{
    /// <summary>The JSON path of the offending member (<c>$</c> for the body as a whole).</summary>
    public string Member { get; } = member;
}

/// <summary>
/// Turns a POST body into a protocol command: the body is the command's members in the journal's JSON form
/// (snake_case, amounts as strings of decimal digits), without <c>id</c> and <c>actor</c>, which come from the
/// <c>Idempotency-Key</c> header and the caller's API key. Unknown, missing and null members are refused by name.
/// </summary>
public static class CommandRequest
{
    /// <summary>The longest idempotency key accepted (it becomes the command id).</summary>
    public const int MaxKeyLength = 200;

    private static readonly JsonSerializerOptions Strict = new(ProtocolJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    // What the serializer writes a JsonObject with before reading it (its options' encoder, compact, depth at most
    // 64, no validation), so the command's bytes, and the positions errors name, are those of the JsonObject path.
    private static readonly JsonWriterOptions CommandWriterOptions = new()
    {
        Encoder = Strict.Encoder,
        Indented = false,
        MaxDepth = Strict.MaxDepth == 0 ? 64 : Strict.MaxDepth,
        SkipValidation = true,
    };

    /// <summary>Why <paramref name="key"/> cannot be a command id, or null when it can.</summary>
    public static string? KeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "every command needs an Idempotency-Key header (it becomes the command id; a retry with the same key returns the stored outcome)";
        }

        if (key.Length > MaxKeyLength)
        {
            return $"the Idempotency-Key is {key.Length} characters; at most {MaxKeyLength}";
        }

        return key.Any(c => char.IsControl(c) || char.IsSurrogate(c)) ? "the Idempotency-Key must not contain control characters" : null;
    }

    /// <summary>The command <paramref name="name"/> (a journal command name) with <paramref name="body"/>'s members, sent by <paramref name="actor"/> under <paramref name="key"/>.</summary>
    /// <exception cref="CommandRequestException">The body is not JSON, not an object, or a member is unknown, missing or malformed.</exception>
    public static ProtocolCommand Parse(string name, ReadOnlySpan<byte> body, string key, AccountId actor) => Parse(name, body.ToArray(), key, actor);

    /// <summary>The command <paramref name="name"/> (a journal command name) with <paramref name="body"/>'s members, sent by <paramref name="actor"/> under <paramref name="key"/>.</summary>
    /// <remarks>
    /// The body is parsed once (a pooled <see cref="JsonDocument"/>) and its members are written, after <c>$type</c>,
    /// <c>id</c> and <c>actor</c>, into one compact JSON object that is deserialised as the command: the same bytes
    /// the serializer read when this went through a <c>JsonObject</c> (parsed, each member cloned, deserialised), so
    /// every error names the same member with the same message, without the tree and its copy.
    /// </remarks>
    /// <exception cref="CommandRequestException">The body is not JSON, not an object, or a member is unknown, missing or malformed.</exception>
    public static ProtocolCommand Parse(string name, byte[] body, string key, AccountId actor)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument? document;
        try
        {
            // Duplicate members are refused while parsing, at every depth.
            document = body.Length == 0 ? null : JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new CommandRequestException(e.Path ?? "$", $"the body is not JSON: {e.Message}");
        }

        using (document)
        {
            if (document is not { RootElement: { ValueKind: JsonValueKind.Object } members })
            {
                throw new CommandRequestException("$", $"the body must be a JSON object holding the members of '{name}' (e.g. {{\"vault\": \"...\"}})");
            }

            // Every name is checked before any value is written: a value that cannot be written (a lone surrogate)
            // is refused after a member that may not be sent at all, as before.
            foreach (var member in members.EnumerateObject())
            {
                if (member.NameEquals("$type") || member.NameEquals("id") || member.NameEquals("actor"))
                {
                    var memberName = member.Name;
                    throw new CommandRequestException($"$.{memberName}", memberName == "actor"
                        ? "the actor is the account of the API key; leave it out"
                        : memberName == "id" ? "the command id is the Idempotency-Key header; leave it out" : "the command is named by the path; leave $type out");
                }
            }

            var command = new ArrayBufferWriter<byte>(body.Length + key.Length + name.Length + 64);
            try
            {
                using (var writer = new Utf8JsonWriter(command, CommandWriterOptions))
                {
                    writer.WriteStartObject();
                    writer.WriteString("$type", name);
                    writer.WriteString("id", key);
                    writer.WriteString("actor", actor.Value);
                    foreach (var member in members.EnumerateObject())
                    {
                        writer.WritePropertyName(member.Name);
                        member.Value.WriteTo(writer);
                    }

                    writer.WriteEndObject();
                }

                return JsonSerializer.Deserialize<ProtocolCommand>(command.WrittenSpan, Strict) ?? throw new CommandRequestException("$", "the body is null");
            }
            catch (JsonException e)
            {
                throw new CommandRequestException(e.Path ?? "$", Explain(e));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException or NotSupportedException)
            {
                throw new CommandRequestException("$", e.Message);
            }
        }
    }

    private static string Explain(JsonException e) => e.InnerException is { } inner && e.Message.Contains("could not be converted", StringComparison.Ordinal)
        ? $"{e.Message} ({inner.Message})"
        : e.Message;
}
