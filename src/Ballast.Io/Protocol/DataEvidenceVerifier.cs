using System.Collections.Immutable;
using System.Globalization;
using Ballast.Data;
using Ballast.Governance;
using Ballast.Hashing;
using Ballast.Io.Specs;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Io.Protocol;

/// <summary>
/// Re-runs evidence: knows data files by the SHA-256 of their bytes, and for a claim on known data reads the file as
/// the claim says (prices or returns, fill), runs the claimed policy through <see cref="BacktestJob"/> over the
/// claimed period and compares the metrics exactly (formatted with <see cref="EvidenceClaim.FormatMetric"/>). A
/// claim on unknown data is "data-unknown", never a guess. How a file is registered does not change a verdict.
/// </summary>
public sealed class DataEvidenceVerifier : IEvidenceVerifier
{
    /// <summary>The metrics a claim carries, by the names used in claims.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["cagr", "volatility", "sharpe", "max_drawdown", "rebalances", "turnover_one_way", "final_nav"];

    private readonly Dictionary<Sha256Digest, string> _known = [];

    /// <summary>Makes a data file known by its digest (a claim says how to read it); returns the digest.</summary>
    public Sha256Digest Register(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var digest = EvidenceClaim.DigestOf(File.ReadAllBytes(path));
        _known[digest] = path;
        return digest;
    }

    public EvidenceResult? Check(EvidenceClaim claim, string policyText, PolicyHash policyHash)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (!_known.TryGetValue(claim.DataDigest, out var path))
        {
            return null;
        }

        // The claim says how to read the file; the registration only says where it is.
        ValueKind? kind = claim.Values switch
        {
            "prices" => ValueKind.Prices,
            "percent" => ValueKind.ReturnsPercent,
            "fraction" => ValueKind.ReturnsFraction,
            _ => null,
        };
        FillMode? fill = claim.Fill switch
        {
            "none" => FillMode.None,
            "forward" => FillMode.Forward,
            _ => null,
        };
        if (kind is null || fill is null)
        {
            return new EvidenceResult([new EvidenceMismatch(kind is null ? "values" : "fill", kind is null ? claim.Values : claim.Fill, "prices|percent|fraction, none|forward")]);
        }

        EvidenceClaim recomputed;
        try
        {
            recomputed = Claim(policyText, policyHash, path, kind.Value, fill.Value, claim.PeriodFrom, claim.PeriodTo);
        }
        catch (BallastInputException e)
        {
            return new EvidenceResult([new EvidenceMismatch("backtest", "runs", e.Message)]);
        }

        return EvidenceCheck.Compare(claim, recomputed);
    }

    /// <summary>The claim a backtest of the policy with <paramref name="policyHash"/> in <paramref name="policyText"/> makes on the data file over the period.</summary>
    public static EvidenceClaim Claim(string policyText, PolicyHash policyHash, string dataPath, ValueKind kind, FillMode fill, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(policyText);
        var set = SpecLoader.Load(policyText, policyText.TrimStart().StartsWith('{') ? "policy.json" : "policy.yaml");
        var policy = set.Policies.FirstOrDefault(p => p.Hash == policyHash)
            ?? throw new BallastInputException($"the policy text holds no policy with hash {policyHash}");
        var single = set with { Policies = [policy] };
        var outcome = BacktestJob.Run(single, Ballast.Io.MarketDataFile.Read(dataPath, kind), new BacktestOptions { From = from, To = to, Fill = fill });
        var m = outcome.Runs[0].Metrics;

        // The period is the window the backtest actually ran (the data's dates inside the asked range, after any
        // lookback history): a claim over years the data does not have is not verified by the years it has.
        from = outcome.Table.Dates[0];
        to = outcome.Table.Dates[^1];
        string F(double? v) => v is { } x ? EvidenceClaim.FormatMetric(x) : "null";
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cagr"] = F(m.Cagr),
            ["volatility"] = F(m.Volatility),
            ["sharpe"] = F(m.Sharpe),
            ["max_drawdown"] = F(m.MaxDrawdown),
            ["rebalances"] = m.Rebalances.ToString(CultureInfo.InvariantCulture),
            ["turnover_one_way"] = F(m.TurnoverOneWayAnnual),
            ["final_nav"] = F(m.FinalNav),
        };
        return new EvidenceClaim(policyHash.ToString(), EvidenceClaim.DigestOf(File.ReadAllBytes(dataPath)), from, to, metrics.ToImmutableSortedDictionary(StringComparer.Ordinal))
        {
            Values = kind switch { ValueKind.ReturnsPercent => "percent", ValueKind.ReturnsFraction => "fraction", _ => "prices" },
            Fill = fill == FillMode.Forward ? "forward" : "none",
        };
    }
}
