using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ballast.Protocol.Journal;
using Ballast.Service.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Ballast.Service.Endpoints;

/// <summary>A journal event exactly as stored: the payload is the canonical JSON text the hash covers, so the chain can be checked from outside.</summary>
public sealed record JournalEventView(long Sequence, string Time, string Type, string CommandId, string Payload, string PreviousHash, string Hash)
{
    /// <summary>The view of <paramref name="e"/>.</summary>
    public static JournalEventView Of(JournalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.Time.UtcDateTime.ToString(JournalHash.TimeFormat, CultureInfo.InvariantCulture), e.Type, e.CommandId, e.Payload, e.PreviousHash.ToHex(), e.Hash.ToHex());
    }
}

/// <summary>A page of the journal export: events <c>from</c>..<c>to</c> in order, the head when read, and the next page's <c>from</c> (null at the head).</summary>
public sealed record JournalPage(long From, long To, HeadResponse Head, IReadOnlyList<JournalEventView> Events, long? Next);

/// <summary>
/// The journal itself: <c>GET /api/journal?from=&amp;to=</c> exports events as stored (for independent
/// verification), and <c>GET /api/events</c> streams them as Server-Sent Events, each with its sequence as the SSE id,
/// so a client that reconnects with <c>Last-Event-ID</c> resumes after the last event it got. The stream opens with a
/// <c>head</c> event (no id) at once.
/// </summary>
public static class JournalEndpoints
{
    /// <summary>The most events one export page holds.</summary>
    public const int MaxPage = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Maps the journal endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/journal", ExportAsync).WithName("Journal").WithSummary("Journal events from..to as stored (payload text, hashes), at most 10,000 per page; 'next' is the following page's from.");
        app.MapGet("/api/events", Events).WithName("Events").WithSummary("Server-Sent Events of journal events after Last-Event-ID (or from=SEQUENCE, default: new events only); opens with a 'head' event.");
    }

    private static async Task<Results<Ok<JournalPage>, ProblemHttpResult>> ExportAsync(Projector projector, ReadStore reader, string? from, string? to, CancellationToken cancellationToken)
    {
        var model = projector.Current;
        if (QueryValues.Long(from, "from", min: 1) is { Problem: { } fromProblem })
        {
            return fromProblem;
        }

        if (QueryValues.Long(to, "to", min: 1) is { Problem: { } toProblem })
        {
            return toProblem;
        }

        var first = QueryValues.Long(from, "from").Value ?? 1;
        var head = model.Head.Sequence;
        if (QueryValues.Long(to, "to").Value is { } t && t < first)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-query", $"to ({t}) is before from ({first})", member: "to");
        }

        var end = QueryValues.Long(to, "to").Value;
        var last = Math.Min(end ?? head, head);
        var pageEnd = last - first >= MaxPage ? first + MaxPage - 1 : last; // no first + MaxPage: it overflows near long.MaxValue
        var events = new List<JournalEventView>();
        if (first <= pageEnd)
        {
            await foreach (var e in Read(model, reader.Store, first, pageEnd, cancellationToken).ConfigureAwait(false))
            {
                events.Add(JournalEventView.Of(e));
            }
        }

        return TypedResults.Ok(new JournalPage(first, Math.Max(first - 1, pageEnd), ReadEndpoints.Head(model), events, pageEnd < last ? pageEnd + 1 : null));
    }

    private static Results<ServerSentEventsResult<string>, ProblemHttpResult> Events(HttpContext context, Projector projector, ReadStore reader, string? from)
    {
        var model = projector.Current;
        var lastEventId = context.Request.Headers["Last-Event-ID"];
        if (lastEventId.Count > 1 || QueryValues.Long(lastEventId.Count == 1 ? lastEventId[0] : null, "Last-Event-ID", min: 0) is { Problem: not null })
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-query", "Last-Event-ID must be one journal sequence (a whole number, 0 or more)", member: "Last-Event-ID");
        }

        if (QueryValues.Long(from, "from", min: 1) is { Problem: { } fromProblem })
        {
            return fromProblem;
        }

        var after = QueryValues.Long(lastEventId.Count == 1 ? lastEventId[0] : null, "Last-Event-ID").Value
            ?? (QueryValues.Long(from, "from").Value is { } f ? f - 1 : model.Head.Sequence);
        return TypedResults.ServerSentEvents(Stream(projector, reader.Store, after, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(Projector projector, IJournalStore store, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The head first, at once: the response's headers go out with it (an SSE result flushes nothing before its first item).
        yield return new SseItem<string>(JsonSerializer.Serialize(ReadEndpoints.Head(projector.Current), Json), "head");
        while (!cancellationToken.IsCancellationRequested)
        {
            var model = projector.Current;
            if (model.Head.Sequence > after)
            {
                await foreach (var e in Read(model, store, after + 1, model.Head.Sequence, cancellationToken).ConfigureAwait(false))
                {
                    yield return new SseItem<string>(JsonSerializer.Serialize(JournalEventView.Of(e), Json), "journal") { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
                    after = e.Sequence;
                }
            }

            try
            {
                await projector.Published.WaitBeyondAsync(after, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>Events <paramref name="first"/>..<paramref name="last"/>: from the read model's recent window when it holds them, else from the store.</summary>
    private static async IAsyncEnumerable<JournalEvent> Read(ReadModel model, IJournalStore store, long first, long last, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var recent = model.Recent;
        if (recent.Count > 0 && recent[0].Sequence <= first)
        {
            for (var i = (int)(first - recent[0].Sequence); i < recent.Count && recent[i].Sequence <= last; i++)
            {
                yield return recent[i];
            }

            yield break;
        }

        await foreach (var e in store.ReadAsync(first, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence > last)
            {
                yield break;
            }

            yield return e;
        }
    }
}

/// <summary>The read side's own store connection (the projector's), distinct from the writer's.</summary>
/// <param name="Store">The store.</param>
public sealed record ReadStore(IJournalStore Store);
