using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ballast.Accounting;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Ballast.Service.Projection;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ballast.Service.Tests;

/// <summary>Where a test's journal lives.</summary>
public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A service on a test server over a fresh journal (a SQLite file in a temporary folder, or a PostgreSQL schema of
/// the server named by BALLAST_TEST_POSTGRES), its clock a <see cref="FakeTimeProvider"/>, set up with the demo's
/// vaults (sim-demo.yaml: five children, composed vault demo-mix, USD with 6 decimals) and known keys for
/// operator, issuer, reporter, alice, bob (investor and voter), eve (investor only) and vic (voter only).
/// </summary>
internal sealed class ServiceHarness : IAsyncDisposable
{
    public const string PostgresVariable = "BALLAST_TEST_POSTGRES";
    public static readonly DateTimeOffset Start = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir;
    private readonly string? _schema;

    private ServiceHarness(BallastService service, FakeTimeProvider clock, string dir, string? schema, string journal)
    {
        Service = service;
        Clock = clock;
        _dir = dir;
        _schema = schema;
        Journal = journal;
        Client = service.App.GetTestClient();
    }

    public BallastService Service { get; }

    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public string Journal { get; }

    public IReadOnlyList<string> Children { get; private set; } = [];

    public const string Composed = "demo-mix";

    public static string? PostgresConnection => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static void SkipUnlessAvailable(Backend backend) =>
        Assert.SkipWhen(backend == Backend.Postgres && PostgresConnection is null,
            $"{PostgresVariable} is not set: the PostgreSQL service tests need a server (run `source .ci/postgres.sh` first; .ci/run does)");

    /// <summary>A new journal location for <paramref name="backend"/> (a file under <paramref name="dir"/>, or a new schema).</summary>
    public static (string Location, string? Schema) NewJournal(Backend backend, string dir)
    {
        if (backend == Backend.Sqlite)
        {
            return ("sqlite:" + Path.Combine(dir, "journal.db"), null);
        }

        var schema = "service_test_" + Guid.NewGuid().ToString("N");
        return ($"postgres:{PostgresConnection};Search Path={schema}", schema);
    }

    public static async Task<ServiceHarness> StartAsync(Backend backend, bool keeper = true, bool setUp = true, string? journal = null, string? dir = null, string? schema = null, int maxBody = 1 << 20, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null, Func<ServiceSettings, ServiceSettings>? adjust = null)
    {
        SkipUnlessAvailable(backend);
        dir ??= Directory.CreateTempSubdirectory("ballast-service-").FullName;
        if (journal is null)
        {
            (journal, schema) = NewJournal(backend, dir);
        }

        var clock = new FakeTimeProvider(Start);
        var settings = new ServiceSettings { Journal = journal, Keeper = keeper, KeeperInterval = TimeSpan.FromHours(1), MaxBodyBytes = maxBody };
        settings = adjust?.Invoke(settings) ?? settings;
        var service = await BallastService.CreateAsync(settings, clock, b =>
        {
            b.WebHost.UseTestServer();
            configure?.Invoke(b);
        }, TestContext.Current.CancellationToken);
        await service.App.StartAsync(TestContext.Current.CancellationToken);
        await service.Projector.WhenReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var harness = new ServiceHarness(service, clock, dir, schema, journal);
        harness.RegisterKeys();
        var scenario = DemoSetup.LoadScenario();
        harness.Children = scenario.Prices.Names;
        if (setUp)
        {
            await DemoSetup.SetUpAsync(service.Writer, scenario, service.Keys, TestContext.Current.CancellationToken);
            await harness.SettledAsync();
        }

        return harness;
    }

    /// <summary>The key of each test account: "key-" + account.</summary>
    public static string KeyOf(string account) => "key-" + account;

    private void RegisterKeys()
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        var children = DemoSetup.LoadScenario().Prices.Names.ToHashSet(StringComparer.Ordinal);
        void Add(string account, Role[] roles, HashSet<string> reporterOf) =>
            Service.Keys.Add(ApiKeyRing.Hash(KeyOf(account)), new ApiPrincipal(new AccountId(account), roles.ToHashSet(), reporterOf));
        Add("operator", [Role.Operator], none);
        Add("issuer", [Role.Operator], none);
        Add("reporter", [Role.Reporter], children);
        Add("alice", [Role.Investor, Role.Voter], none);
        Add("bob", [Role.Investor, Role.Voter], none);
        Add("eve", [Role.Investor], none);
        Add("vic", [Role.Voter], none);
    }

    public async Task<HttpResponseMessage> PostAsync(string? account, string command, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/commands/{command}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (account is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyOf(account));
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every child reports its NAV moved by <paramref name="ratio"/>, a protocol day after the last report.</summary>
    public Task ReportAllAsync(double ratio, string idPrefix) => ReportAllAsync(_ => ratio, idPrefix);

    /// <summary>Each child (by index) reports its NAV moved by its ratio, a protocol day after the last report.</summary>
    public async Task ReportAllAsync(Func<int, double> ratioOf, string idPrefix)
    {
        Clock.Advance(TimeSpan.FromDays(1));
        // The NAVs as the writer has them now (the read model may be a batch behind).
        var navs = new Dictionary<string, UInt128>(StringComparer.Ordinal);
        await Service.Writer.RunPlanAsync((state, _) =>
        {
            foreach (var child in Children)
            {
                navs[child] = state.SimpleVaults[new Ballast.Protocol.VaultId(child)].Vault.TotalAssets;
            }

            return [];
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < Children.Count; i++)
        {
            var child = Children[i];
            var reported = Ballast.Io.Protocol.SimRunner.ScaledNav(navs[child], ratioOf(i))!.Value;
            using var response = await PostAsync("reporter", "report-nav", $$"""{"vault":"{{child}}","total_assets":"{{reported}}"}""", $"{idPrefix}-{child}");
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"report {child}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        await SettledAsync();
    }

    /// <summary>Runs one keeper round on the writer (as the keeper service would), for tests with the keeper switched off.</summary>
    public async Task KeeperRoundAsync()
    {
        await Service.Writer.RunPlanAsync((state, head) => Keeping.KeeperService.Round(state, head, Clock.GetUtcNow()), TestContext.Current.CancellationToken);
        await SettledAsync();
    }

    /// <summary>Waits until the read model includes everything the writer has committed.</summary>
    public async Task SettledAsync()
    {
        var head = Service.Writer.Head.Sequence;
        await Service.Projector.Published.WaitBeyondAsync(head - 1, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds on the read model.</summary>
    public async Task<ReadModel> EventuallyAsync(Func<ReadModel, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var model = Service.Projector.Current;
            if (condition(model))
            {
                return model;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"timed out waiting for {what}");
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Service.App.StopAsync(CancellationToken.None);
        await Service.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_schema is not null && PostgresConnection is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresConnection);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops this service without deleting its journal (to reopen it).</summary>
    public async Task StopKeepingJournalAsync()
    {
        Client.Dispose();
        await Service.App.StopAsync(CancellationToken.None);
        await Service.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public string Dir => _dir;

    public string? Schema => _schema;
}
