using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ballast.Service.Access;

namespace Ballast.Service.Tests;

/// <summary>Keys and roles: the permission table covers every protocol command, keys files are checked by member, keys are kept hashed, and the key endpoints answer 401/403.</summary>
public sealed class AccessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ballast-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Permissions_NameEveryProtocolCommand()
    {
        Assert.Equal(CommandNames.All.Order(StringComparer.Ordinal), CommandPermissions.CommandNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KeysFile_Loads_AndKeepsOnlyHashes()
    {
        var ring = new ApiKeyRing();
        var text = $$"""
            {"keys": [
              {"account": "alice", "sha256": "{{ApiKeyRing.Hash("alice-secret")}}", "roles": ["investor", "voter"]},
              {"account": "rep", "sha256": "{{ApiKeyRing.Hash("rep-secret")}}", "roles": ["reporter"], "reporter_of": ["equity"]}
            ]}
            """;

        Assert.Equal(2, KeysFile.Parse(text, "keys.json", ring));

        Assert.Equal("alice", ring.Find("alice-secret")!.Account.Value);
        Assert.True(ring.Find("rep-secret")!.ReporterOf.SetEquals(["equity"]));
        Assert.Null(ring.Find("alice-secre"));
        Assert.Null(ring.Find(ApiKeyRing.Hash("alice-secret"))); // the hash itself is not a key
    }

    [Theory]
    [InlineData("""{"keys": [{"account": "a", "sha256": "zz", "roles": ["investor"]}]}""", "keys[0].sha256")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": ["king"]}]}""", "keys[0].roles[0]")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": []}]}""", "keys[0].roles")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": ["reporter"]}]}""", "keys[0].reporter_of")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": ["investor"], "reporter_of": ["x"]}]}""", "keys[0].reporter_of")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": ["investor"], "role": "x"}]}""", "keys[0].role")]
    [InlineData("""{"keys": [{"account": "", "sha256": "HASH", "roles": ["investor"]}]}""", "keys[0].account")]
    [InlineData("""{"keys": [{"account": "a", "sha256": "HASH", "roles": ["1"]}]}""", "keys[0].roles[0]")]
    [InlineData("""{"key": []}""", "keys")]
    public void KeysFile_Mistakes_NameTheMember(string text, string member)
    {
        var error = Assert.Throws<BallastInputException>(() => KeysFile.Parse(text.Replace("HASH", ApiKeyRing.Hash("k"), StringComparison.Ordinal), "keys.json", new ApiKeyRing()));

        Assert.Contains($"keys.json: {member}", error.Message.Replace(" (", ": ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void KeysFile_NotJson_NamesTheLine()
    {
        var path = Path.Combine(_dir, "keys.json");
        File.WriteAllText(path, "{\n  \"keys\": [,]\n}");

        var error = Assert.Throws<BallastInputException>(() => KeysFile.Load(path, new ApiKeyRing()));

        Assert.Contains("keys.json:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateKey_ByOperator_GivesAWorkingKeyOnce_Others_Get401Or403()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite);

        using var anonymous = await h.Client.PostAsJsonAsync("/api/keys", new { account = "carol", roles = new[] { "investor" } }, TestContext.Current.CancellationToken);
        using var investor = await Send(h, "alice", new { account = "carol", roles = new[] { "investor" } });
        using var created = await Send(h, "operator", new { account = "carol", roles = new[] { "investor" } });
        using var badRole = await Send(h, "operator", new { account = "carol", roles = new[] { "king" } });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, investor.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var key = body.GetProperty("key").GetString()!;
        Assert.Equal(ApiKeyRing.Hash(key), body.GetProperty("sha256").GetString());
        using var whoami = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        whoami.Headers.Authorization = new("Bearer", key);
        using var me = await h.Client.SendAsync(whoami, TestContext.Current.CancellationToken);
        Assert.Contains("\"account\":\"carol\"", await me.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var anonymousWhoami = await h.Client.GetAsync("/api/whoami", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousWhoami.StatusCode);
    }

    private static async Task<HttpResponseMessage> Send(ServiceHarness h, string account, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", ServiceHarness.KeyOf(account));
        return await h.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
