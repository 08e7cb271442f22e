using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Ballast.Service.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Ballast.Service.Endpoints;

/// <summary>
/// The read answers' bodies, serialised once per read model: every read is a function of the read model, which is a
/// function of its journal head, so the UTF-8 body for one request (path and query) is kept with the model it was
/// made from and served again, byte for byte, until the projector publishes the next one. Each answer carries the
/// head it reflects (<see cref="HeadHeader"/>) and an <c>ETag</c> naming it; a request whose <c>If-None-Match</c>
/// names the current head gets 304 with no body.
/// </summary>
public sealed class ReadResponses
{
    /// <summary>The response header naming the journal head a read reflects: <c>SEQUENCE:HASH</c>.</summary>
    public const string HeadHeader = "Journal-Head";

    /// <summary>Bodies kept per read model at most (a query with arbitrary cursors must not grow the cache without bound).</summary>
    public const int MaxBodies = 4096;

    private readonly JsonSerializerOptions _json;
    private Bodies _bodies = new(ReadModel.Empty);

    /// <summary>Bodies serialised with the service's HTTP JSON options (snake_case).</summary>
    public ReadResponses(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _json = options.Value.SerializerOptions;
    }

    /// <summary>The answer for this request on <paramref name="model"/>: the body <paramref name="build"/> gives, serialised once per model.</summary>
    public CachedJson<T> Of<T>(ReadModel model, HttpRequest request, Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(build);
        var bodies = Volatile.Read(ref _bodies);
        if (!ReferenceEquals(bodies.Model, model))
        {
            var fresh = new Bodies(model);
            bodies = Interlocked.CompareExchange(ref _bodies, fresh, bodies) == bodies ? fresh : Volatile.Read(ref _bodies);
        }

        var key = request.Path.Value + request.QueryString.Value;
        if (!ReferenceEquals(bodies.Model, model) || !bodies.Json.TryGetValue(key, out var body))
        {
            body = JsonSerializer.SerializeToUtf8Bytes(build(), _json);
            if (ReferenceEquals(bodies.Model, model) && bodies.Json.Count < MaxBodies)
            {
                bodies.Json.TryAdd(key, body);
            }
        }

        return ReferenceEquals(bodies.Model, model) ? new CachedJson<T>(body, bodies.ETag, bodies.Head) : new CachedJson<T>(body, ETagOf(model), HeadOf(model));
    }

    /// <summary>The entity tag of every read answer made from <paramref name="model"/>.</summary>
    public static string ETagOf(ReadModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"\"{model.Head.Sequence}-{model.Head.Hash.ToHex()[..16]}\"";
    }

    /// <summary>The <see cref="HeadHeader"/> value for <paramref name="model"/>.</summary>
    public static string HeadOf(ReadModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"{model.Head.Sequence}:{model.Head.Hash.ToHex()}";
    }

    private sealed class Bodies(ReadModel model)
    {
        public ReadModel Model { get; } = model;

        public string ETag { get; } = ETagOf(model);

        public string Head { get; } = HeadOf(model);

        public ConcurrentDictionary<string, byte[]> Json { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>A read answer already serialised: 200 with its JSON bytes, or 304 when the client holds this head's (<c>If-None-Match</c>).</summary>
/// <typeparam name="T">What the body is (for the OpenAPI document).</typeparam>
public sealed class CachedJson<T> : IResult, IEndpointMetadataProvider
{
    private readonly byte[] _body;

    internal CachedJson(byte[] body, string etag, string head)
    {
        _body = body;
        ETag = etag;
        Head = head;
    }

    /// <summary>The entity tag (the head the body was made at).</summary>
    public string ETag { get; }

    /// <summary>The journal head the body reflects.</summary>
    public string Head { get; }

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.Headers.ETag = ETag;
        response.Headers[ReadResponses.HeadHeader] = Head;
        response.Headers.CacheControl = "no-cache";
        var match = httpContext.Request.Headers.IfNoneMatch;
        if (match.Count > 0 && match.Any(m => m is not null && (m == "*" || m.Split(',').Any(t => t.Trim() == ETag))))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = _body.Length;
        await response.Body.WriteAsync(_body, httpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}
