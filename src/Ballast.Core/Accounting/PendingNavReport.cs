namespace Ballast.Accounting;

/// <summary>A NAV report recorded but not applied (the vault is paused until an operator decides).</summary>
public sealed record PendingNavReport(UInt128 ReportedAssets, string ReasonCode, DateTimeOffset ReportedAt);
