using System.Text.Json;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Ballast.Service.Endpoints;
using Ballast.Service.Keeping;
using Ballast.Service.Projection;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service;

/// <summary>
/// One <c>ballast serve</c> process: the sequencer (the journal's single writer) behind the <see cref="CommandWriter"/>,
/// the <see cref="Projector"/> keeping the read model, the <see cref="KeeperService"/> (unless switched off), the demo
/// reporter in demo mode, and the HTTP API. Built by <see cref="CreateAsync"/>; run with <see cref="App"/>.
/// See docs/service.md.
/// </summary>
public sealed class BallastService : IAsyncDisposable
{
    private readonly IJournalStore _writerStore;
    private readonly IJournalStore _readerStore;

    private BallastService(WebApplication app, IJournalStore writerStore, IJournalStore readerStore, IReadOnlyList<DemoAccount> demoAccounts)
    {
        App = app;
        _writerStore = writerStore;
        _readerStore = readerStore;
        DemoAccounts = demoAccounts;
    }

    /// <summary>The web application (start it, or run it until shutdown).</summary>
    public WebApplication App { get; }

    /// <summary>The API keys.</summary>
    public ApiKeyRing Keys => App.Services.GetRequiredService<ApiKeyRing>();

    /// <summary>The single writer.</summary>
    public CommandWriter Writer => App.Services.GetRequiredService<CommandWriter>();

    /// <summary>The read side.</summary>
    public Projector Projector => App.Services.GetRequiredService<Projector>();

    /// <summary>The keeper, or null when switched off.</summary>
    public KeeperService? Keeper => App.Services.GetService<KeeperService>();

    /// <summary>The demo accounts and their keys (demo mode only; empty otherwise).</summary>
    public IReadOnlyList<DemoAccount> DemoAccounts { get; }

    /// <summary>The addresses the server listens on, once started.</summary>
    public IReadOnlyList<string> Addresses => [.. App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>
    /// Opens the journal (replaying it), loads the keys file, sets the demo up in demo mode, and builds the
    /// application. <paramref name="clock"/> is the sequencer's (and the keeper's timer's) time;
    /// <paramref name="configure"/> lets a host or a test adjust the builder (e.g. a test server).
    /// </summary>
    /// <exception cref="BallastInputException">The keys file is wrong, or the demo's journal is not empty.</exception>
    public static async Task<BallastService> CreateAsync(ServiceSettings settings, TimeProvider clock, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        var keys = new ApiKeyRing();
        if (settings.KeysFile is { } keysFile)
        {
            KeysFile.Load(keysFile, keys); // checked before the journal is opened (or created)
        }

        Scenario? demo = settings.Demo ? DemoSetup.LoadScenario() : null;
        var writerStore = JournalStores.Open(settings.Journal, settings.SqliteSynchronous);
        IJournalStore? readerStore = null;
        var authClock = clock; // tokens expire on real (or the test's) time, not the demo's fast clock
        try
        {
            // Keys an operator created over HTTP (the keys file's win for the same hash).
            if (writerStore is IApiKeyStore storedKeys)
            {
                await StoredKeys.LoadAsync(storedKeys, keys, cancellationToken).ConfigureAwait(false);
            }

            var local = settings.Submitter is null; // false: a cluster silo, commands go to the deployment's sequencer elsewhere
            if (demo is not null && local)
            {
                if ((await writerStore.HeadAsync(cancellationToken).ConfigureAwait(false)).Sequence != 0)
                {
                    throw new BallastInputException("the demo starts on an empty journal; give a new --db file (or none: a temporary one)");
                }

                clock = new AcceleratedClock(new DateTimeOffset(demo.Prices.Dates[0].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), 86_400, clock);
            }

            readerStore = JournalStores.Open(settings.Journal);
            var evidence = new DataEvidenceVerifier();
            foreach (var file in settings.EvidenceData)
            {
                evidence.Register(file);
            }

            var engine = new ProtocolEngine(SpecPolicyCompiler.Instance, evidence);
            var sequencer = local ? await ProtocolSequencer.OpenAsync(writerStore, engine, clock, cancellationToken).ConfigureAwait(false) : null;

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(BallastService).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
            if (settings.Urls.Count > 0)
            {
                builder.WebHost.UseUrls([.. settings.Urls]);
            }

            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = (long)settings.MaxBodyBytes * 2);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
            builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblems.Complete);
            builder.Services.AddOpenApi();
            builder.Services.ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                o.SerializerOptions.DictionaryKeyPolicy = null;
            });
            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton(keys);
            AddAuthentication(builder, writerStore, settings.Jwt, authClock);
            builder.Services.AddSingleton(clock);
            builder.Services.AddSingleton(new JournalSignal());
            builder.Services.AddSingleton(new ReadStore(readerStore));
            builder.Services.AddSingleton(evidence);
            builder.Services.AddSingleton<ReadResponses>();
            builder.Services.AddSingleton(new RebalanceVerifications(readerStore, evidence));
            builder.AddBallastTelemetry();
            if (sequencer is not null)
            {
                builder.Services.AddSingleton(sp => new CommandWriter(sequencer, sp.GetRequiredService<JournalSignal>(), sp.GetRequiredService<ILogger<CommandWriter>>(), sp.GetRequiredService<ServiceMetrics>(), settings.MaxBatch, writerStore as IRefusalStore));
                builder.Services.AddHostedService(sp => sp.GetRequiredService<CommandWriter>());
                builder.Services.AddSingleton<ICommandSubmitter>(sp => sp.GetRequiredService<CommandWriter>());
            }
            else
            {
                builder.Services.AddSingleton(settings.Submitter!);
                if (settings.JournalFollower is { } follower)
                {
                    builder.Services.AddSingleton(sp => follower(sp, sp.GetRequiredService<JournalSignal>()));
                }
            }

            var projectionTables = local ? ProjectionTables.Of(readerStore) : null;
            builder.Services.AddSingleton(sp => new Projector(readerStore, sp.GetRequiredService<JournalSignal>(), new ProjectionBuilder(KeeperService.Account), sp.GetRequiredService<ILogger<Projector>>(),
                projectionTables is null ? null : new ReadModelStore(projectionTables, readerStore), settings.ReadModelSaveInterval));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Projector>());
            if (settings.Keeper && local)
            {
                builder.Services.AddSingleton(sp => new KeeperService(sp.GetRequiredService<CommandWriter>(), clock, sp.GetRequiredService<ILogger<KeeperService>>(), settings.KeeperInterval, sp.GetRequiredService<ServiceMetrics>()));
                builder.Services.AddHostedService(sp => sp.GetRequiredService<KeeperService>());
            }

            configure?.Invoke(builder);
            var app = builder.Build();
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.MapOpenApi();
            MapHealth(app);
            CommandEndpoints.Map(app, settings);
            ReadEndpoints.Map(app);
            JournalEndpoints.Map(app);
            DashboardEndpoints.Map(app);

            IReadOnlyList<DemoAccount> accounts = [];
            if (demo is not null && local)
            {
                var writer = app.Services.GetRequiredService<CommandWriter>();
                await writer.StartAsync(cancellationToken).ConfigureAwait(false);
                accounts = await DemoSetup.SetUpAsync(writer, demo, keys, cancellationToken).ConfigureAwait(false);
                var reporter = new DemoReporter(writer, demo, TimeProvider.System, settings.DemoReportPeriod);
                app.Lifetime.ApplicationStarted.Register(() => _ = reporter.StartAsync(app.Lifetime.ApplicationStopping));
                app.Lifetime.ApplicationStopping.Register(() => reporter.StopAsync(CancellationToken.None).GetAwaiter().GetResult());
            }

            return new BallastService(app, writerStore, readerStore, accounts);
        }
        catch
        {
            writerStore.Dispose();
            readerStore?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync().ConfigureAwait(false);
        _writerStore.Dispose();
        _readerStore.Dispose();
    }

    /// <summary>Where operator-created keys are stored (the journal's database), and the JwtBearer handler when tokens are configured.</summary>
    private static void AddAuthentication(WebApplicationBuilder builder, IJournalStore writerStore, JwtSettings? jwt, TimeProvider clock)
    {
        if (writerStore is IApiKeyStore keyStore)
        {
            builder.Services.AddSingleton(keyStore);
        }

        if (jwt is not null)
        {
            builder.Services.AddSingleton(jwt);
            builder.Services.AddAuthentication().AddJwtBearer(JwtAccess.Scheme, o => JwtAccess.Configure(o, jwt, clock));
        }
    }

    private static void MapHealth(WebApplication app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new { status = "alive" })).WithName("Health").WithSummary("Liveness: the process answers.");
        app.MapGet("/health/ready", (Projector projector, IServiceProvider services) => projector.Ready
                ? Results.Ok(new { status = "ready", head = projector.Current.Head.Sequence, writer_head = services.GetService<CommandWriter>()?.Head.Sequence })
                : Results.Json(new { status = "starting", head = projector.Current.Head.Sequence }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready").WithSummary("Readiness: the read model has caught up with the journal as it was at start.");
    }
}
