using System.Text.Json;
using System.Text.Json.Nodes;
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
    public static ProtocolCommand Parse(string name, ReadOnlySpan<byte> body, string key, AccountId actor)
    {
        JsonNode? node;
        try
        {
            // Duplicate members are refused while parsing: a JsonObject holding two of a name throws later, outside this method's care.
            node = body.IsEmpty ? null : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new CommandRequestException(e.Path ?? "$", $"the body is not JSON: {e.Message}");
        }

        if (node is not JsonObject members)
        {
            throw new CommandRequestException("$", $"the body must be a JSON object holding the members of '{name}' (e.g. {{\"vault\": \"...\"}})");
        }

        var command = new JsonObject { ["$type"] = name, ["id"] = key, ["actor"] = actor.Value };
        foreach (var (member, value) in members)
        {
            if (member is "$type" or "id" or "actor")
            {
                throw new CommandRequestException($"$.{member}", member == "actor"
                    ? "the actor is the account of the API key; leave it out"
                    : member == "id" ? "the command id is the Idempotency-Key header; leave it out" : "the command is named by the path; leave $type out");
            }

            command[member] = value?.DeepClone();
        }

        try
        {
            return command.Deserialize<ProtocolCommand>(Strict) ?? throw new CommandRequestException("$", "the body is null");
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

    private static string Explain(JsonException e) => e.InnerException is { } inner && e.Message.Contains("could not be converted", StringComparison.Ordinal)
        ? $"{e.Message} ({inner.Message})"
        : e.Message;
}
