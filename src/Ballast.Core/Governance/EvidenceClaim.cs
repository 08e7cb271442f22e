using System.Globalization;
using Ballast.Hashing;
using Ballast.Protocol;

namespace Ballast.Governance;

/// <summary>
/// A backtest claim carried by a proposal that adopts or launches a policy: what was run (<paramref name="Subject"/>:
/// the spec text or the policy hash), on which data (<paramref name="DataDigest"/>: SHA-256 of the data file's
/// bytes, lowercase hex in JSON), over which period (inclusive dates), and the metrics claimed (name → text formatted by
/// <see cref="FormatMetric"/>).
/// </summary>
/// <param name="Subject">What was run: the spec text or the policy hash.</param>
/// <param name="DataDigest">SHA-256 of the data file's bytes.</param>
/// <param name="PeriodFrom">The first date of the backtest window, inclusive.</param>
/// <param name="PeriodTo">The last date of the backtest window, inclusive.</param>
/// <param name="Metrics">The claimed metrics: name → text from <see cref="FormatMetric"/>.</param>
public sealed record EvidenceClaim(
    string Subject,
    Sha256Digest DataDigest,
    DateOnly PeriodFrom,
    DateOnly PeriodTo,
    IReadOnlyDictionary<string, string> Metrics)
{
    /// <summary>How the data file's values are read: <c>prices</c>, <c>percent</c> or <c>fraction</c> (period returns).</summary>
    public string Values { get; init; } = "prices";

    /// <summary>How interior gaps are treated: <c>none</c> (an error) or <c>forward</c>.</summary>
    public string Fill { get; init; } = "none";

    /// <summary>The canonical JSON of the claim (keys sorted, metrics as strings).</summary>
    public string CanonicalJson() => ProtocolJson.Canonical(this);

    /// <summary>SHA-256 of <see cref="CanonicalJson"/>'s UTF-8 bytes: the claim's identity.</summary>
    public Sha256Digest Hash() => Sha256Digest.OfUtf8(CanonicalJson());

    /// <summary>SHA-256 of a data file's bytes (the <see cref="DataDigest"/> to claim).</summary>
    public static Sha256Digest DigestOf(ReadOnlySpan<byte> data) => Sha256Digest.Of(data);

    /// <summary>
    /// The one metric format claims use: the shortest text that round-trips the double ("R", invariant culture).
    /// A deterministic backtest gives the same doubles, hence the same text, on every machine.
    /// </summary>
    public static string FormatMetric(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
