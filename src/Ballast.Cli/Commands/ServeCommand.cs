using System.CommandLine;
using Ballast.Cluster.Serving;
using Ballast.Service;
using Ballast.Service.Access;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast serve</c>: the live protocol as an HTTP service (docs/service.md). <c>--db</c> names the journal;
/// <c>--demo</c> starts on a fresh SQLite journal with the demo's vaults, reporter and accounts, and prints their keys.
/// Runs until Ctrl+C or SIGTERM, then finishes the batch in flight and stops.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string?>("--db") { Description = "Journal: sqlite:FILE or postgres:CONNSTR (required unless --demo; with --demo it must be new or empty, default a temporary file)." };
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5080 (port 0: any free port; default http://localhost:5000).", AllowMultipleArgumentsPerToken = true };
        var keys = new Option<string?>("--keys") { Description = "Keys file (JSON: account, sha256 of the key, roles, reporter_of); see docs/service.md." };
        var noKeeper = new Option<bool>("--no-keeper") { Description = "Do not run the built-in keeper (for deployments with external keepers)." };
        var keeperInterval = new Option<double>("--keeper-interval") { Description = "Seconds between keeper rounds when no NAV report comes.", DefaultValueFactory = _ => 30 };
        var jwtKey = new Option<string?>("--jwt-key") { Description = "Accept JWT bearer tokens (HS256) signed with the key in this file (its text, at least 32 bytes); needs --jwt-issuer and --jwt-audience. The token's sub is the account, its roles claim the roles." };
        var jwtIssuer = new Option<string?>("--jwt-issuer") { Description = "The issuer (iss) JWT bearer tokens must name (with --jwt-key)." };
        var jwtAudience = new Option<string?>("--jwt-audience") { Description = "The audience (aud) JWT bearer tokens must name (with --jwt-key)." };
        var data = new Option<string[]>("--data") { Description = "A data file governance evidence may be claimed on (known by its SHA-256): proposals' backtests on it are re-run and checked by the service instead of journaled data-unknown; repeat for several.", AllowMultipleArgumentsPerToken = true };
        var sqliteSync = new Option<string>("--sqlite-sync") { Description = "When a SQLite journal's commits reach the disk: full (each batch's commit is synced: survives a power loss; the default) or normal (synced at checkpoints: survives a process crash, a power loss may lose the last batches). See docs/service.md.", DefaultValueFactory = _ => "full" };
        var demo = new Option<bool>("--demo") { Description = "Start the demo: the vaults of samples/scenarios/sim-demo.yaml on a fresh journal, a reporter posting synthetic NAVs every second (a protocol day per second), and demo accounts whose keys are printed." };
        var cluster = new Option<string?>("--cluster") { Description = "Run as a silo of the Orleans cluster NAME (docs/scale-out.md): needs --db postgres:CONNECTION, shared by the silos (membership and journals); commands go to the deployment's sequencer wherever it runs, reads are served here." };
        var siloPort = new Option<int?>("--silo-port") { Description = $"With --cluster: the port silos talk to each other on (default {DefaultSiloPort})." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = $"With --cluster: the port Orleans clients (ballast backtest --cluster) connect to (default {DefaultGatewayPort})." };
        var command = new Command("serve", "Run the protocol as a service: the journal's single writer, the keeper, and an HTTP API (commands with idempotency keys, reads, the journal export, Server-Sent Events). See docs/service.md.")
        {
            db, urls, keys, jwtKey, jwtIssuer, jwtAudience, noKeeper, keeperInterval, data, sqliteSync, demo, cluster, siloPort, gatewayPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var isDemo = parse.GetValue(demo);
            var location = parse.GetValue(db);
            var clusterSettings = Cluster(parse.GetValue(cluster), location, parse.GetValue(siloPort), parse.GetValue(gatewayPort));
            if (location is null && !isDemo)
            {
                throw new BallastInputException("serve needs --db sqlite:FILE|postgres:CONNSTR, or --demo");
            }

            var interval = parse.GetValue(keeperInterval);
            if (!(interval > 0 && interval <= 86_400))
            {
                throw new BallastInputException($"--keeper-interval must be more than 0 and at most 86400 seconds, got {interval}");
            }

            var synchronous = parse.GetValue(sqliteSync) switch
            {
                "full" => Ballast.Io.Storage.SqliteSynchronous.Full,
                "normal" => Ballast.Io.Storage.SqliteSynchronous.Normal,
                var other => throw new BallastInputException($"--sqlite-sync must be full or normal, got '{other}'"),
            };
            var jwt = Jwt(parse.GetValue(jwtKey), parse.GetValue(jwtIssuer), parse.GetValue(jwtAudience));
            var evidenceData = parse.GetValue(data) ?? [];
            foreach (var file in evidenceData)
            {
                if (!File.Exists(file))
                {
                    throw new BallastInputException(new InputLocation(file), "data file not found (--data)");
                }
            }

            location ??= "sqlite:" + Path.Combine(Path.GetTempPath(), $"ballast-demo-{Guid.NewGuid():N}.db");
            var settings = new ServiceSettings
            {
                Journal = location,
                Urls = parse.GetValue(urls) ?? [],
                KeysFile = parse.GetValue(keys),
                Jwt = jwt,
                Keeper = !parse.GetValue(noKeeper),
                KeeperInterval = TimeSpan.FromSeconds(interval),
                Demo = isDemo,
                EvidenceData = evidenceData,
                SqliteSynchronous = synchronous,
            };
            await using var service = clusterSettings is null
                ? await BallastService.CreateAsync(settings, TimeProvider.System, cancellationToken: ct).ConfigureAwait(false)
                : await ClusterServe.CreateAsync(settings, clusterSettings, TimeProvider.System, ct).ConfigureAwait(false);
            if (clusterSettings is not null)
            {
                ClusterEndpoints.Map(service.App);
            }

            await service.App.StartAsync(ct).ConfigureAwait(false);
            io.Out.WriteLine($"ballast serve: journal {(clusterSettings is null ? location : "postgres:... (deployment " + clusterSettings.Deployment + ")")}");
            if (clusterSettings is { Cluster: var silo })
            {
                io.Out.WriteLine($"ballast serve: silo of cluster {silo.ClusterName}, silo port {silo.SiloPort}, gateway port {silo.GatewayPort}");
            }

            io.Out.WriteLine($"ballast serve: listening on {string.Join(", ", service.Addresses)}");
            io.Out.Flush();
            var demoAccounts = service.DemoAccounts;
            if (clusterSettings is not null && isDemo)
            {
                demoAccounts = await ClusterServe.SeedDemoAsync(service, clusterSettings, ct).ConfigureAwait(false);
                if (demoAccounts.Count == 0)
                {
                    io.Out.WriteLine("ballast serve: the demo was seeded by another silo; the keys it printed work here too");
                }
            }

            if (demoAccounts.Count > 0)
            {
                io.Out.WriteLine("demo accounts (send the key as 'Authorization: Bearer KEY'):");
                foreach (var account in demoAccounts)
                {
                    io.Out.WriteLine($"  {account.Account,-9} {account.Roles,-16} {account.Key}");
                }
            }

            io.Out.Flush();
            await service.App.WaitForShutdownAsync(ct).ConfigureAwait(false);
            io.Out.WriteLine("ballast serve: stopped");
            return Program.Ok;
        });
        return command;
    }

    private const int DefaultSiloPort = 11111;
    private const int DefaultGatewayPort = 30000;

    /// <summary>The cluster settings of <c>--cluster NAME</c> with its journal and ports, or null without <c>--cluster</c> (then the ports must not be given).</summary>
    private static ClusterServeSettings? Cluster(string? name, string? journal, int? siloPort, int? gatewayPort)
    {
        if (name is null)
        {
            return siloPort is null && gatewayPort is null
                ? null
                : throw new BallastInputException("--silo-port and --gateway-port go with --cluster NAME");
        }

        return journal is null
            ? throw new BallastInputException("--cluster needs --db postgres:CONNECTION: the silos share the database (membership and journals)")
            : ClusterServeSettings.Of(name, journal, siloPort ?? DefaultSiloPort, gatewayPort ?? DefaultGatewayPort);
    }

    /// <summary>The JWT settings of the three options: all or none.</summary>
    private static JwtSettings? Jwt(string? keyFile, string? issuer, string? audience)
    {
        if (keyFile is null)
        {
            return issuer is null && audience is null
                ? null
                : throw new BallastInputException("--jwt-issuer and --jwt-audience go with --jwt-key FILE (the HS256 signing key)");
        }

        return JwtSettings.FromKeyFile(keyFile, issuer, audience);
    }
}
