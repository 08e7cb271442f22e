using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Service.Access;
using Ballast.Service.Writing;
using CsCheck;

namespace Ballast.Service.Tests;

/// <summary>
/// <see cref="CommandRequest.Parse(string, byte[], string, AccountId)"/> reads a body once, without a JsonNode tree and
/// its copy; it must answer exactly as the tree-based reading it replaced (kept here as the oracle): the same command,
/// or the same refusal naming the same member with the same message.
/// </summary>
public class CommandRequestParseTests
{
    private static readonly AccountId Alice = new("alice");

    [Fact]
    public void Parse_AnswersAsTheJsonNodeReading_ForAnyBody()
    {
        var names = CommandPermissions.CommandNames.ToArray();
        var values = Gen.OneOf(
            Gen.Const("\"demo-mix\""), Gen.Const("\"\""), Gen.Const("null"), Gen.Const("-1"), Gen.Const("\"-1\""), Gen.Const("1e400"), Gen.Const("\"5\""),
            Gen.Const("\"340282366920938463463374607431768211456\""), Gen.Const("\"340282366920938463463374607431768211455\""), Gen.Const("{}"), Gen.Const("[]"), Gen.Const("true"),
            Gen.Const("\"\\ud800\""), Gen.Const("\"caf\\u00e9 <&>\""), Gen.Const("\"\\\"q\\\"\""), Gen.Const("99999999999999999999"), Gen.Const("{\"a\":1,\"a\":2}"),
            Gen.Const("{\"weights\":{\"x\":\"1\",\"y\":[1,2,{\"z\":null}]}}"), Gen.Const(new string('[', 70) + new string(']', 70)), Gen.Const(new string('[', 63) + new string(']', 63)),
            Gen.Int[0, 10].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var members = Gen.OneOf(Gen.Const("vault"), Gen.Const("assets"), Gen.Const("shares"), Gen.Const("total_assets"), Gen.Const("symbol"), Gen.Const("decimals"),
            Gen.Const("to"), Gen.Const("amount"), Gen.Const("request_id"), Gen.Const("spec"), Gen.Const("policy"), Gen.Const("id"), Gen.Const("actor"), Gen.Const("$type"),
            Gen.Const("va\\u0075lt"), Gen.Const("extra"));
        var pairs = Gen.Select(members, values).Array[0, 5];
        var bodies = Gen.Select(pairs, Gen.Bool, Gen.Bool).Select((p, distinct, spaced) =>
        {
            var sep = spaced ? " , " : ",";
            var chosen = distinct ? p.DistinctBy(m => m.Item1) : p;
            return (spaced ? " { " : "{") + string.Join(sep, chosen.Select(m => $"\"{m.Item1}\"{(spaced ? " : " : ":")}{m.Item2}")) + (spaced ? " }\n" : "}");
        });
        var raw = Gen.OneOf(bodies, bodies.Select(b => "\uFEFF" + b), bodies.Select(b => b + ","), bodies.Select(b => b.Length > 2 ? b[..^2] : b), Gen.String[0, 40],
            Gen.Const(""), Gen.Const("null"), Gen.Const("[]"), Gen.Const("\"deposit\""));
        Gen.Select(Gen.Int[0, names.Length - 1], raw, Gen.OneOf(Gen.Const("k1"), Gen.Const("caf\u00e9 \"key\" <1>"))).Sample((name, body, key) =>
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            Assert.Equal(Answer(() => Legacy(names[name], bytes, key, Alice)), Answer(() => CommandRequest.Parse(names[name], bytes, key, Alice)));
        }, iter: 3000);
    }

    [Theory]
    [InlineData("deposit", """{"vault":"demo-btc","assets":"1000000"}""")]
    [InlineData("report-nav", """{"vault":"demo-btc","total_assets":"123456789"}""")]
    [InlineData("deposit", """{"vault":"demo-btc","assets":1000000}""")]
    [InlineData("deposit", """{"vault":"demo-btc","assets":"1","assets":"2"}""")]
    [InlineData("deposit", """{"vault":"demo-btc"}""")]
    [InlineData("deposit", """{"vault":"demo-btc","assets":"1","actor":"bob"}""")]
    public void Parse_AnswersAsTheJsonNodeReading_ForTheLoadsBodies(string name, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.Equal(Answer(() => Legacy(name, bytes, "load-1-1", Alice)), Answer(() => CommandRequest.Parse(name, bytes, "load-1-1", Alice)));
    }

    /// <summary>A command as its journal JSON, or a refusal as its type, member and message.</summary>
    private static string Answer(Func<ProtocolCommand> parse)
    {
        try
        {
            return "command " + JsonSerializer.Serialize(parse(), ProtocolJson.Options);
        }
        catch (CommandRequestException e)
        {
            return $"refused {e.Member}: {e.Message}";
        }
#pragma warning disable CA1031 // any other failure is an answer too, compared by type and message
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static readonly JsonSerializerOptions Strict = new(ProtocolJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The reading before (at 37fb0b2): the body parsed to a JsonObject, each member cloned into a new one after $type, id and actor, deserialised from it.</summary>
    private static ProtocolCommand Legacy(string name, ReadOnlySpan<byte> body, string key, AccountId actor)
    {
        JsonNode? node;
        try
        {
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
