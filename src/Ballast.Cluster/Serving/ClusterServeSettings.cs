using Ballast.Cluster.Hosting;
using Ballast.Cluster.Sequencing;
using Ballast.Io.Storage;
using Npgsql;

namespace Ballast.Cluster.Serving;

/// <summary>
/// What <c>ballast serve --cluster NAME --db postgres:CONNECTION</c> derives from its options: the cluster's
/// membership (the database with its default search path: every deployment's silos meet in the same table) and the
/// deployment this silo serves (the connection string's <c>Search Path</c>, else the journal's default schema).
/// </summary>
public sealed record ClusterServeSettings
{
    /// <summary>The silo's cluster settings (name, membership database, address, ports).</summary>
    public required ClusterSettings Cluster { get; init; }

    /// <summary>The deployment this silo's API serves: its journal's schema.</summary>
    public required string Deployment { get; init; }

    /// <summary>How often the read side asks the journal whether another silo appended.</summary>
    public TimeSpan FollowInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long <c>GET /api/cluster</c> serves a membership read again (<see cref="MembershipCache"/>).</summary>
    public TimeSpan MembershipFreshFor { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often stored API keys are reloaded (keys created or revoked on another silo).</summary>
    public TimeSpan KeysInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The keeper coordinator's reminder period (<see cref="Keeping.KeeperTickOptions.ReminderPeriod"/>): at most this
    /// long, beyond the time to declare its silo dead, without keeper ticks after that silo dies. Orleans' minimum, one minute.
    /// </summary>
    public TimeSpan KeeperReminderPeriod { get; init; } = Keeping.KeeperTickOptions.ReminderFloor;

    /// <summary>
    /// The settings of <paramref name="journal"/> (<c>postgres:CONNECTION</c>) for cluster <paramref name="clusterName"/>.
    /// </summary>
    /// <exception cref="BallastInputException">The journal is not PostgreSQL, its connection string is malformed or names a deployment (search path) that is not a plain schema name, or the cluster name is not valid.</exception>
    public static ClusterServeSettings Of(string clusterName, string journal, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(journal);
        try
        {
            ClusterHosting.ValidateName(clusterName);
        }
        catch (ArgumentException e)
        {
            throw new BallastInputException($"--cluster: {e.Message}");
        }

        if (JournalStores.SqlitePath(journal) is not null || !(journal.StartsWith("postgres:", StringComparison.Ordinal) || journal.StartsWith("postgresql:", StringComparison.Ordinal)))
        {
            throw new BallastInputException($"--cluster needs a PostgreSQL journal (--db postgres:CONNECTION): the silos share it and its membership table; got '{journal.Split(':')[0]}:...'");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(journal[(journal.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        }
        catch (ArgumentException e)
        {
            throw new BallastInputException($"--db postgres:...: the connection string is malformed ({e.Message})");
        }

        var deployment = builder.SearchPath?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { Length: > 0 } schema
            ? schema
            : PostgresJournalStore.DefaultSchema;
        try
        {
            SequencingOptions.ValidateDeployment(deployment);
        }
        catch (ArgumentException)
        {
            throw new BallastInputException($"--db postgres:...: Search Path names the deployment, its journal's schema: 1 to 63 letters, digits or underscores, not starting with a digit; got '{deployment}'");
        }

        builder.SearchPath = null;
        foreach (var (name, port) in new[] { ("--silo-port", siloPort), ("--gateway-port", gatewayPort) })
        {
            if (port is < 1 or > 65_535)
            {
                throw new BallastInputException($"{name} must be a TCP port, 1 to 65535; got {port}");
            }
        }

        if (siloPort == gatewayPort)
        {
            throw new BallastInputException($"--silo-port and --gateway-port must differ; both are {siloPort}");
        }

        return new ClusterServeSettings
        {
            Cluster = new ClusterSettings { ClusterName = clusterName, ConnectionString = builder.ConnectionString, SiloPort = siloPort, GatewayPort = gatewayPort },
            Deployment = deployment,
        };
    }
}
