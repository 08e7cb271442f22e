using System.Net;
using System.Text.Json;

namespace Ballast.Service.Tests;

/// <summary>
/// The command API over HTTP, on each backend: applied, refused, replayed, conflicting and malformed commands, who
/// may act, and the money paths an attacker would try. Run on SQLite always and on PostgreSQL when
/// BALLAST_TEST_POSTGRES is set (<see cref="PostgresCommandApiTests"/>).
/// </summary>
public abstract class CommandApiTests
{
    protected abstract Backend Backend { get; }

    private const string Usd = "1000000"; // one USD in base units

    [Fact]
    public async Task RequestDeposit_ByInvestor_IsAppliedWithItsEvents()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        using var response = await h.PostAsync("bob", "request-deposit", $$"""{"vault":"demo-mix","assets":"{{Usd}}"}""", "bob-1");

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("applied", body.GetProperty("status").GetString());
        Assert.Equal("bob-1", body.GetProperty("command_id").GetString());
        var e = Assert.Single(body.GetProperty("events").EnumerateArray());
        Assert.Equal("flow-requested", e.GetProperty("type").GetString());
        Assert.Equal("bob", e.GetProperty("payload").GetProperty("owner").GetString());
        Assert.Equal(h.Service.Writer.Head.Sequence, e.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Retry_SameKeySameBody_ReturnsTheStoredOutcomeAndJournalsOnce()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        const string Body = """{"vault":"demo-mix","assets":"5000000"}""";

        using var first = await h.PostAsync("bob", "request-deposit", Body, "bob-retry");
        var head = h.Service.Writer.Head.Sequence;
        using var second = await h.PostAsync("bob", "request-deposit", Body, "bob-retry");

        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
        await h.SettledAsync();
        var bob = await h.GetJsonAsync("/api/accounts/bob");
        Assert.Equal("5000000", bob.GetProperty("escrowed").GetProperty("USD").GetString()); // escrowed once, not twice
    }

    [Fact]
    public async Task Retry_SameKeyDifferentBody_Is409AndChangesNothing()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        using var first = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"5000000"}""", "bob-k");
        var head = h.Service.Writer.Head.Sequence;

        using var second = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"9000000"}""", "bob-k");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("idempotency-key-reused", problem.GetProperty("code").GetString());
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task Retry_AnotherAccountsKey_Is409AndRevealsNothing()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        const string Body = """{"vault":"demo-mix","assets":"5000000"}""";
        using var first = await h.PostAsync("bob", "request-deposit", Body, "shared-key");

        using var second = await h.PostAsync("alice", "request-deposit", Body, "shared-key");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.DoesNotContain("flow-requested", await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_ByTheProtocol_Is422WithTheRejectionCode()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        // Bob holds 1,000,000 USD; asking to deposit more than that is refused by the protocol, not the API.
        using var response = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"999999999999999"}""", "bob-too-much");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        Assert.Equal(422, problem.GetProperty("status").GetInt32());
        Assert.Equal("bob-too-much", problem.GetProperty("command_id").GetString());
    }

    [Fact]
    public async Task Command_WithoutKeyOrWithUnknownKey_Is401()
    {
        await using var h = await ServiceHarness.StartAsync(Backend, setUp: false);

        using var none = await h.PostAsync(null, "rebalance", """{"vault":"demo-mix"}""", "k1");
        using var unknown = await h.PostAsync("mallory", "rebalance", """{"vault":"demo-mix"}""", "k2");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, h.Service.Writer.Head.Sequence);
    }

    [Theory]
    [InlineData("alice", "report-nav", """{"vault":"strategy-1","total_assets":"1"}""")] // an investor is no reporter
    [InlineData("alice", "create-asset", """{"symbol":"EUR","decimals":2}""")] // nor an operator
    [InlineData("alice", "pause", """{"vault":"demo-mix"}""")]
    [InlineData("alice", "set-policy", """{"vault":"demo-mix","policy":"x","text":"x"}""")]
    [InlineData("reporter", "request-deposit", """{"vault":"demo-mix","assets":"1"}""")] // a reporter is no investor
    [InlineData("vic", "request-deposit", """{"vault":"demo-mix","assets":"1"}""")] // a voter is no investor
    [InlineData("eve", "create-lock", """{"amount":"1","unlock_time":1}""")] // an investor is no voter
    [InlineData("operator", "request-redeem", """{"vault":"demo-mix","shares":"1"}""")] // an operator is no investor
    [InlineData("eve", "init-governance", """{}""")]
    [InlineData("eve", "mint-bank", """{"to":"eve","amount":"1"}""")]
    public async Task Command_WithoutTheRole_Is403(string account, string command, string body)
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        var head = h.Service.Writer.Head.Sequence;

        using var response = await h.PostAsync(account, command, body, $"{account}-{command}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task ReportNav_ForAVaultTheKeyDoesNotName_Is403()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        h.Service.Keys.Add(Access.ApiKeyRing.Hash("key-narrow"), new Access.ApiPrincipal(new Accounting.AccountId("reporter"), new HashSet<Access.Role> { Access.Role.Reporter }, new HashSet<string>(StringComparer.Ordinal) { h.Children[0] }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/report-nav") { Content = new StringContent($$"""{"vault":"{{h.Children[1]}}","total_assets":"1"}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "key-narrow");
        request.Headers.Add("Idempotency-Key", "narrow-1");

        using var response = await h.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(h.Children[0], await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActingAsAnotherAccount_InTheBody_Is400AndTheActorIsAlwaysTheKeys()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        using var spoofed = await h.PostAsync("eve", "request-redeem", """{"actor":"alice","vault":"demo-mix","shares":"1"}""", "eve-spoof");

        Assert.Equal(HttpStatusCode.BadRequest, spoofed.StatusCode);
        var problem = JsonDocument.Parse(await spoofed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("$.actor", problem.GetProperty("member").GetString());
    }

    [Fact]
    public async Task CancellingAnotherInvestorsRequest_IsRefusedAndTheirEscrowStays()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        using var bobs = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"7000000"}""", "bob-req");
        var requestId = JsonDocument.Parse(await bobs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("events")[0].GetProperty("payload").GetProperty("request_id").GetInt64();

        using var eves = await h.PostAsync("eve", "cancel-request", $$"""{"vault":"demo-mix","request_id":{{requestId}}}""", "eve-cancel");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, eves.StatusCode);
        await h.SettledAsync();
        var bob = await h.GetJsonAsync("/api/accounts/bob");
        Assert.Equal("7000000", bob.GetProperty("escrowed").GetProperty("USD").GetString());
        Assert.Contains(bob.GetProperty("requests").EnumerateArray(), r => r.GetProperty("id").GetInt64() == requestId);
    }

    [Fact]
    public async Task Rebalance_AnyKeyMayAsk()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        using var response = await h.PostAsync("vic", "rebalance", """{"vault":"demo-mix"}""", "vic-rebalance");

        // Nothing reported yet, so the policy has nothing to act on: allowed (not 401/403), decided by the protocol.
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    [Theory]
    [InlineData("not json", "$")]
    [InlineData("[1,2]", "$")]
    [InlineData("""{"vault":"demo-mix","assets":1000}""", "$.assets")] // amounts are strings of digits
    [InlineData("""{"vault":"demo-mix","assets":"-5"}""", "$.assets")]
    [InlineData("""{"vault":"demo-mix","assets":"5","bonus":"1"}""", "$.bonus")]
    [InlineData("""{"vault":"demo-mix"}""", "$")] // assets missing
    [InlineData("""{"vault":null,"assets":"5"}""", "$.vault")]
    [InlineData("""{"id":"x","vault":"demo-mix","assets":"5"}""", "$.id")]
    public async Task MalformedBody_Is400NamingTheMember(string body, string member)
    {
        await using var h = await ServiceHarness.StartAsync(Backend, setUp: false);

        using var response = await h.PostAsync("bob", "request-deposit", body, "bad-body");

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("malformed-command", problem.GetProperty("code").GetString());
        Assert.StartsWith(member, problem.GetProperty("member").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingIdempotencyKey_Is400_UnknownCommand_Is404_OversizedBody_Is413()
    {
        await using var h = await ServiceHarness.StartAsync(Backend, setUp: false, maxBody: 1024);

        using var noKey = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"5"}""");
        using var unknown = await h.PostAsync("bob", "steal", "{}", "k");
        using var huge = await h.PostAsync("operator", "set-policy", $$"""{"vault":"demo-mix","policy":"p","text":"{{new string('x', 5000)}}"}""", "big");

        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Contains("Idempotency-Key", await noKey.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(0, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task CommandTime_IsTheSequencersClock()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        h.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(7));
        var expected = h.Clock.GetUtcNow();

        using var response = await h.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"5"}""", "bob-time");
        await h.SettledAsync();

        var journal = await h.GetJsonAsync($"/api/journal?from={h.Service.Writer.Head.Sequence}");
        var time = DateTimeOffset.Parse(journal.GetProperty("events")[0].GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, time);
    }
}

public sealed class SqliteCommandApiTests : CommandApiTests
{
    protected override Backend Backend => Backend.Sqlite;
}

public sealed class PostgresCommandApiTests : CommandApiTests
{
    protected override Backend Backend => Backend.Postgres;
}
