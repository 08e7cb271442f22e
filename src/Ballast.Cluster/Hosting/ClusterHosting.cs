using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Ballast.Cluster.Hosting;

/// <summary>
/// How a process joins a Ballast cluster: as a silo (<see cref="UseBallastCluster(ISiloBuilder, ClusterSettings)"/>)
/// or as a client that finds the silos through the same membership table
/// (<see cref="UseBallastCluster(IClientBuilder, string, string)"/>). Membership is Orleans' ADO.NET clustering on
/// PostgreSQL, over the tables of <see cref="OrleansSchema"/>, which every silo applies as it starts.
/// </summary>
/// <remarks>
/// Orleans logs "Silo not running with ServerGC" when the process uses workstation garbage collection: the
/// <c>ballast</c> executable is built with server GC (<c>ServerGarbageCollection</c> in Ballast.Cli.csproj), so its
/// silos do not; a host of its own (a test) may see the warning, which is harmless there.
/// </remarks>
public static class ClusterHosting
{
    /// <summary>Orleans' service id for every Ballast cluster: fixed, so a cluster's state keeps its identity across deployments.</summary>
    public const string ServiceId = "ballast";

    /// <summary>The ADO.NET invariant name of the Npgsql provider.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Configures <paramref name="silo"/> as a member of the cluster <see cref="ClusterSettings.ClusterName"/>:
    /// cluster and service ids, the silo and gateway endpoints, ADO.NET clustering on the database, the schema applied
    /// at start (under its lock) and the start-up watchdog's noise filtered.
    /// </summary>
    public static ISiloBuilder UseBallastCluster(this ISiloBuilder silo, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        ValidateName(settings.ClusterName);
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterName;
            options.ServiceId = ServiceId;
        });
        silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = settings.ConnectionString;
        });
        AddSchemaInstaller(silo, settings.ConnectionString);
        silo.Services.AddLogging(FilterNoise);
        return silo;
    }

    /// <summary>
    /// Gives <paramref name="silo"/> Orleans' reminder service on the ADO.NET reminder table in the PostgreSQL database
    /// <paramref name="connectionString"/> (the table of <see cref="OrleansSchema"/>, applied at start), so that a
    /// grain's reminders outlive the silo that registered them: the silo that takes over a dead silo's part of the
    /// ring reads them from the table and fires them, activating the grain there.
    /// </summary>
    public static ISiloBuilder UseBallastReminders(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(connectionString);
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        AddSchemaInstaller(silo, connectionString);
        return silo;
    }

    /// <summary>
    /// Configures <paramref name="client"/> to join the cluster <paramref name="clusterName"/> as an Orleans client: it
    /// reads the gateways from the membership table in the database <paramref name="connectionString"/>.
    /// </summary>
    public static IClientBuilder UseBallastCluster(this IClientBuilder client, string clusterName, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        ValidateName(clusterName);
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = clusterName;
            options.ServiceId = ServiceId;
        });
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        client.Services.AddLogging(FilterNoise);
        return client;
    }

    /// <summary>
    /// Keeps Orleans' watchdog to errors: at start-up it warns that its "participant check thread has not completed"
    /// for an interval measured from the epoch, which is noise, not a stall.
    /// </summary>
    public static void FilterNoise(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
    }

    /// <summary>Applies the schema at the silo's start, once however many of the above ask for it.</summary>
    private static void AddSchemaInstaller(ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton(new OrleansSchemaInstaller.Database(connectionString));
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, OrleansSchemaInstaller>());
    }

    /// <summary>A cluster name is Orleans' cluster id: 1 to 150 characters (the membership table's column), letters, digits, '-', '_', '.'.</summary>
    public static void ValidateName(string clusterName)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        if (clusterName.Length is 0 or > 150 || !clusterName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"cluster name '{clusterName}' must be 1 to 150 characters of letters, digits, '-', '_' or '.'", nameof(clusterName));
        }
    }
}
