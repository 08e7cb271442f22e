using System.Net.Http.Headers;
using System.Text;
using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Service;
using Ballast.Io.Protocol;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// The service on a real loopback port (Kestrel, port picked by the system) over a fresh SQLite journal, its clock a
/// <see cref="FakeTimeProvider"/>, set up with the demo's vaults (sim-demo.yaml: five children, composed vault
/// demo-mix) and known keys ("key-" + account) for operator, issuer, reporter, alice and bob.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    public const string Composed = "demo-mix";
    public static readonly DateTimeOffset Start = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir;

    private DashboardServer(BallastService service, FakeTimeProvider clock, string dir, Uri address)
    {
        Service = service;
        Clock = clock;
        _dir = dir;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public BallastService Service { get; }

    public FakeTimeProvider Clock { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IReadOnlyList<string> Children { get; private set; } = [];

    public string Dir => _dir;

    public static string KeyOf(string account) => "key-" + account;

    /// <summary>Starts a service; <paramref name="evidenceData"/> files are known to its evidence verifier.</summary>
    public static async Task<DashboardServer> StartAsync(bool keeper = true, Func<string, IReadOnlyList<string>>? evidenceData = null)
    {
        var dir = Directory.CreateTempSubdirectory("ballast-dashboard-").FullName;
        var clock = new FakeTimeProvider(Start);
        var settings = new ServiceSettings
        {
            Journal = "sqlite:" + Path.Combine(dir, "journal.db"),
            Urls = ["http://127.0.0.1:0"],
            Keeper = keeper,
            KeeperInterval = TimeSpan.FromHours(1),
            EvidenceData = evidenceData?.Invoke(dir) ?? [],
        };
        var service = await BallastService.CreateAsync(settings, clock, cancellationToken: TestContext.Current.CancellationToken);
        await service.App.StartAsync(TestContext.Current.CancellationToken);
        await service.Projector.WhenReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var server = new DashboardServer(service, clock, dir, new Uri(service.Addresses[0].Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        var children = DemoSetup.LoadScenario().Prices.Names;
        server.Children = children;
        void Add(string account, Role[] roles, IEnumerable<string> reporterOf) =>
            service.Keys.Add(ApiKeyRing.Hash(KeyOf(account)), new ApiPrincipal(new AccountId(account), roles.ToHashSet(), reporterOf.ToHashSet(StringComparer.Ordinal)));
        Add("operator", [Role.Operator], []);
        Add("issuer", [Role.Operator], []);
        Add("reporter", [Role.Reporter], children);
        Add("alice", [Role.Investor, Role.Voter], []);
        Add("bob", [Role.Investor, Role.Voter], []);
        await DemoSetup.SetUpAsync(service.Writer, DemoSetup.LoadScenario(), service.Keys, TestContext.Current.CancellationToken);
        await server.SettledAsync();
        return server;
    }

    public async Task<HttpResponseMessage> PostAsync(string account, string command, string body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{command}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyOf(account));
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Each child reports its NAV moved by its ratio, a protocol day after the last report; then the read model
    /// catches up. Each report starts from the child's NAV as the writer has it just then (the keeper may have
    /// rebalanced between two reports).
    /// </summary>
    public async Task ReportAllAsync(Func<int, double> ratioOf, string idPrefix)
    {
        Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < Children.Count; i++)
        {
            var child = Children[i];
            var nav = UInt128.Zero;
            await Service.Writer.RunPlanAsync((state, _) =>
            {
                nav = state.SimpleVaults[new VaultId(child)].Vault.TotalAssets;
                return [];
            }, TestContext.Current.CancellationToken);
            var reported = SimRunner.ScaledNav(nav, ratioOf(i))!.Value;
            using var response = await PostAsync("reporter", "report-nav", $$"""{"vault":"{{child}}","total_assets":"{{reported}}"}""", $"{idPrefix}-{child}");
            Assert.True(response.IsSuccessStatusCode, $"report {child}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        await SettledAsync();
    }

    /// <summary>Runs one keeper round on the writer (as the keeper service does), then waits for the read model.</summary>
    public async Task KeeperRoundAsync()
    {
        await Service.Writer.RunPlanAsync((state, head) => Ballast.Service.Keeping.KeeperService.Round(state, head, Clock.GetUtcNow()), TestContext.Current.CancellationToken);
        await SettledAsync();
    }

    /// <summary>Waits until the read model includes everything the writer has committed.</summary>
    public async Task SettledAsync()
    {
        var head = Service.Writer.Head.Sequence;
        await Service.Projector.Published.WaitBeyondAsync(head - 1, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Service.App.StopAsync(CancellationToken.None);
        await Service.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
