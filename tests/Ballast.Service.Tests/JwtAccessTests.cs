using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ballast.Service.Access;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ballast.Service.Tests;

/// <summary>How a request proves who it is.</summary>
public enum Scheme
{
    ApiKey,
    Jwt,
}

/// <summary>
/// JWT bearer tokens beside API keys: a token acts as its subject with the roles it names, and every access boundary
/// (401: no credential, expired, wrong signature, wrong audience or issuer, no expiry, no account; 403: missing role,
/// reporter of another vault, key creation by a non-operator; 400: naming another actor in the body) answers the same
/// for a token as for a key. Expiry is judged on the service's clock (a fake one here).
/// </summary>
public sealed class JwtAccessTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "ballast-test";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-test-signing-key-of-forty-bytes-long!!");
    private static readonly byte[] OtherKey = Encoding.UTF8.GetBytes("another-signing-key-of-forty-bytes-long!");

    /// <summary>The test accounts' roles, as the harness gives their API keys.</summary>
    private static readonly Dictionary<string, string[]> RolesOf = new(StringComparer.Ordinal)
    {
        ["operator"] = ["operator"],
        ["alice"] = ["investor", "voter"],
        ["bob"] = ["investor", "voter"],
        ["eve"] = ["investor"],
        ["vic"] = ["voter"],
    };

    private static Task<ServiceHarness> StartAsync() =>
        ServiceHarness.StartAsync(Backend.Sqlite, keeper: false, adjust: s => s with { Jwt = JwtSettings.Create(Key, Issuer, Audience) });

    /// <summary>A token signed with <paramref name="key"/> (default: the service's), valid for an hour from the harness clock's now.</summary>
    private static string Token(ServiceHarness h, string subject, string[] roles, string[]? reporterOf = null, byte[]? key = null, string audience = Audience, string issuer = Issuer, TimeSpan? lifetime = null, bool expires = true)
    {
        var now = h.Clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = subject, ["roles"] = roles };
        if (reporterOf is not null)
        {
            claims["reporter_of"] = reporterOf;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires ? now + (lifetime ?? TimeSpan.FromHours(1)) : null,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string Credential(ServiceHarness h, Scheme scheme, string account) =>
        scheme == Scheme.ApiKey ? ServiceHarness.KeyOf(account) : Token(h, account, RolesOf[account]);

    private static async Task<HttpResponseMessage> PostAsync(ServiceHarness h, string? credential, string command, string body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{command}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    [Fact]
    public async Task Token_ActsAsItsSubject_WithItsRoles()
    {
        await using var h = await StartAsync();

        using var whoami = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        whoami.Headers.Authorization = new("Bearer", Token(h, "carol", ["investor", "auditor"]));
        using var me = await h.Client.SendAsync(whoami, TestContext.Current.CancellationToken);
        using var deposit = await PostAsync(h, Token(h, "alice", ["investor"]), "request-deposit", """{"vault":"demo-mix","assets":"5000000"}""", "alice-jwt-1");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await ProblemAsync(me);
        Assert.Equal("carol", body.GetProperty("account").GetString());
        Assert.Equal(["investor"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString())); // unknown role names grant nothing
        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        await h.SettledAsync();
        var journal = await h.GetJsonAsync("/api/journal?from=1");
        var command = journal.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("command_id").GetString() == "alice-jwt-1" && e.GetProperty("type").GetString() == "command");
        Assert.Contains("\"actor\":\"alice\"", command.GetProperty("payload").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ExpiresOnTheServiceClock()
    {
        await using var h = await StartAsync();
        var token = Token(h, "alice", ["investor"], lifetime: TimeSpan.FromMinutes(10));

        using var before = await PostAsync(h, token, "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "exp-1");
        h.Clock.Advance(TimeSpan.FromMinutes(10) + JwtSettings.Create(Key, Issuer, Audience).ClockSkew + TimeSpan.FromSeconds(1));
        var head = h.Service.Writer.Head.Sequence;
        using var after = await PostAsync(h, token, "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "exp-2");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("expired", (await ProblemAsync(after)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Fact]
    public async Task BadTokens_Are401_AndNothingIsWritten()
    {
        await using var h = await StartAsync();
        var head = h.Service.Writer.Head.Sequence;
        var cases = new (string What, string? Credential, string Detail)[]
        {
            ("no credential", null, "send an API key or a JWT"),
            ("expired an hour ago", Token(h, "alice", ["investor"], lifetime: TimeSpan.FromHours(-1)), "expired"),
            ("signed with another key", Token(h, "alice", ["investor"], key: OtherKey), "signature"),
            ("for another audience", Token(h, "alice", ["investor"], audience: "someone-else"), "audience"),
            ("from another issuer", Token(h, "alice", ["investor"], issuer: "https://elsewhere.test"), "issuer"),
            ("without expiry", Token(h, "alice", ["investor"], expires: false), "expiry"),
            ("subject not an account", Token(h, "not an account!", ["investor"]), "not a valid account id"),
            ("signature cut off", string.Join('.', Token(h, "alice", ["investor"]).Split('.')[..2]) + ".", "signature"),
        };

        foreach (var (what, credential, detail) in cases)
        {
            using var response = await PostAsync(h, credential, "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "bad-" + what.Replace(' ', '-'));

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
            Assert.Contains(detail, (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(head, h.Service.Writer.Head.Sequence);
    }

    [Theory]
    [InlineData(Scheme.ApiKey)]
    [InlineData(Scheme.Jwt)]
    public async Task Boundaries_AnswerTheSame_ForKeysAndTokens(Scheme scheme)
    {
        await using var h = await StartAsync();
        var narrowReporter = scheme == Scheme.ApiKey ? "key-narrow" : Token(h, "reporter", ["reporter"], reporterOf: [h.Children[0]]);
        h.Service.Keys.Add(ApiKeyRing.Hash("key-narrow"), new ApiPrincipal(new Accounting.AccountId("reporter"), new HashSet<Role> { Role.Reporter }, new HashSet<string>(StringComparer.Ordinal) { h.Children[0] }));
        var head = h.Service.Writer.Head.Sequence;
        var cases = new (string What, string Credential, string Command, string Body, HttpStatusCode Status, string Detail)[]
        {
            ("an investor is no operator", Credential(h, scheme, "alice"), "create-asset", """{"symbol":"EUR","decimals":2}""", HttpStatusCode.Forbidden, "operator role"),
            ("an investor is no reporter", Credential(h, scheme, "eve"), "report-nav", $$"""{"vault":"{{h.Children[0]}}","total_assets":"1"}""", HttpStatusCode.Forbidden, "reporter role"),
            ("a voter is no investor", Credential(h, scheme, "vic"), "request-deposit", """{"vault":"demo-mix","assets":"1"}""", HttpStatusCode.Forbidden, "investor role"),
            ("an investor is no voter", Credential(h, scheme, "eve"), "create-lock", """{"amount":"1","unlock_time":1}""", HttpStatusCode.Forbidden, "voter role"),
            ("an operator is no investor", Credential(h, scheme, "operator"), "request-redeem", """{"vault":"demo-mix","shares":"1"}""", HttpStatusCode.Forbidden, "investor role"),
            ("a reporter of another vault", narrowReporter, "report-nav", $$"""{"vault":"{{h.Children[1]}}","total_assets":"1"}""", HttpStatusCode.Forbidden, $"may report the NAV of {h.Children[0]} only"),
            ("acting as another account", Credential(h, scheme, "eve"), "request-redeem", """{"actor":"alice","vault":"demo-mix","shares":"1"}""", HttpStatusCode.BadRequest, "actor"),
        };

        foreach (var (what, credential, command, body, status, detail) in cases)
        {
            using var response = await PostAsync(h, credential, command, body, $"{scheme}-{what.Replace(' ', '-')}");

            var problem = await ProblemAsync(response);
            Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {problem}");
            Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(head, h.Service.Writer.Head.Sequence);

        // The same idempotency key from another account is a conflict, and the first command's outcome is not revealed.
        using var alices = await PostAsync(h, Credential(h, scheme, "alice"), "request-deposit", """{"vault":"demo-mix","assets":"2000000"}""", $"{scheme}-shared-key");
        using var bobs = await PostAsync(h, Credential(h, scheme, "bob"), "request-deposit", """{"vault":"demo-mix","assets":"2000000"}""", $"{scheme}-shared-key");
        Assert.Equal(HttpStatusCode.OK, alices.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, bobs.StatusCode);
        var afterAlice = h.Service.Writer.Head.Sequence;

        // Keys: only an operator creates them.
        using var byInvestor = await CreateKeyAsync(h, Credential(h, scheme, "alice"));
        using var byOperator = await CreateKeyAsync(h, Credential(h, scheme, "operator"));
        Assert.Equal(HttpStatusCode.Forbidden, byInvestor.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byOperator.StatusCode);
        Assert.Equal(afterAlice, h.Service.Writer.Head.Sequence);
    }

    private static async Task<HttpResponseMessage> CreateKeyAsync(ServiceHarness h, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { account = "carol", roles = new[] { "investor" } }) };
        request.Headers.Authorization = new("Bearer", credential);
        return await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
