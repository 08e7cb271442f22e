using Ballast.Accounting;
using Ballast.Cluster.Sequencing;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Sequencing;

/// <summary>An in-process Orleans cluster whose silos host sequencer grains over the journals of a test database, and the checks the tests share.</summary>
internal sealed class SequencerCluster : IAsyncDisposable
{
    public static readonly AccountId Issuer = new("issuer");

    private SequencerCluster(InProcessTestCluster cluster, SequencingOptions options)
    {
        Cluster = cluster;
        Options = options;
    }

    public InProcessTestCluster Cluster { get; }

    public SequencingOptions Options { get; }

    /// <summary>Commands to <paramref name="deployment"/>'s sequencer, as the API sends them.</summary>
    public GrainCommandSubmitter Submitter(string deployment) => new(Cluster.Client, deployment);

    /// <summary>Starts <paramref name="silos"/> silos on <paramref name="database"/>; the client's calls time out after <paramref name="responseTimeout"/> (Orleans' default when null).</summary>
    public static async Task<SequencerCluster> StartAsync(TestDatabase database, short silos = 1, TimeSpan? responseTimeout = null)
    {
        var options = new SequencingOptions { ConnectionString = database.ConnectionString, Keeper = false, LockWait = TimeSpan.FromSeconds(1), LockCheck = TimeSpan.FromMilliseconds(200) };
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.AddBallastSequencing(options));
        if (responseTimeout is { } timeout)
        {
            builder.ConfigureClient(client => client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = timeout));
        }

        var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        return new SequencerCluster(cluster, options);
    }

    public static CreateAsset Usd(string id) => new(id, Issuer, new AssetSymbol("USD"), 6);

    public static IssueAsset Issue(string id, string to, UInt128 amount) => new(id, Issuer, new AssetSymbol("USD"), new AccountId(to), amount);

    /// <summary>The journal of <paramref name="deployment"/>: its chain and every decision re-derived; returns the command ids in journal order.</summary>
    public async Task<IReadOnlyList<string>> VerifiedCommandsAsync(string deployment)
    {
        using var store = new PostgresJournalStore(Options.ConnectionStringOf(deployment), deployment);
        var report = await Ballast.Protocol.JournalReplay.VerifyAsync(store.ReadAsync(cancellationToken: TestContext.Current.CancellationToken), new ProtocolEngine(SpecPolicyCompiler.Instance), TestContext.Current.CancellationToken);
        Assert.True(report.IsValid, $"{deployment}: {report.Discrepancy}");
        var ids = new List<string>();
        await foreach (var e in store.ReadAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            if (e.Type == "command")
            {
                ids.Add(e.CommandId);
            }
        }

        return ids;
    }

    public static void Applied(WriteResult result) =>
        Assert.True(result.Status == WriteStatus.Applied, $"{result.CommandId}: {result.Status} {result.Rejection} {result.Error?.Message}");

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
