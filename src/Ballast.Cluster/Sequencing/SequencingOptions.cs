using Npgsql;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// Where the cluster's journals are and how their sequencers run. A deployment is named by its PostgreSQL schema in
/// the cluster's database: the sequencer grain with key NAME writes the journal in schema NAME.
/// </summary>
public sealed record SequencingOptions
{
    /// <summary>The Npgsql connection string of the cluster's database (its <c>Search Path</c> is ignored: the deployment names the schema).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>How long an activation waits for the journal's write lock before it refuses (a dead holder's session may take a moment to end).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a waiting activation asks for the lock again.</summary>
    public TimeSpan LockRetry { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often an active sequencer checks, between commands, that it still holds its lock.</summary>
    public TimeSpan LockCheck { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a deactivating sequencer waits for its writer to stop and its lock to be released before the activation
    /// ends anyway (the rest finishes in the background). A sequencer cut off from the database can wait on its sessions
    /// for long; meanwhile Orleans would hold every call to the grain. Safe: a new activation needs the lock, which the
    /// old one releases last (or the server releases when its session ends), and a fenced store writes nothing.
    /// </summary>
    public TimeSpan StopWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a lock check waits for the server's answer before the sequencer counts its lock as lost (<see cref="JournalWriteLock.CheckTimeout"/>).</summary>
    public TimeSpan LockCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most commands committed in one transaction (group commit, as the single-process writer).</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>
    /// Whether the service's keeper (docs/service.md) runs inside each sequencer's activation, on its writer, as in one
    /// process: it fills due requests and asks composed vaults to rebalance; it moves with the sequencer.
    /// <c>ballast serve --cluster</c> turns it off and runs the sharded keeper (Keeping) instead.
    /// </summary>
    public bool Keeper { get; init; } = true;

    /// <summary>
    /// Whether the sequencer cues the deployment's sharded keeper (its coordinator grain) after each batch in which a NAV
    /// report was applied, as the single-process keeper runs a round on a report: the coordinator runs a round at once
    /// unless it is not ticking or has planned one at that head already. <c>ballast serve --cluster</c> sets it when
    /// the keeper is on.
    /// </summary>
    public bool CueShardedKeeper { get; init; }

    /// <summary>The keeper's round interval when no NAV report comes.</summary>
    public TimeSpan KeeperInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Data files governance evidence may be claimed on (as <c>ballast serve --data</c>).</summary>
    public IReadOnlyList<string> EvidenceData { get; init; } = [];

    /// <summary>The demo deployment, whose sequencer runs on the demo's fast clock and runs the demo reporter; null: none.</summary>
    public string? DemoDeployment { get; init; }

    /// <summary>The demo reporter's period (real time).</summary>
    public TimeSpan DemoReportPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The journal location (<c>postgres:...</c>, for <c>JournalStores</c>) of <paramref name="deployment"/>.</summary>
    public string JournalLocation(string deployment) => "postgres:" + ConnectionStringOf(deployment);

    /// <summary>The connection string of <paramref name="deployment"/>'s journal: the cluster's, with the deployment as search path.</summary>
    public string ConnectionStringOf(string deployment)
    {
        ValidateDeployment(deployment);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = deployment }.ConnectionString;
    }

    /// <summary>The database's name, as the lock key includes it.</summary>
    public string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? "";

    /// <summary>A deployment is a PostgreSQL schema name: 1 to 63 letters, digits or underscores, not starting with a digit.</summary>
    public static void ValidateDeployment(string deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Length is 0 or > 63 || char.IsAsciiDigit(deployment[0]) || !deployment.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"a deployment is named by its journal's PostgreSQL schema: 1 to 63 letters, digits or underscores, not starting with a digit; got '{deployment}'", nameof(deployment));
        }
    }
}
