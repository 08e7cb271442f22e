using System.Net.Http.Headers;

namespace Ballast.Service.Tests;

/// <summary>
/// <c>GET /api/events</c>: the head arrives at once on connect (before any new event), journal events carry their
/// sequence as the SSE id, and a client reconnecting with Last-Event-ID gets exactly the events after it.
/// </summary>
public sealed class StreamTests
{
    [Fact]
    public async Task Events_SendTheHeadAtOnce_ThenNewEventsWithTheirSequenceAsId()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite);
        var head = h.Service.Writer.Head.Sequence;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));

        using var response = await h.Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var first = await ReadEventAsync(reader, timeout.Token);
        Assert.Equal("head", first.Type);
        Assert.Contains($"\"sequence\":{head}", first.Data, StringComparison.Ordinal);
        Assert.Null(first.Id);

        using var posted = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"5"}""", "bob-sse");
        var command = await ReadEventAsync(reader, timeout.Token);
        var requested = await ReadEventAsync(reader, timeout.Token);

        Assert.Equal((head + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), command.Id);
        Assert.Contains("\"type\":\"command\"", command.Data, StringComparison.Ordinal);
        Assert.Equal((head + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), requested.Id);
        Assert.Contains("flow-requested", requested.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_ResumeAfterLastEventId()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite);
        var head = h.Service.Writer.Head.Sequence;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Add("Last-Event-ID", (head - 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await h.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal("head", (await ReadEventAsync(reader, timeout.Token)).Type);
        var ids = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await ReadEventAsync(reader, timeout.Token)).Id);
        }

        Assert.Equal([$"{head - 2}", $"{head - 1}", $"{head}"], ids);
    }

    private sealed record SseEvent(string? Type, string? Id, string Data);

    private static async Task<SseEvent> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? type = null, id = null;
        var data = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("the stream ended");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new SseEvent(type, id, string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line["id: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }
    }
}
