using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ballast.Service.Tests;

/// <summary>
/// Hostile input at every read and command boundary (SQLite, test server): oversized, unicode, path-traversal and
/// control-character ids; reversed, huge, negative, non-numeric and overflowing ranges and sequences; oversized and
/// deeply nested bodies; wrong content types; duplicate and conflicting idempotency keys. Every one must be a 4xx
/// ProblemDetails naming the offending member, write nothing, and leave the service answering.
/// </summary>
public class AdversarialInputTests
{
    private const string Mix = ServiceHarness.Composed;

    /// <summary>Ids no vault or account has: 10 KB, unicode, path traversal (escaped and not), control characters, markup.</summary>
    public static TheoryData<string> HostileIds() =>
    [
        new string('a', 10_240),
        "vault-ünï-😀",
        "..%2F..%2Fetc%2Fpasswd",
        "%2E%2E",
        // (a NUL, %00, cannot be sent: the test server's client refuses it, and Kestrel answers 400 before routing)
        "a%0Ab%0Dc",
        "%1B%5B31m",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%20",
    ];

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task HostileIds_OnEveryIdRead_Are4xxProblemsNamingTheId_AndWriteNothing(string id)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        string[] paths =
        [
            $"/api/vaults/{id}", $"/api/vaults/{id}/series", $"/api/vaults/{id}/rebalances", $"/api/vaults/{id}/twin",
            $"/api/vaults/{id}/rebalances/1/verify", $"/api/accounts/{id}",
        ];
        // ".." is resolved by the server before routing (/api/vaults/.. is /api/): a plain 404 problem, no id to name.
        var member = id == "%2E%2E" ? null : "id";
        foreach (var path in paths)
        {
            await AssertProblemAsync(h, path, member);
        }

        await AssertProblemAsync(h, $"/api/policies/{id}", member is null ? null : "hash");

        Assert.Equal(head, h.Service.Writer.Head.Sequence);
        await AssertAliveAsync(h);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    [InlineData("9223372036854775808")]
    [InlineData("%EF%BC%91")] // a full-width digit one
    public async Task VerifySequence_NotAPositiveInteger_Is400NamingSequence(string sequence)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var problem = await AssertProblemAsync(h, $"/api/vaults/{Mix}/rebalances/{sequence}/verify", "sequence");
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("1000000")]
    public async Task VerifySequence_BeyondTheHead_Is404NamingSequence(string sequence)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var problem = await AssertProblemAsync(h, $"/api/vaults/{Mix}/rebalances/{sequence}/verify", "sequence");
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "to")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2024-13-45", "to")]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1", "after")]
    [InlineData("after=99999999999999999999", "after")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("limit=2147483648", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("format=xml", "format")]
    public async Task SeriesQuery_Malformed_Is400NamingTheMember(string query, string member)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var problem = await AssertProblemAsync(h, $"/api/vaults/{Mix}/series?{query}", member);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("from=abc", "from")]
    [InlineData("from=0", "from")]
    [InlineData("from=-9223372036854775808", "from")]
    [InlineData("from=99999999999999999999", "from")]
    [InlineData("to=abc", "to")]
    [InlineData("from=10&to=5", "to")]
    [InlineData("to=-1", "to")]
    public async Task JournalQuery_Malformed_Is400NamingTheMember(string query, string member)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var problem = await AssertProblemAsync(h, $"/api/journal?{query}", member);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task JournalQuery_FromTheLargestSequence_IsAnEmptyLastPage()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var page = await h.GetJsonAsync($"/api/journal?from={long.MaxValue}");
        Assert.Equal(0, page.GetProperty("events").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind); // no wrapped-around cursor
        var tail = await h.GetJsonAsync($"/api/journal?from=1&to={long.MaxValue}");
        Assert.Equal(JsonValueKind.Null, tail.GetProperty("next").ValueKind);
        Assert.Equal(h.Service.Projector.Current.Head.Sequence, tail.GetProperty("events").GetArrayLength());
    }

    [Theory]
    [InlineData("from=abc")]
    [InlineData("from=-1")]
    [InlineData("from=0")]
    [InlineData("from=-9223372036854775808")]
    [InlineData("from=99999999999999999999")]
    public async Task EventsQuery_Malformed_Is400NamingFrom_BeforeTheStreamOpens(string query)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var problem = await AssertProblemAsync(h, $"/api/events?{query}", "from");
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task EventsLastEventId_Malformed_Is400NamingIt()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Add("Last-Event-ID", "-5");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await h.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var problem = await ProblemOfAsync(response, "/api/events (Last-Event-ID: -5)", timeout.Token);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("Last-Event-ID", problem.GetProperty("member").GetString());
    }

    [Fact]
    public async Task TwinAndRebalances_BadFormat_Are400NamingFormat()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        await AssertProblemAsync(h, $"/api/vaults/{Mix}/twin?format=%3Cscript%3E", "format");
        await AssertProblemAsync(h, $"/api/vaults/{Mix}/rebalances?format=pdf", "format");
    }

    [Fact]
    public async Task Command_WrongContentType_Is415_AndWritesNothing()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        foreach (var type in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx" })
        {
            using var request = Command("bob", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", $"ct-{type.GetHashCode(StringComparison.Ordinal)}");
            request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            using var response = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var problem = await ProblemOfAsync(response, type, TestContext.Current.CancellationToken);
            Assert.Equal(415, problem.GetProperty("status").GetInt32());
            Assert.Equal("Content-Type", problem.GetProperty("member").GetString());
        }

        using var none = Command("bob", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "ct-none");
        none.Content!.Headers.ContentType = null;
        using var noneResponse = await h.Client.SendAsync(none, TestContext.Current.CancellationToken);
        Assert.Equal(415, (await ProblemOfAsync(noneResponse, "no content type", TestContext.Current.CancellationToken)).GetProperty("status").GetInt32());

        // With a charset parameter it is JSON still.
        using var utf8 = Command("bob", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "ct-utf8");
        utf8.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
        using var utf8Response = await h.Client.SendAsync(utf8, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, utf8Response.StatusCode);
        Assert.Equal(head + 2, h.Service.Writer.Head.Sequence); // command + flow-requested of the one accepted
    }

    [Fact]
    public async Task Command_OversizedAndDeeplyNestedBodies_Are413And400_AndWriteNothing()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false, maxBody: 64 * 1024);
        var head = h.Service.Writer.Head.Sequence;

        var huge = $$"""{"vault":"demo-mix","assets":"{{new string('1', 200_000)}}"}""";
        using (var response = await h.PostAsync("bob", "request-deposit", huge, "huge"))
        {
            var problem = await ProblemOfAsync(response, "huge body", TestContext.Current.CancellationToken);
            Assert.Equal(413, problem.GetProperty("status").GetInt32());
            Assert.Equal("$", problem.GetProperty("member").GetString());
        }

        // A body whose length is not announced (chunked), over the limit.
        using (var chunked = Command("bob", "request-deposit", string.Empty, "chunked"))
        {
            chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
            chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            chunked.Headers.TransferEncodingChunked = true;
            using var response = await h.Client.SendAsync(chunked, TestContext.Current.CancellationToken);
            Assert.Equal(413, (await ProblemOfAsync(response, "chunked huge body", TestContext.Current.CancellationToken)).GetProperty("status").GetInt32());
        }

        var nested = """{"vault":"demo-mix","assets":""" + new string('[', 5_000) + new string(']', 5_000) + "}";
        using (var response = await h.PostAsync("bob", "request-deposit", nested, "nested"))
        {
            var problem = await ProblemOfAsync(response, "nested body", TestContext.Current.CancellationToken);
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.StartsWith("$", problem.GetProperty("member").GetString(), StringComparison.Ordinal);
        }

        foreach (var (body, member) in new[]
        {
            ("""{"vault":"demo-mix","assets":"-1"}""", "$.assets"),
            ("""{"vault":"demo-mix","assets":"340282366920938463463374607431768211456"}""", "$.assets"), // UInt128.MaxValue + 1
            ("""{"vault":"demo-mix","assets":1e400}""", "$.assets"),
            ("""{"vault":"demo-mix","vault":"other","assets":"1"}""", "$"), // was a 500: a JsonObject with a name twice threw outside the parser
            ("""{"vault":"<script>alert(1)</script>","assets":"1"}""", null),
            ("\uFEFF{\"vault\":\"demo-mix\",\"assets\":\"1\"", "$"),
            ("""[{"vault":"demo-mix"}]""", "$"),
        })
        {
            using var response = await h.PostAsync("bob", "request-deposit", body, $"bad-{body.GetHashCode(StringComparison.Ordinal)}");
            var problem = await ProblemOfAsync(response, body, TestContext.Current.CancellationToken);
            Assert.InRange(problem.GetProperty("status").GetInt32(), 400, 422);
            if (member is not null)
            {
                Assert.Equal(member, problem.GetProperty("member").GetString());
            }
        }

        Assert.Equal(head, h.Service.Writer.Head.Sequence);
        await AssertAliveAsync(h);
    }

    [Theory]
    [InlineData("")]
    [InlineData("key\u0001")]
    [InlineData("k\u00e9y-😀")]
    public async Task Command_BadIdempotencyKey_Is400NamingTheHeader(string key)
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/request-deposit")
        {
            Content = new StringContent("""{"vault":"demo-mix","assets":"1000000"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHarness.KeyOf("bob"));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = await ProblemOfAsync(response, key, TestContext.Current.CancellationToken);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("Idempotency-Key", problem.GetProperty("member").GetString());
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task Command_TwoIdempotencyKeyHeaders_Is400_NotOneKeyJoinedByAComma()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        using var request = Command("bob", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "first");
        request.Headers.Add("Idempotency-Key", "second");
        using var response = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = await ProblemOfAsync(response, "two keys", TestContext.Current.CancellationToken);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("Idempotency-Key", problem.GetProperty("member").GetString());
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task Command_SameKeyConcurrently_JournalsOnce_EveryAnswerTheSame()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        const string Body = """{"vault":"demo-mix","assets":"3000000"}""";
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => h.PostAsync("bob", "request-deposit", Body, "same-key")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(bodies.Distinct(StringComparer.Ordinal));
        Assert.Equal(15, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(head + 2, h.Service.Writer.Head.Sequence);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Command_SameKeyConflictingBodiesConcurrently_OneApplies_TheOthersAre409()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var head = h.Service.Writer.Head.Sequence;
        var responses = await Task.WhenAll(Enumerable.Range(1, 12).Select(i =>
            h.PostAsync(i % 2 == 0 ? "bob" : "alice", "request-deposit", $$"""{"vault":"demo-mix","assets":"{{i}}000000"}""", "contested")));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var r in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var problem = await ProblemOfAsync(r, "contested", TestContext.Current.CancellationToken);
            Assert.Equal(409, problem.GetProperty("status").GetInt32());
            Assert.Equal("idempotency-key-reused", problem.GetProperty("code").GetString());
            Assert.Equal("Idempotency-Key", problem.GetProperty("member").GetString());
        }

        Assert.Equal(head + 2, h.Service.Writer.Head.Sequence);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task CreateKey_MalformedBodiesAndContentTypes_AreProblemsNamingTheMember()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false, setUp: false);
        var count = h.Service.Keys.Count;
        foreach (var (body, type, status, member) in new[]
        {
            ("{not json", "application/json", 400, "$"),
            ("[1,2]", "application/json", 400, "$"),
            ("""{"account":"carol","roles":"investor"}""", "application/json", 400, "$.roles"),
            ("""{"account":"carol","roles":["investor"],"extra":1}""", "application/json", 400, "$.extra"),
            ("""{"account":"carol","roles":[""" + new string('[', 3_000) + new string(']', 3_000) + "]}", "application/json", 400, "$.roles[0]"),
            ("""{"account":"carol","roles":["investor"]}""", "text/plain", 415, "Content-Type"),
            ("""{"account":"../../etc","roles":["investor"]}""", "application/json", 400, "$.account"),
            ("""{"account":"carol","roles":["investor"],"reporter_of":["<script>"]}""", "application/json", 400, "$.reporter_of"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHarness.KeyOf("operator"));
            using var response = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var problem = await ProblemOfAsync(response, body, TestContext.Current.CancellationToken);
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            Assert.Equal(member, problem.GetProperty("member").GetString());
        }

        Assert.Equal(count, h.Service.Keys.Count);
        await AssertAliveAsync(h);
    }

    private static HttpRequestMessage Command(string account, string name, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{name}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHarness.KeyOf(account));
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>GETs <paramref name="path"/>: a 4xx ProblemDetails whose member is <paramref name="member"/>.</summary>
    private static async Task<JsonElement> AssertProblemAsync(ServiceHarness h, string path, string? member)
    {
        // Bounded: a stream that opened instead of refusing would otherwise be read forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await h.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var problem = await ProblemOfAsync(response, path.Length > 200 ? path[..200] + "…" : path, timeout.Token);
        if (member is not null)
        {
            Assert.True(problem.TryGetProperty("member", out var named), $"{path}: no member in {problem.GetRawText()}");
            Assert.Equal(member, named.GetString());
        }

        return problem;
    }

    private static async Task<JsonElement> ProblemOfAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{what}: {status} ({response.Content.Headers.ContentType})");
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("code", out _), $"{what}: no code in {text}");
        return problem;
    }

    private static async Task AssertAliveAsync(ServiceHarness h)
    {
        using var health = await h.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var vaults = await h.Client.GetAsync("/api/vaults", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, vaults.StatusCode);
    }
}
