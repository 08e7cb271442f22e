namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// The tests that start several <c>ballast serve --cluster</c> processes run one at a time: side by side on two cores
/// they starved each other's silos (a sequencer not yet fenced when the test looked) and, with the in-process clusters
/// beside them, exhausted the test database's connections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealProcesses
{
    /// <summary>The collection's name.</summary>
    public const string Name = "real silo processes";
}
