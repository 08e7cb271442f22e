using System.Globalization;
using System.Text;
using Ballast.Io.Reports;
using Ballast.Protocol.Journal;
using Ballast.Service.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Ballast.Service.Endpoints;

/// <summary>
/// The reads the dashboard needs beyond the plain ones: vault summaries with metrics, a composed vault's buy-and-hold
/// twin, "verify this rebalance", and governance; plus the dashboard itself (static files from wwwroot at <c>/</c>)
/// and the offline API reference page. Everything is served from the process: no CDN, nothing fetched elsewhere.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Maps the dashboard's reads and serves the dashboard's files.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/api/vaults/summary", (Projector p, ReadResponses r, HttpRequest q) => { var model = p.Current; return r.Of(model, q, () => VaultMetrics.Summaries(model)); }).WithName("VaultSummaries")
            .WithSummary("Every vault with NAV, share price, returns over 30 days, 1 year and since start, volatility, max drawdown, drift from target, last report and keeper call, paused and held.");
        app.MapGet("/api/vaults/{id}/twin", Twin).WithName("VaultTwin")
            .WithSummary("A composed vault's NAV and share price beside its buy-and-hold twin (its first allocation held without rebalancing), oldest first. format=json|csv.");
        app.MapGet("/api/vaults/{id}/rebalances/{sequence}/verify", VerifyAsync).WithName("VerifyRebalance")
            .WithSummary("Verify one rebalance: the journal up to its command replayed and re-decided as `ballast verify` does, and the decision re-derived beside the journaled one.");
        app.MapGet("/api/governance", (Projector p, ReadResponses r, HttpRequest q) => { var model = p.Current; return r.Of(model, q, () => model.Governance ?? new GovernanceView(model.HeadTime ?? DateTimeOffset.UnixEpoch, [], [], [], [])); })
            .WithName("Governance").WithSummary("Proposals (state, votes, quorum, timelock, evidence claimed and re-run), gauges, emissions and locks.");
    }

    private static Results<CachedJson<List<TwinPoint>>, ContentHttpResult, ProblemHttpResult> Twin(string id, Projector p, ReadResponses r, HttpRequest q, string? format)
    {
        var model = p.Current;
        if (!model.Vaults.TryGetValue(id, out var vault))
        {
            return ReadEndpoints.NoVault(id);
        }

        if (vault.Kind != "composed")
        {
            return Problems.Of(StatusCodes.Status404NotFound, "not-composed", $"vault '{id}' is a simple vault: only composed vaults have a buy-and-hold twin", member: "id");
        }

        var points = (model.Twins.GetValueOrDefault(id) ?? []).ToList();
        if (format == "csv")
        {
            var csv = new StringBuilder("sequence,time,nav,twin_nav,share_price,twin_share_price\n");
            foreach (var t in points)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{t.Sequence},{ResultFiles.Csv(t.Time.UtcDateTime.ToString(JournalHash.TimeFormat, CultureInfo.InvariantCulture))},{t.Nav},{t.TwinNav},{t.SharePrice},{t.TwinSharePrice}\n");
            }

            return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8);
        }

        return format is null or "json" ? r.Of(model, q, () => points) : ReadEndpoints.BadFormat();
    }

    private static async Task<Results<Ok<RebalanceVerification>, ProblemHttpResult>> VerifyAsync(string id, string sequence, Projector projector, RebalanceVerifications verifications, CancellationToken cancellationToken)
    {
        var model = projector.Current;
        if (QueryValues.Long(sequence, "sequence", min: 1) is { Problem: { } problem })
        {
            return problem;
        }

        if (!model.Vaults.ContainsKey(id))
        {
            return ReadEndpoints.NoVault(id);
        }

        // Only a rebalance the read model lists is looked for: an unknown or future sequence costs no journal read.
        var at = QueryValues.Long(sequence, "sequence").Value!.Value;
        if (!(model.Rebalances.GetValueOrDefault(id) ?? []).Any(r => r.Sequence == at))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-rebalance", $"no rebalance of vault '{id}' at journal sequence {at} (the head is {model.Head.Sequence})", member: "sequence");
        }

        return await verifications.VerifyAsync(id, at, cancellationToken).ConfigureAwait(false) is { } verification
            ? TypedResults.Ok(verification)
            : Problems.Of(StatusCodes.Status404NotFound, "unknown-rebalance", $"no rebalance of vault '{id}' at journal sequence {at}", member: "sequence");
    }
}
