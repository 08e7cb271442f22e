using System.Text.Json;
using Ballast.Accounting;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Ballast.Service.Access;
using Ballast.Service.Writing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Endpoints;

/// <summary>One journaled event of a command's outcome in a response: sequence, journal type and payload (the canonical JSON as an object, the journal's bytes as they are).</summary>
public sealed record CommandEvent(long Sequence, string Type, RawJson Payload);

/// <summary>A command's outcome: applied (with its events), or unchanged (with the note); a replay gives the stored outcome, byte for byte.</summary>
public sealed record CommandResponse(string CommandId, string Status, IReadOnlyList<CommandEvent> Events, string? Note);

/// <summary>An operator's request for a new API key.</summary>
public sealed record KeyRequest(string? Account, IReadOnlyList<string>? Roles, IReadOnlyList<string>? ReporterOf);

/// <summary>A new API key: shown once, only its SHA-256 is kept.</summary>
public sealed record KeyResponse(string Account, IReadOnlyList<string> Roles, IReadOnlyList<string> ReporterOf, string Key, string Sha256);

/// <summary>An API key as an operator lists it: its SHA-256 (the key itself is kept nowhere), account, roles and the vaults it reports.</summary>
public sealed record KeyView(string Sha256, string Account, IReadOnlyList<string> Roles, IReadOnlyList<string> ReporterOf);

/// <summary>The caller as the service sees it.</summary>
public sealed record WhoAmIResponse(string Account, IReadOnlyList<string> Roles, IReadOnlyList<string> ReporterOf);

/// <summary>
/// <c>POST /api/commands/{name}</c>: every protocol command, by its journal name. The <c>Idempotency-Key</c> header
/// is the command id; the API key's account is the actor. Status codes: 200 applied, replayed or unchanged; 400
/// malformed (naming the member) or bad input; 401 no or unknown key; 403 the key's role does not allow the command;
/// 404 no such command; 409 the key was used for a different command; 413 body too large; 422 refused by the
/// protocol (its code and message); 503 journal busy, service stopping, or (in a cluster) the writer did not answer
/// and the outcome is unknown.
/// </summary>
public static class CommandEndpoints
{
    /// <summary>The response header marking a replayed (stored) outcome.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Maps the command and key endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app, ServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        app.MapPost("/api/commands/{name}", (string name, HttpContext context, ApiKeyRing keyRing, ICommandSubmitter writer) => PostAsync(name, context, keyRing, writer, settings.MaxBodyBytes))
            .WithName("PostCommand")
            .WithSummary("Send a protocol command (body: its members in snake_case, amounts as strings; header Idempotency-Key).")
            .Accepts<JsonElement>("application/json")
            .Produces<CommandResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/keys", CreateKey).WithName("CreateKey").WithSummary("Create an API key (operator only); the key is shown once.");
        app.MapGet("/api/keys", ListKeys).WithName("ListKeys").WithSummary("Every API key the service accepts: hash, account, roles, vaults reported (operator only; keys themselves are kept nowhere).");
        app.MapDelete("/api/keys/{sha256}", RevokeKeyAsync).WithName("RevokeKey").WithSummary("Revoke the API key with this SHA-256 (operator only): refused from the next request, also after a restart.");
        app.MapGet("/api/whoami", WhoAmI).WithName("WhoAmI").WithSummary("The account and roles of the caller's key.");
    }

    private static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> PostAsync(string name, HttpContext context, ApiKeyRing keyRing, ICommandSubmitter writer, int maxBody)
    {
        if (await Caller.ResolveAsync(context, keyRing).ConfigureAwait(false) is not { } caller)
        {
            return Caller.Unauthorized(context);
        }

        if (!CommandPermissions.IsKnown(name))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-command", $"no command '{name}'; commands: {string.Join(", ", CommandPermissions.CommandNames)}");
        }

        if (CommandPermissions.RoleRefusal(caller, name) is { } roleRefusal)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", roleRefusal);
        }

        var keys = context.Request.Headers["Idempotency-Key"];
        if (keys.Count > 1)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "idempotency-key", $"the request carries {keys.Count} Idempotency-Key headers; send exactly one", member: "Idempotency-Key");
        }

        var key = keys.ToString();
        if (CommandRequest.KeyProblem(key) is { } keyProblem)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "idempotency-key", keyProblem, member: "Idempotency-Key");
        }

        if (NotJson(context.Request) is { } notJson)
        {
            return notJson;
        }

        var body = await ReadBodyAsync(context.Request, maxBody, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"the body is larger than {maxBody} bytes", member: "$");
        }

        Ballast.Protocol.ProtocolCommand command;
        try
        {
            command = CommandRequest.Parse(name, body, key, caller.Account);
        }
        catch (CommandRequestException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-command", e.Message, member: e.Member);
        }

        if (CommandPermissions.ScopeRefusal(caller, command) is { } refusal)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", refusal);
        }

        var result = await writer.SubmitAsync(command, context.RequestAborted).ConfigureAwait(false);
        return Respond(context, result);
    }

    /// <summary>The HTTP answer to a command's outcome.</summary>
    public static Results<Ok<CommandResponse>, ProblemHttpResult> Respond(HttpContext context, WriteResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Status)
        {
            case WriteStatus.Applied or WriteStatus.Replayed:
                if (result.Status == WriteStatus.Replayed)
                {
                    context.Response.Headers[ReplayedHeader] = "true";
                }

                return TypedResults.Ok(new CommandResponse(result.CommandId, "applied", [.. result.Events.Select(Event)], null));
            case WriteStatus.Unchanged:
                return TypedResults.Ok(new CommandResponse(result.CommandId, "unchanged", [], result.Note));
            case WriteStatus.Rejected:
                if (result.StoredRefusal)
                {
                    context.Response.Headers[ReplayedHeader] = "true";
                }

                return Problems.Of(StatusCodes.Status422UnprocessableEntity, result.Rejection!.Code, result.Rejection.Message, commandId: result.CommandId);
            case WriteStatus.KeyReused:
                return Problems.Of(StatusCodes.Status409Conflict, "idempotency-key-reused", $"the Idempotency-Key '{result.CommandId}' was used before for a different command (other members or another account); use a new key for a new command", member: "Idempotency-Key", commandId: result.CommandId);
            case WriteStatus.Stopping:
                context.Response.Headers.RetryAfter = "5";
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "stopping", "the service is stopping; nothing of this command was done, send it again (same key) later", commandId: result.CommandId);
            default:
                return Failure(context, result);
        }
    }

    private static ProblemHttpResult Failure(HttpContext context, WriteResult result) => result.Error switch
    {
        BallastInputException e => Problems.Of(StatusCodes.Status400BadRequest, "bad-input", e.Message, commandId: result.CommandId),
        JournalStoreException { IsTransient: true } e => Busy(context, result, e),
        CommandOutcomeUnknownException e => OutcomeUnknown(context, result, e),
        _ => Problems.Of(StatusCodes.Status500InternalServerError, "internal-error", $"the command could not be decided: {result.Error?.Message}", commandId: result.CommandId),
    };

    private static ProblemHttpResult Busy(HttpContext context, WriteResult result, JournalStoreException e)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "journal-busy", $"the journal is busy ({e.Message}); nothing of this command was written, send it again with the same key", commandId: result.CommandId);
    }

    private static ProblemHttpResult OutcomeUnknown(HttpContext context, WriteResult result, CommandOutcomeUnknownException e)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "outcome-unknown", e.Message, commandId: result.CommandId);
    }

    private static CommandEvent Event(ResultEvent e) => new(e.Sequence, e.Type, new RawJson(e.Payload));

    private static readonly JsonSerializerOptions KeyRequestJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>The 415 for a body that is not declared JSON (<c>application/json</c> or <c>+json</c>, any charset), or null.</summary>
    private static ProblemHttpResult? NotJson(HttpRequest request) => request.HasJsonContentType()
        ? null
        : Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", $"the body must be JSON, sent as Content-Type: application/json; got '{QueryValues.Echo(request.ContentType ?? "none")}'", member: "Content-Type");

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        if (request.ContentLength is { } announced)
        {
            // The usual case: the length is announced, so the body is read into an array of that size.
            var body = new byte[announced];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += got;
            }

            return filled == body.Length ? body : body[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<Results<Created<KeyResponse>, ProblemHttpResult>> CreateKey(HttpContext context, ApiKeyRing keys, TimeProvider clock, ILogger<ApiKeyRing> log, ServiceSettings settings)
    {
        if (await Caller.ResolveAsync(context, keys).ConfigureAwait(false) is not { } caller)
        {
            return Caller.Unauthorized(context);
        }

        if (!caller.Has(Role.Operator))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "only an operator's key may create API keys");
        }

        if (NotJson(context.Request) is { } notJson)
        {
            return notJson;
        }

        var body = await ReadBodyAsync(context.Request, settings.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"the body is larger than {settings.MaxBodyBytes} bytes", member: "$");
        }

        KeyRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<KeyRequest>(body, KeyRequestJson);
        }
        catch (JsonException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", $"the body is not a key request: {e.Message}", member: e.Path ?? "$");
        }

        if (request?.Account is not { } account || !AccountId.IsValid(account))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", "expected {\"account\": ACCOUNT, \"roles\": [...]} with a valid account id", member: "$.account");
        }

        var roles = new HashSet<Role>();
        foreach (var (role, i) in (request.Roles ?? []).Select((r, i) => (r, i)))
        {
            if (!RoleNames.TryParse(role, out var parsed))
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", $"unknown role '{role}'; expected operator, reporter, investor or voter", member: $"$.roles[{i}]");
            }

            roles.Add(parsed);
        }

        if (roles.Count == 0)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", "a key needs at least one role", member: "$.roles");
        }

        var reporterOf = (request.ReporterOf ?? []).ToHashSet(StringComparer.Ordinal);
        if (reporterOf.FirstOrDefault(v => !Ballast.Protocol.VaultId.IsValid(v)) is { } badVault)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", $"'{QueryValues.Echo(badVault)}' in reporter_of is not a vault id", member: "$.reporter_of");
        }

        if (roles.Contains(Role.Reporter) != (reporterOf.Count > 0))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-key-request", "reporter_of (the vaults a reporter reports) goes with the reporter role, and only with it", member: "$.reporter_of");
        }

        var principal = new ApiPrincipal(new AccountId(account), roles, reporterOf);
        var key = ApiKeyRing.NewKey();
        var hash = ApiKeyRing.Hash(key);

        // Stored (by hash) before it is answered or accepted, so a key the operator was given survives a restart.
        if (context.RequestServices.GetService<IApiKeyStore>() is { } store)
        {
            try
            {
                await store.PutApiKeyAsync(StoredKeys.Row(hash, principal, clock.GetUtcNow(), caller.Account), context.RequestAborted).ConfigureAwait(false);
            }
            catch (JournalStoreException e) when (e.IsTransient)
            {
                context.Response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "journal-busy", $"the key could not be stored ({e.Message}); no key was created, ask again");
            }
        }

        keys.Add(hash, principal);
        var names = roles.Select(RoleNames.Of).Order(StringComparer.Ordinal).ToList();
        log.LogInformation("API key created by {Operator} for account {Account}: roles {Roles}, reporter of {ReporterOf}, sha256 {Sha256}", caller.Account.Value, account, string.Join(",", names), string.Join(",", reporterOf.Order(StringComparer.Ordinal)), hash);
        return TypedResults.Created($"/api/accounts/{account}", new KeyResponse(account, names, [.. reporterOf.Order(StringComparer.Ordinal)], key, hash));
    }

    private static async Task<Results<Ok<List<KeyView>>, ProblemHttpResult>> ListKeys(HttpContext context, ApiKeyRing keys)
    {
        if (await Caller.ResolveAsync(context, keys).ConfigureAwait(false) is not { } caller)
        {
            return Caller.Unauthorized(context);
        }

        return caller.Has(Role.Operator)
            ? TypedResults.Ok(keys.All().Select(k => new KeyView(k.Sha256, k.Principal.Account.Value, [.. k.Principal.Roles.Select(RoleNames.Of).Order(StringComparer.Ordinal)], [.. k.Principal.ReporterOf.Order(StringComparer.Ordinal)])).ToList())
            : Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "only an operator's key may list API keys");
    }

    private static async Task<Results<Ok<KeyView>, ProblemHttpResult>> RevokeKeyAsync(string sha256, HttpContext context, ApiKeyRing keys, TimeProvider clock, ILogger<ApiKeyRing> log)
    {
        if (await Caller.ResolveAsync(context, keys).ConfigureAwait(false) is not { } caller)
        {
            return Caller.Unauthorized(context);
        }

        if (!caller.Has(Role.Operator))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "only an operator's key may revoke API keys");
        }

        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-key-hash", $"'{QueryValues.Echo(sha256)}' is not a SHA-256 (64 hex digits)", member: "sha256");
        }

        var hash = sha256.ToLowerInvariant();
        if (keys.All().FirstOrDefault(k => k.Sha256 == hash) is not { Principal: { } principal })
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-key", $"no API key with SHA-256 {hash}", member: "sha256");
        }

        // Stored before it takes effect and is answered, so a revoked key stays revoked after a restart.
        if (context.RequestServices.GetService<IApiKeyStore>() is { } store)
        {
            try
            {
                await store.RevokeApiKeyAsync(hash, clock.GetUtcNow(), caller.Account.Value, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JournalStoreException e) when (e.IsTransient)
            {
                context.Response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "journal-busy", $"the revocation could not be stored ({e.Message}); the key is still valid, ask again");
            }
        }

        keys.Remove(hash);
        log.LogInformation("API key revoked by {Operator}: account {Account}, sha256 {Sha256}", caller.Account.Value, principal.Account.Value, hash);
        return TypedResults.Ok(new KeyView(hash, principal.Account.Value, [.. principal.Roles.Select(RoleNames.Of).Order(StringComparer.Ordinal)], [.. principal.ReporterOf.Order(StringComparer.Ordinal)]));
    }

    private static async Task<Results<Ok<WhoAmIResponse>, ProblemHttpResult>> WhoAmI(HttpContext context, ApiKeyRing keys) =>
        await Caller.ResolveAsync(context, keys).ConfigureAwait(false) is { } caller
            ? TypedResults.Ok(new WhoAmIResponse(caller.Account.Value, [.. caller.Roles.Select(RoleNames.Of).Order(StringComparer.Ordinal)], [.. caller.ReporterOf.Order(StringComparer.Ordinal)]))
            : Caller.Unauthorized(context);
}
