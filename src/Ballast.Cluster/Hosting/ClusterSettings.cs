using System.Net;

namespace Ballast.Cluster.Hosting;

/// <summary>Where a silo of a Ballast cluster finds the others and listens (<c>ballast serve --cluster</c>).</summary>
public sealed record ClusterSettings
{
    /// <summary>The cluster's name (Orleans' cluster id): silos and clients with the same name and database form one cluster.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The Npgsql connection string of the PostgreSQL database holding the membership table (and the journals).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The address the silo listens on and advertises to the others; loopback by default.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port clients (e.g. <c>ballast backtest --cluster</c>) connect to.</summary>
    public int GatewayPort { get; init; } = 30000;
}
