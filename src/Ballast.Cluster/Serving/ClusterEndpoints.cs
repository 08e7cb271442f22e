using Ballast.Cluster.Keeping;
using Ballast.Cluster.Sequencing;
using Ballast.Service.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ballast.Cluster.Serving;

/// <summary>A silo of the cluster as <c>GET /api/cluster</c> shows it: its address and Orleans' membership status.</summary>
public sealed record ClusterSiloView(string Address, string Status);

/// <summary>A deployment's sequencer: the silo holding it and the head it has committed (null fields: it could not be reached just now).</summary>
public sealed record SequencerView(string Deployment, string? Silo, long? HeadSequence, string? Problem);

/// <summary>
/// A deployment's keeper coordinator: the silo holding it, whether its timer runs, its ticks in that activation (the
/// failed ones among them), the head its last round was planned at and when its last tick ended (null fields: none
/// yet, or it could not be reached just now).
/// </summary>
public sealed record KeeperView(string Deployment, string? Silo, bool? Ticking, long? Ticks, long? Failed, long? LastHead, DateTimeOffset? LastTickAt, string? Problem);

/// <summary>The cluster as one silo sees it.</summary>
public sealed record ClusterView(string Cluster, string Silo, IReadOnlyList<ClusterSiloView> Silos, IReadOnlyList<SequencerView> Sequencers, IReadOnlyList<KeeperView> Keepers);

/// <summary>
/// <c>GET /api/cluster</c>: membership (every silo Orleans knows, with its status), which silo holds the deployment's
/// sequencer, and which its keeper coordinator; 503 with ProblemDetails (<c>membership-unavailable</c>) when the
/// membership table cannot be read. Membership comes through the silo's <see cref="MembershipCache"/> (one read a
/// second at most, whatever the number of open dashboard pages).
/// </summary>
public static class ClusterEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/cluster", GetAsync)
            .WithName("Cluster")
            .WithSummary("The cluster: its silos and their status, the silo holding the deployment's sequencer, and the silo holding its keeper coordinator with its ticks (cluster mode only).");
    }

    /// <summary>Reads the membership table (through Orleans' management grain): every silo, whatever its status.</summary>
    public static Task<Dictionary<SiloAddress, SiloStatus>> ReadHostsAsync(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
    }

    private static async Task<IResult> GetAsync(IGrainFactory grains, MembershipCache membership, ILocalSiloDetails silo, ClusterServeSettings settings, CancellationToken cancellationToken)
    {
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await membership.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // After a PostgreSQL restart the first read of the membership table meets a pooled connection the server
            // closed (57P01); the next one opens a fresh connection. A second failure is the database's state now.
            try
            {
                hosts = await membership.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception again) when (again is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "membership-unavailable", $"the cluster's membership table could not be read just now ({again.Message}); ask again");
            }
        }

        var silos = hosts.OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).Select(h => new ClusterSiloView(h.Key.ToString(), h.Value.ToString())).ToList();
        SequencerView sequencer;
        try
        {
            var status = await grains.GetGrain<ISequencerGrain>(settings.Deployment).Status().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            sequencer = new SequencerView(status.Deployment, status.Silo, status.HeadSequence, null);
        }
#pragma warning disable CA1031 // the sequencer moving or refused is shown, not thrown
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            sequencer = new SequencerView(settings.Deployment, null, null, e.Message);
        }

        KeeperView keeper;
        try
        {
            var status = await grains.GetGrain<IKeeperCoordinatorGrain>(settings.Deployment).StatusAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            keeper = new KeeperView(settings.Deployment, status.Silo, status.Ticking, status.Ticks, status.Failed, status.Last?.Head, status.LastTickAt, status.LastError);
        }
#pragma warning disable CA1031 // the coordinator moving is shown, not thrown
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            keeper = new KeeperView(settings.Deployment, null, null, null, null, null, null, e.Message);
        }

        return TypedResults.Ok(new ClusterView(settings.Cluster.ClusterName, silo.SiloAddress.ToString(), silos, [sequencer], [keeper]));
    }
}
