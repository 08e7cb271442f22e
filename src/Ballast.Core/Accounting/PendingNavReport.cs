namespace Ballast.Accounting;

/// <summary>A NAV report recorded but not applied (the vault is paused until an operator decides).</summary>
/// <param name="ReportedAssets">The reported total assets, in base units.</param>
/// <param name="ReasonCode">Why it was held: a <see cref="Rejections"/> NAV bound code.</param>
/// <param name="ReportedAt">When it was reported; accepting it applies it as of this time.</param>
public sealed record PendingNavReport(UInt128 ReportedAssets, string ReasonCode, DateTimeOffset ReportedAt);
