namespace Ballast.Governance;

/// <summary>One difference between a claim and its recomputation: a field or <c>metric:NAME</c>, and both texts (null when absent on that side).</summary>
/// <param name="Field">The claim field (e.g. "data_digest", "period_from") or <c>metric:NAME</c>.</param>
/// <param name="Claimed">The claimed text; null when the claim lacks the metric.</param>
/// <param name="Recomputed">The recomputed text; null when the recomputation lacks the metric.</param>
public sealed record EvidenceMismatch(string Field, string? Claimed, string? Recomputed);

/// <summary>The outcome of comparing a claim with its recomputation: verified, or the exact list of mismatches.</summary>
/// <param name="Mismatches">Every difference, fields first then metrics by ordinal name; empty when verified.</param>
public sealed record EvidenceResult(IReadOnlyList<EvidenceMismatch> Mismatches)
{
    /// <summary>Whether the claim matches its recomputation in every field and metric.</summary>
    public bool Verified => Mismatches.Count == 0;
}

/// <summary>
/// Compares a claim with the claim recomputed by re-running the backtest. The rule is exact: subject, data digest,
/// period and the set of metric names must be equal, and every metric's text must be equal ordinally (both sides
/// format with <see cref="EvidenceClaim.FormatMetric"/>, so no tolerance is needed or allowed).
/// </summary>
public static class EvidenceCheck
{
    /// <summary>Verified, or the mismatches in a fixed order (fields, then metrics by ordinal name).</summary>
    public static EvidenceResult Compare(EvidenceClaim claimed, EvidenceClaim recomputed)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(recomputed);
        var mismatches = new List<EvidenceMismatch>();
        void Field(string name, string a, string b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                mismatches.Add(new EvidenceMismatch(name, a, b));
            }
        }

        Field("subject", claimed.Subject, recomputed.Subject);
        Field("data_digest", claimed.DataDigest.ToHex(), recomputed.DataDigest.ToHex());
        Field("values", claimed.Values, recomputed.Values);
        Field("fill", claimed.Fill, recomputed.Fill);
        Field("period_from", claimed.PeriodFrom.ToString("O", System.Globalization.CultureInfo.InvariantCulture), recomputed.PeriodFrom.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Field("period_to", claimed.PeriodTo.ToString("O", System.Globalization.CultureInfo.InvariantCulture), recomputed.PeriodTo.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var names = claimed.Metrics.Keys.Union(recomputed.Metrics.Keys).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var a = claimed.Metrics.GetValueOrDefault(name);
            var b = recomputed.Metrics.GetValueOrDefault(name);
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                mismatches.Add(new EvidenceMismatch("metric:" + name, a, b));
            }
        }

        return new EvidenceResult(mismatches);
    }
}
