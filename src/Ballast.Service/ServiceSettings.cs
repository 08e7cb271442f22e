namespace Ballast.Service;

/// <summary>How <c>ballast serve</c> runs: the journal, where it listens, the keys, the keeper and the limits.</summary>
public sealed record ServiceSettings
{
    /// <summary>The journal: <c>sqlite:FILE</c> or <c>postgres:CONNECTION</c> (see <c>JournalStores.Open</c>).</summary>
    public required string Journal { get; init; }

    /// <summary>Addresses to listen on (e.g. <c>http://127.0.0.1:5080</c>); empty: ASP.NET Core's default.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>The keys file (see <see cref="Access.KeysFile"/>); null: only keys created at run time.</summary>
    public string? KeysFile { get; init; }

    /// <summary>JWT bearer tokens accepted beside API keys; null: API keys only.</summary>
    public Access.JwtSettings? Jwt { get; init; }

    /// <summary>Whether the built-in keeper runs (off for deployments with external keepers).</summary>
    public bool Keeper { get; init; } = true;

    /// <summary>The keeper's round interval when no NAV report comes.</summary>
    public TimeSpan KeeperInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Data files governance evidence may be claimed on (known by the SHA-256 of their bytes): proposals' backtests on them are re-run, and rebalance verification knows them too.</summary>
    public IReadOnlyList<string> EvidenceData { get; init; } = [];

    /// <summary>The largest command body accepted, in bytes (a larger one gets 413).</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>When a SQLite journal's commits reach the disk (docs/service.md, "Durability"); PostgreSQL: no effect.</summary>
    public Ballast.Io.Storage.SqliteSynchronous SqliteSynchronous { get; init; } = Ballast.Io.Storage.SqliteSynchronous.Full;

    /// <summary>The most commands committed in one transaction (group commit).</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>Demo mode: set up the demo on the (empty) journal and run its reporter every <see cref="DemoReportPeriod"/>.</summary>
    public bool Demo { get; init; }

    /// <summary>How often, at most, the read model's new series points are appended to the projection tables (real time; zero: after every batch). Also saved at start and at stop.</summary>
    public TimeSpan ReadModelSaveInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The demo reporter's period (real time).</summary>
    public TimeSpan DemoReportPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where commands are decided when this process is not the journal's writer (a cluster silo: the deployment's
    /// sequencer grain, see docs/scale-out.md); null: this process opens the sequencer and is the single writer. With
    /// one, no sequencer, keeper or demo reporter runs here, the projection tables are not written (several processes
    /// read the journal), and the read side follows the journal as <see cref="JournalFollower"/> raises it.
    /// </summary>
    public Func<IServiceProvider, Writing.ICommandSubmitter>? Submitter { get; init; }

    /// <summary>With <see cref="Submitter"/>: what tells the projector the journal moved (it raises the signal it is given); registered as a hosted service.</summary>
    public Func<IServiceProvider, Writing.JournalSignal, Microsoft.Extensions.Hosting.IHostedService>? JournalFollower { get; init; }
}
