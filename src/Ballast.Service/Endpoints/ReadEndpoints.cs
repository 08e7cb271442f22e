using System.Globalization;
using System.Text;
using Ballast.Accounting;
using Ballast.Io.Reports;
using Ballast.Protocol.Journal;
using Ballast.Service.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Ballast.Service.Endpoints;

/// <summary>The journal head as published: the last sequence and its hash (what <c>ballast verify --expect-head</c> checks against).</summary>
public sealed record HeadResponse(long Sequence, string Hash, DateTimeOffset? Time);

/// <summary>A page of a vault's time series: points oldest first; <c>next</c> is the cursor for the page after (null at the end).</summary>
public sealed record SeriesPage(string Vault, IReadOnlyList<VaultPoint> Points, long? Next);

/// <summary>
/// The read endpoints, all served from the current <see cref="ReadModel"/> (no store access, never waiting for the
/// writer): vaults, a vault's series (JSON or CSV, by time range and sequence cursor), rebalances, policy texts,
/// accounts and the head. Reads are public: the journal they derive from is public too.
/// </summary>
public static class ReadEndpoints
{
    /// <summary>The most points one series page holds.</summary>
    public const int MaxPage = 10_000;

    /// <summary>Maps the read endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/head", (Projector p, ReadResponses r, HttpRequest q) => { var model = p.Current; return r.Of(model, q, () => Head(model)); }).WithName("Head").WithSummary("The journal head the read model includes.");
        app.MapGet("/api/vaults", (Projector p, ReadResponses r, HttpRequest q) => { var model = p.Current; return r.Of(model, q, () => model.Vaults.Values.ToList()); }).WithName("Vaults").WithSummary("Every vault: NAV, supply, share price, allocation, policy, last report, rebalance and keeper call.");
        app.MapGet("/api/vaults/{id}", Vault).WithName("Vault").WithSummary("One vault now.");
        app.MapGet("/api/vaults/{id}/series", Series).WithName("VaultSeries")
            .WithSummary("A vault's NAV, supply, share price and allocation over time. Query: from, to (ISO times), after (sequence cursor), limit (at most 10,000), format=json|csv.");
        app.MapGet("/api/vaults/{id}/rebalances", Rebalances).WithName("VaultRebalances").WithSummary("A composed vault's rebalances with trigger, reason, inputs digest and policy hash. format=json|csv.");
        app.MapGet("/api/policies/{hash}", Policy).WithName("Policy").WithSummary("A policy text by its hash.");
        app.MapGet("/api/accounts/{id}", Account).WithName("Account").WithSummary("An account's wallets, positions (valued now), pending requests and withdrawals, and history.");
    }

    /// <summary>The head of <paramref name="model"/> as served.</summary>
    public static HeadResponse Head(ReadModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new HeadResponse(model.Head.Sequence, model.Head.Hash.ToHex(), model.HeadTime);
    }

    private static Results<CachedJson<VaultView>, ProblemHttpResult> Vault(string id, Projector p, ReadResponses r, HttpRequest q)
    {
        var model = p.Current;
        return model.Vaults.TryGetValue(id, out var vault) ? r.Of(model, q, () => vault) : NoVault(id);
    }

    private static Results<CachedJson<SeriesPage>, ContentHttpResult, ProblemHttpResult> Series(string id, Projector p, ReadResponses r, HttpRequest q, string? from, string? to, string? after, string? limit, string? format)
    {
        var model = p.Current;
        if (!model.Vaults.ContainsKey(id))
        {
            return NoVault(id);
        }

        if (Time(from, "from") is { Problem: { } fromProblem })
        {
            return fromProblem;
        }

        if (Time(to, "to") is { Problem: { } toProblem })
        {
            return toProblem;
        }

        if (QueryValues.Long(after, "after", min: 0) is { Problem: { } afterProblem })
        {
            return afterProblem;
        }

        if (QueryValues.Long(limit, "limit", min: 1, max: MaxPage) is { Problem: { } limitProblem })
        {
            return limitProblem;
        }

        if (format is not (null or "json" or "csv"))
        {
            return BadFormat();
        }

        var (start, end) = (Time(from, "from").Value, Time(to, "to").Value);
        if (start > end)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-query", $"to ({to}) is before from ({from})", member: "to");
        }

        var cursor = QueryValues.Long(after, "after").Value;
        var take = (int)(QueryValues.Long(limit, "limit").Value ?? MaxPage);
        var (page, next) = SeriesPoints.Page(model.Series.GetValueOrDefault(id) ?? [], cursor, start, end, take);
        if (format == "csv")
        {
            var csv = new StringBuilder("sequence,time,nav,total_supply,share_price,allocation_ppm\n");
            foreach (var pt in page)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{pt.Sequence},{pt.Time.UtcDateTime.ToString(JournalHash.TimeFormat, CultureInfo.InvariantCulture)},{pt.Nav},{pt.TotalSupply},{pt.SharePrice},{(pt.AllocationPpm is { } a ? string.Join(';', a) : string.Empty)}\n");
            }

            return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8);
        }

        return r.Of(model, q, () => new SeriesPage(id, page, next));
    }

    private static Results<CachedJson<List<RebalanceView>>, ContentHttpResult, ProblemHttpResult> Rebalances(string id, Projector p, ReadResponses r, HttpRequest q, string? format)
    {
        var model = p.Current;
        if (!model.Vaults.ContainsKey(id))
        {
            return NoVault(id);
        }

        var list = (model.Rebalances.GetValueOrDefault(id) ?? []).ToList();
        if (format == "csv")
        {
            return TypedResults.Text(RebalancesCsv(list), "text/csv", Encoding.UTF8);
        }

        return format is null or "json" ? r.Of(model, q, () => list) : BadFormat();
    }

    /// <summary>Rebalances as CSV, one row each; text fields quoted where they need it (<see cref="ResultFiles.Csv"/>).</summary>
    internal static string RebalancesCsv(IEnumerable<RebalanceView> rebalances)
    {
        var csv = new StringBuilder("sequence,time,command_id,policy,trigger,inputs_digest,row,targets_ppm,flow_fees,fixed_costs,nav_before,nav_after,reason\n");
        foreach (var r in rebalances)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Sequence},{r.Time.UtcDateTime.ToString(JournalHash.TimeFormat, CultureInfo.InvariantCulture)},{Csv(r.CommandId)},{r.Policy},{Csv(r.Trigger)},{r.InputsDigest},{r.Row},{string.Join(';', r.TargetsPpm)},{r.FlowFees},{r.FixedCosts},{r.NavBefore},{r.NavAfter},{Csv(r.Reason)}\n");
        }

        return csv.ToString();
    }

    private static Results<CachedJson<PolicyView>, ProblemHttpResult> Policy(string hash, Projector p, ReadResponses r, HttpRequest q) =>
        p.Current is var model && model.Policies.TryGetValue(hash.ToLowerInvariant(), out var policy)
            ? r.Of(model, q, () => policy)
            : Problems.Of(StatusCodes.Status404NotFound, "unknown-policy", $"no policy text with hash '{QueryValues.Echo(hash)}' in the journal", member: "hash");

    private static Results<CachedJson<AccountView>, ProblemHttpResult> Account(string id, Projector p, ReadResponses r, HttpRequest q)
    {
        var model = p.Current;
        if (!AccountId.IsValid(id))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-account", $"'{QueryValues.Echo(id)}' is not a valid account id", member: "id");
        }

        if (!model.Accounts.TryGetValue(id, out var account))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-account", $"the journal has nothing about account '{id}'", member: "id");
        }

        // Positions are valued at read time on the vaults' current prices (a NAV report changes every holder's value).
        return r.Of(model, q, () => account with { Positions = [.. account.Positions.Select(pos => model.Vaults.TryGetValue(pos.Vault, out var v) ? Valued(pos, v.Price) : pos)] });
    }

    /// <summary>A position valued at <paramref name="price"/> (floor), with its profit and loss (exact, signed).</summary>
    private static PositionView Valued(PositionView position, SharePrice price)
    {
        var value = ExactMath.MulDiv(UInt128.Parse(position.Shares, CultureInfo.InvariantCulture), price.Assets, price.Shares, Rounding.Floor);
        var pnl = (System.Numerics.BigInteger)value + System.Numerics.BigInteger.Parse(position.Returned, CultureInfo.InvariantCulture) - System.Numerics.BigInteger.Parse(position.Invested, CultureInfo.InvariantCulture);
        return position with { Value = value.ToString(CultureInfo.InvariantCulture), ProfitAndLoss = pnl.ToString(CultureInfo.InvariantCulture) };
    }

    private static (DateTimeOffset? Value, ProblemHttpResult? Problem) Time(string? text, string name)
    {
        if (text is null)
        {
            return (null, null);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? (value, null)
            : (null, Problems.Of(StatusCodes.Status400BadRequest, "bad-query", $"'{QueryValues.Echo(text)}' is not a time (ISO 8601, e.g. 2026-12-07T00:00:00Z)", member: name));
    }

    /// <summary>The answer for a vault id the read model does not hold: 400 when it cannot be a vault id at all, else 404; both name the member <c>id</c>.</summary>
    internal static ProblemHttpResult NoVault(string id) => Ballast.Protocol.VaultId.IsValid(id)
        ? Problems.Of(StatusCodes.Status404NotFound, "unknown-vault", $"no vault '{QueryValues.Echo(id)}'", member: "id")
        : Problems.Of(StatusCodes.Status400BadRequest, "bad-vault", $"'{QueryValues.Echo(id)}' is not a vault id (1 to {Ballast.Protocol.VaultId.MaxLength} characters, no control characters, no leading or trailing space)", member: "id");

    /// <summary>The 400 for a <c>format</c> other than json or csv.</summary>
    internal static ProblemHttpResult BadFormat() => Problems.Of(StatusCodes.Status400BadRequest, "bad-query", "format must be json or csv", member: "format");

    private static string Csv(string text) => ResultFiles.Csv(text);
}
