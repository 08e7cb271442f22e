using Ballast.Cluster.Hosting;
using Ballast.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// <c>ballast backtest --cluster NAME --db postgres:CONNECTION</c>'s side of the cluster: an Orleans client that finds
/// the silos of NAME through the membership table in PostgreSQL and hands their sweep workers to a
/// <see cref="ClusterPolicyRunner"/>. Failing to reach the cluster is bad input (exit 2), said plainly.
/// </summary>
public sealed class ClusterSweepClient : IAsyncDisposable, IDisposable
{
    private readonly IHost _host;

    private ClusterSweepClient(IHost host, string name, int silos)
    {
        _host = host;
        Name = name;
        Silos = silos;
    }

    /// <summary>The cluster's name.</summary>
    public string Name { get; }

    /// <summary>Active silos when the client joined.</summary>
    public int Silos { get; }

    /// <summary>The <c>--db</c> value a cluster needs: <c>postgres:CONNECTION</c>; anything else is refused.</summary>
    public static string ConnectionStringOf(string? db, string clusterName)
    {
        const string prefix = "postgres:";
        if (db is null || !db.StartsWith(prefix, StringComparison.Ordinal) || db.Length == prefix.Length)
        {
            throw new BallastInputException(new InputLocation(db ?? "(none)", Field: "--db"), $"--cluster {clusterName} needs --db postgres:CONNECTION, the PostgreSQL database holding the cluster's membership table");
        }

        return db[prefix.Length..];
    }

    /// <summary>Joins cluster <paramref name="clusterName"/> through <paramref name="db"/> (<c>postgres:CONNECTION</c>) and checks it has a live silo.</summary>
    /// <exception cref="BallastInputException">A bad name or <c>--db</c>, an unreachable database, or no live silo.</exception>
    public static async Task<ClusterSweepClient> ConnectAsync(string clusterName, string? db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        try
        {
            ClusterHosting.ValidateName(clusterName);
        }
        catch (ArgumentException e)
        {
            throw new BallastInputException(new InputLocation(clusterName, Field: "--cluster"), e.Message);
        }

        var connection = ConnectionStringOf(db, clusterName);
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client => client.UseBallastCluster(clusterName, connection)
                // A batch on a loaded silo may take longer than Orleans' 30 s default: the sweep's own timeout decides.
                .Configure<ClientMessagingOptions>(options => options.ResponseTimeout = new ClusterSweepOptions().CallTimeout + TimeSpan.FromSeconds(30)))
            .ConfigureLogging(logging => logging.ClearProviders())
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var hosts = await ActiveSilos(grains, cancellationToken).ConfigureAwait(false);
            return hosts.Count == 0
                ? throw new OrleansException("the membership table lists no active silo")
                : new ClusterSweepClient(host, clusterName, hosts.Count);
        }
        catch (Exception e) when (e is not BallastInputException and not OperationCanceledException)
        {
            host.Dispose();
            throw new BallastInputException($"cluster '{clusterName}' cannot be reached: {e.Message.Split('\n')[0].Trim()} (start a silo with `ballast serve --cluster {clusterName} --db postgres:...`, or check --db)", e);
        }
    }

    /// <summary>
    /// The active silos, asked of the management grain; a silo that dies holding that call answers no one, so the call
    /// is abandoned after 15 s and asked again (placed anew once the membership has noticed), three times at most,
    /// rather than waiting out the client's response timeout (raised to minutes for the batches).
    /// </summary>
    private static async Task<Dictionary<SiloAddress, SiloStatus>> ActiveSilos(IClusterClient grains, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException && attempt < 3)
            {
            }
        }
    }

    /// <summary>A runner for the runs of <paramref name="spec"/>, bound from <paramref name="input"/>, on this cluster's silos.</summary>
    public ClusterPolicyRunner Runner(PolicySet spec, SweepInput input, ClusterSweepOptions? options = null)
    {
        var grains = _host.Services.GetRequiredService<IClusterClient>();
        return new ClusterPolicyRunner(key => grains.GetGrain<ISweepWorkerGrain>(key), Silos, spec, input, options);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
