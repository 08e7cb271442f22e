using System.CommandLine;
using Ballast.Backtesting;
using Ballast.Cluster.Sweeps;
using Ballast.Data;
using Ballast.Io;
using Ballast.Io.Specs;
using Ballast.Policies;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast backtest ... --cluster NAME --db postgres:CONNECTION</c>: the spec and the data read once as text and
/// bytes (what the silos get, by SHA-256), the cluster joined, and the runner that spreads the policies over its silos.
/// Everything else of the backtest (compiling, statistics, output) is the local command's.
/// </summary>
internal sealed class ClusterBacktest : IDisposable
{
    private readonly ClusterSweepClient _client;
    private readonly Func<BacktestOptions, SweepInput> _input;
    private ClusterPolicyRunner? _runner;

    private ClusterBacktest(ClusterSweepClient client, PolicySet spec, MarketData market, Func<BacktestOptions, SweepInput> input)
    {
        _client = client;
        Spec = spec;
        Market = market;
        _input = input;
    }

    /// <summary>The spec, bound from the text the silos get.</summary>
    public PolicySet Spec { get; }

    /// <summary>The data, read from the bytes the silos get.</summary>
    public MarketData Market { get; }

    /// <summary>The <c>--cluster</c> and <c>--db</c> options.</summary>
    public static (Option<string?> Cluster, Option<string?> Db) Options() => (
        new Option<string?>("--cluster") { Description = "Run the policies on the silos of Orleans cluster NAME (started with `ballast serve --cluster NAME`); needs --db. The outputs are the local run's, byte for byte." },
        new Option<string?>("--db") { Description = "With --cluster: postgres:CONNECTION, the PostgreSQL database holding the cluster's membership table." });

    /// <summary>Reads the spec and data as the silos will get them, then joins the cluster; null without <c>--cluster</c> (a local run). <c>--db</c> alone is refused.</summary>
    public static ClusterBacktest? Connect(string? cluster, string? db, string specPath, string[]? overrides, string dataPath, ValueKind kind)
    {
        if (cluster is null)
        {
            return db is null ? null : throw new BallastInputException(new InputLocation(db, Field: "--db"), "backtest runs here unless --cluster NAME names a cluster; --db only says where that cluster's membership is");
        }

        // The arguments, the spec and the data are checked before the cluster is joined.
        ClusterSweepClient.ConnectionStringOf(db, cluster);
        var specText = DocumentLimits.ReadFile(specPath, "spec");
        var spec = SpecLoader.Load(specText, specPath, SpecCommand.Overrides(overrides));
        if (!File.Exists(dataPath))
        {
            throw new BallastInputException(new InputLocation(dataPath), "data file not found");
        }

        var data = File.ReadAllBytes(dataPath);
        var market = MarketDataFile.Read(data, dataPath, kind);
        var client = ClusterSweepClient.ConnectAsync(cluster, db).GetAwaiter().GetResult();
        return new ClusterBacktest(client, spec, market, options => new SweepInput(specText, specPath, overrides ?? [], data, dataPath, kind, options));
    }

    /// <summary>The runner of this backtest on the cluster's silos.</summary>
    public IPolicyRunner Runner(BacktestOptions options) => _runner = _client.Runner(Spec, _input(options));

    /// <summary>One line on stderr: where the batches ran, how many were retried, how often the content was sent.</summary>
    public void Summarise(TextWriter error)
    {
        if (_runner is null)
        {
            return;
        }

        var statistics = _runner.Statistics;
        var bySilo = statistics.BatchesBySilo;
        error.WriteLine($"cluster {_client.Name}: {bySilo.Values.Sum()} batches on {bySilo.Count} of {_client.Silos} silos ({string.Join(", ", bySilo.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"))}), {statistics.Retries} retried, spec and data sent {statistics.Uploads} times");
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
