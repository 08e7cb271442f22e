using System.Collections.Concurrent;
using Ballast.Protocol;

namespace Ballast.Cluster.Keeping;

/// <summary>A silo's keeper replicas (<see cref="DeploymentReplica"/>), one per deployment, made on first use and shared by every keeper grain on the silo.</summary>
public sealed class KeeperReplicas(IKeeperJournalSource source, IPolicyCompiler compiler) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DeploymentReplica>> _replicas = new(StringComparer.Ordinal);

    /// <summary>The replica of <paramref name="deployment"/>.</summary>
    public DeploymentReplica For(string deployment) =>
        _replicas.GetOrAdd(deployment, d => new Lazy<DeploymentReplica>(() => new DeploymentReplica(d, source, compiler))).Value;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var replica in _replicas.Values.Where(r => r.IsValueCreated))
        {
            replica.Value.Dispose();
        }

        _replicas.Clear();
    }
}
