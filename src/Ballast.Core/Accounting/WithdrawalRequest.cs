namespace Ballast.Accounting;

/// <summary>
/// A withdrawal request in flight: <see cref="Shares"/> locked out of the owner's free balance (still in the total
/// supply), worth <see cref="AssetsAtRequest"/> (<c>convertToAssets</c>, floor, before exit fee) when made.
/// </summary>
public sealed record WithdrawalRequest(
    long Id,
    AccountId Owner,
    UInt128 Shares,
    UInt128 AssetsAtRequest,
    int MaxLossBps,
    DateTimeOffset RequestedAt,
    DateTimeOffset NotBefore);
