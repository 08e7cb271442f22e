using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ballast.Cli.Commands;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Service;
using Ballast.Service.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// <c>ballast verify URL</c> against a real service on a loopback port (Kestrel, port 0): the export re-derives to
/// the published head; <c>--expect-head</c> passes for a head still in the journal and fails for a rewritten or
/// missing one; a proxy that alters one event is caught at that event; an unreachable address, HTTP errors and an
/// address that is not a service get clear messages and exit codes.
/// </summary>
public sealed class VerifyUrlTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private BallastService _service = null!;
    private IReadOnlyList<DemoAccount> _accounts = [];
    private string _url = "";

    public async ValueTask InitializeAsync()
    {
        var settings = new ServiceSettings { Journal = "sqlite:" + _dir.File("journal.db"), Urls = ["http://127.0.0.1:0"], Keeper = false };
        _service = await BallastService.CreateAsync(settings, TimeProvider.System, cancellationToken: TestContext.Current.CancellationToken);
        await _service.App.StartAsync(TestContext.Current.CancellationToken);
        _accounts = await DemoSetup.SetUpAsync(_service.Writer, DemoSetup.LoadScenario(), _service.Keys, TestContext.Current.CancellationToken);
        await SettledAsync();
        _url = _service.Addresses[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _service.App.StopAsync(CancellationToken.None);
        await _service.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Verify_Url_RederivesThePublishedHead()
    {
        var head = await PublishedHeadAsync();

        var result = await VerifyAsync(_url);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("verified: ", result.Out, StringComparison.Ordinal);
        Assert.Contains($"head: {head}", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectHead_PassesForAHeadStillInTheJournal_FailsForARewrittenOrMissingOne()
    {
        var earlier = await PublishedHeadAsync();
        await DepositAsync("alice-more-1");
        var now = await PublishedHeadAsync();
        var sequence = long.Parse(earlier.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        var wrongHash = new string('0', 64);

        var atEarlier = await VerifyAsync(_url, "--expect-head", earlier);
        var atNow = await VerifyAsync(_url, "--expect-head", now);
        var rewritten = await VerifyAsync(_url, "--expect-head", $"{sequence}:{wrongHash}");
        var beyond = await VerifyAsync(_url, "--expect-head", $"{sequence + 1000}:{wrongHash}");
        var bareOldHash = await VerifyAsync(_url, "--expect-head", earlier.Split(':')[1]);
        var malformed = await VerifyAsync(_url, "--expect-head", "12:zz");

        Assert.NotEqual(earlier, now);
        Assert.True(atEarlier.ExitCode == 0, atEarlier.Error);
        Assert.True(atNow.ExitCode == 0, atNow.Error);
        Assert.Equal(2, rewritten.ExitCode);
        Assert.Contains($"event {sequence} has the hash", rewritten.Error, StringComparison.Ordinal);
        Assert.Equal(2, beyond.ExitCode);
        Assert.Contains("before the expected head", beyond.Error, StringComparison.Ordinal);
        Assert.Equal(2, bareOldHash.ExitCode); // a bare hash must be the head itself
        Assert.Contains("not at the expected head", bareOldHash.Error, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("--expect-head", malformed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExportWithOneAlteredEvent_FailsAtThatEvent()
    {
        // The event holding alice's first deposit request of 250,000 USD (6 decimals): its amount is raised in transit.
        using var client = new HttpClient();
        var export = JsonDocument.Parse(await client.GetStringAsync(new Uri(new Uri(_url), "/api/journal?from=1"), TestContext.Current.CancellationToken)).RootElement;
        var altered = export.GetProperty("events").EnumerateArray().First(e => e.GetProperty("payload").GetString()!.Contains("\"250000000000\"", StringComparison.Ordinal)).GetProperty("sequence").GetInt64();
        await using var proxy = await Proxy.StartAsync(_url, (path, text) => path == "/api/journal" ? Alter(text, altered) : text);

        var result = await VerifyAsync(proxy.Url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"verification FAILED at event {altered}", result.Error, StringComparison.Ordinal);
        var direct = await VerifyAsync(_url);
        Assert.True(direct.ExitCode == 0, direct.Error);
    }

    [Fact]
    public async Task AnExportWithAnEventLeftOut_FailsAtTheMissingEvent()
    {
        await using var proxy = await Proxy.StartAsync(_url, (path, text) => path == "/api/journal" ? Drop(text, 3) : text);

        var result = await VerifyAsync(proxy.Url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("verification FAILED at event 3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_HttpErrors_AndNotAService_HaveClearExits()
    {
        var closed = FreePort();
        await using var failing = await Proxy.StartAsync(_url, (path, text) => path == "/api/journal" ? null : text);

        var unreachable = await VerifyAsync($"http://127.0.0.1:{closed}");
        var serverError = await VerifyAsync(failing.Url);
        var notAService = await VerifyAsync(_url.TrimEnd('/') + "/nothing-here/");

        Assert.Equal(Program.JournalBusy, unreachable.ExitCode);
        Assert.Contains($"cannot reach the service at http://127.0.0.1:{closed}/", unreachable.Error, StringComparison.Ordinal);
        Assert.Equal(Program.JournalBusy, serverError.ExitCode);
        Assert.Contains("answered 500", serverError.Error, StringComparison.Ordinal);
        Assert.Equal(Program.BadInput, notAService.ExitCode);
        Assert.Contains("answered 404", notAService.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmallPages_StreamTheSameJournal()
    {
        using var remote = new RemoteJournal(new Uri(_url), pageSize: 7);
        var head = await remote.PublishedHeadAsync(TestContext.Current.CancellationToken);
        var pages = (head.Sequence + 6) / 7;

        var report = await JournalReplay.VerifyAsync(remote.ReadAsync(TestContext.Current.CancellationToken), new ProtocolEngine(SpecPolicyCompiler.Instance, new DataEvidenceVerifier()), TestContext.Current.CancellationToken);

        Assert.Null(report.Discrepancy);
        Assert.Equal(head, report.Head);
        Assert.Equal(head.Sequence, report.EventsChecked);
        Assert.True(pages > 3, $"the journal should span several pages of 7, has {head.Sequence} events");
    }

    private static Task<CliResult> VerifyAsync(params string[] args) => Task.Run(() => CliRunner.Run(["verify", .. args]));

    private async Task<string> PublishedHeadAsync()
    {
        await SettledAsync();
        using var client = new HttpClient();
        var head = JsonDocument.Parse(await client.GetStringAsync(new Uri(new Uri(_url), "/api/head"), TestContext.Current.CancellationToken)).RootElement;
        return $"{head.GetProperty("sequence").GetInt64()}:{head.GetProperty("hash").GetString()}";
    }

    private async Task SettledAsync() =>
        await _service.Projector.Published.WaitBeyondAsync(_service.Writer.Head.Sequence - 1, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    private async Task DepositAsync(string idempotencyKey)
    {
        using var client = new HttpClient { BaseAddress = new Uri(_url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/request-deposit") { Content = new StringContent("""{"vault":"demo-mix","assets":"1000000"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accounts.Single(a => a.Account == "alice").Key);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Alter(string page, long sequence)
    {
        var root = JsonNode.Parse(page)!;
        foreach (var e in root["events"]!.AsArray())
        {
            if (e!["sequence"]!.GetValue<long>() == sequence)
            {
                e["payload"] = e["payload"]!.GetValue<string>().Replace("\"250000000000\"", "\"350000000000\"", StringComparison.Ordinal);
            }
        }

        return root.ToJsonString();
    }

    private static string Drop(string page, long sequence)
    {
        var root = JsonNode.Parse(page)!;
        var events = root["events"]!.AsArray();
        var dropped = events.FirstOrDefault(e => e!["sequence"]!.GetValue<long>() == sequence);
        if (dropped is not null)
        {
            events.Remove(dropped);
        }

        return root.ToJsonString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A loopback HTTP proxy to the service that passes each GET's body through a rewrite (null: answer 500).</summary>
    private sealed class Proxy : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _upstream;

        private Proxy(WebApplication app, HttpClient upstream, string url)
        {
            _app = app;
            _upstream = upstream;
            Url = url;
        }

        public string Url { get; }

        public static async Task<Proxy> StartAsync(string target, Func<string, string, string?> rewrite)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var upstream = new HttpClient { BaseAddress = new Uri(target) };
            app.MapGet("/{**path}", async (HttpContext context) =>
            {
                var text = await upstream.GetStringAsync(context.Request.Path + context.Request.QueryString, context.RequestAborted);
                var rewritten = rewrite(context.Request.Path, text);
                context.Response.StatusCode = rewritten is null ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(rewritten ?? """{"title":"broken"}""", context.RequestAborted);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var url = app.Urls.First();
            return new Proxy(app, upstream, url);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _upstream.Dispose();
        }
    }
}
