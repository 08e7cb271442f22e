using Ballast.Cluster.Keeping;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// The sharded keeper's unit of work: one vault grain's decision (<see cref="DeploymentReplica.DecideRebalance"/>:
/// the engine's rebalance decision, the policy step on the vault's NAV rows and the holdings the journal gives it) on
/// a silo's replica of a deployment of 32 vaults over five children with 300 days of daily NAV
/// (<see cref="KeeperFleetJournal"/>), for each policy kind; and the 32 decisions at once on every core, as a silo
/// runs its vault grains.
/// </summary>
[MemoryDiagnoser]
public class KeeperDecisionBenchmarks
{
    private const int Vaults = 32;
    private string _dir = null!;
    private JournalStoreSource _journals = null!;
    private DeploymentReplica _replica = null!;
    private VaultId[] _vaults = null!;
    private DateTimeOffset _now;

    /// <summary>The policy of the vault decided (<see cref="KeeperFleetJournal.Policies"/>).</summary>
    [Params("inverse-vol", "risk-parity-drift", "min-variance", "band")]
    public string Policy { get; set; } = "inverse-vol";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ballast-keeper-bench-").FullName;
        var path = Path.Combine(_dir, "fleet.db");
        _now = KeeperFleetJournal.WriteAsync(path, Vaults, 300).GetAwaiter().GetResult();
        _journals = new JournalStoreSource(_ => Ballast.Io.Storage.JournalStores.Open(path));
        _replica = new DeploymentReplica("fleet", _journals, SpecPolicyCompiler.Instance);
        _replica.CatchUpAsync(long.MaxValue).GetAwaiter().GetResult();
        _vaults = KeeperFleetJournal.VaultIds(Vaults);
        Console.WriteLine($"// {Policy}: {One()}; all: {string.Join(", ", _vaults.Select(v => _replica.DecideRebalance(v, _now).Outcome.Status).GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}"))}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _replica.Dispose();
        _journals.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "vault grain: one rebalance decision on the silo's replica")]
    public CommandStatus One() => _replica.DecideRebalance(_vaults[Array.IndexOf(KeeperFleetJournal.Policies, Policy)], _now).Outcome.Status;

    [Benchmark(Description = "silo: the 32 vaults' decisions on every core", OperationsPerInvoke = Vaults)]
    public int AllOnEveryCore()
    {
        var changed = 0;
        Parallel.For(0, _vaults.Length, i =>
        {
            if (_replica.DecideRebalance(_vaults[i], _now).Outcome.Status == CommandStatus.Applied)
            {
                Interlocked.Increment(ref changed);
            }
        });
        return changed;
    }
}
