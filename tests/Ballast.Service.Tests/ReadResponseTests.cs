using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Ballast.Service.Endpoints;
using Ballast.Service.Projection;
using CsCheck;

namespace Ballast.Service.Tests;

/// <summary>
/// Read answers serialised once per read model: each carries the head it reflects and an ETag; If-None-Match with the
/// current head is a 304; the bytes are the serialiser's; a new head gives a new body. Series pages found by binary
/// search are the linear filter's.
/// </summary>
public sealed class ReadResponseTests
{
    [Fact]
    public async Task Reads_CarryTheirHead_AndAnETag_And304WhileTheHeadStays()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var model = h.Service.Projector.Current;
        using var first = await h.Client.GetAsync("/api/vaults", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!.Tag;
        Assert.Equal(ReadResponses.ETagOf(model), etag);
        Assert.Equal($"{model.Head.Sequence}:{model.Head.Hash.ToHex()}", first.Headers.GetValues(ReadResponses.HeadHeader).Single());
        // The bytes TypedResults.Ok wrote before: the service's HTTP JSON options.
        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>(h.Service.App.Services).Value.SerializerOptions;
        Assert.Equal(JsonSerializer.Serialize(model.Vaults.Values.ToList(), options), await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        foreach (var path in new[] { "/api/vaults", "/api/vaults/demo-mix", "/api/head", "/api/vaults/demo-mix/series?limit=3", "/api/accounts/alice", "/api/vaults/summary" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var again = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(again.StatusCode == HttpStatusCode.NotModified, $"{path}: {(int)again.StatusCode}");
            Assert.Empty(await again.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        }

        using (var transfer = await h.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "etag-1"))
        {
            Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        }

        await h.SettledAsync();
        using var moved = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/alice");
        moved.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var after = await h.Client.SendAsync(moved, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag!.Tag);
        var history = JsonDocument.Parse(await after.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("history");
        Assert.Equal("etag-1", history.EnumerateArray().Last().GetProperty("command_id").GetString());
    }

    [Fact]
    public void SeriesPage_IsTheLinearFiltersPage()
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var series = Gen.Select(Gen.Int[1, 3], Gen.Int[0, 2]).Array[0, 60].Select(steps =>
        {
            var (sequence, hours) = (0L, 0);
            return steps.Select(s => new VaultPoint(sequence += s.Item1, start.AddHours(hours += s.Item2), "1", "1", "1", null)).ToImmutableList();
        });
        var bound = Gen.Int[-1, 130].Select(i => i < 0 ? (int?)null : i);
        Gen.Select(series, bound, bound, bound, Gen.Int[1, 20]).Sample((points, after, from, to, take) =>
        {
            DateTimeOffset? begin = from is { } f ? start.AddHours(f / 2) : null, end = to is { } t ? start.AddHours(t / 2) : null;
            var selected = points.Where(pt => (after is null || pt.Sequence > after) && (begin is null || pt.Time >= begin) && (end is null || pt.Time <= end)).Take(take + 1).ToList();
            var (page, next) = SeriesPoints.Page(points, after, begin, end, take);
            Assert.Equal(selected.Take(take), page);
            Assert.Equal(selected.Count > take ? selected[take - 1].Sequence : null, next);
        });
    }
}
