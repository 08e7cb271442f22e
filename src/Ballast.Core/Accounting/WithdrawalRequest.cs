namespace Ballast.Accounting;

/// <summary>
/// A withdrawal request in flight: <see cref="Shares"/> locked out of the owner's free balance (still in the total
/// supply), worth <see cref="AssetsAtRequest"/> (<c>convertToAssets</c>, floor, before exit fee) when made.
/// </summary>
/// <param name="Id">The request's number within the vault.</param>
/// <param name="Owner">The shares' owner, paid at settlement.</param>
/// <param name="Shares">Shares locked, in share base units.</param>
/// <param name="AssetsAtRequest">Their value when requested (convertToAssets, floor, before exit fee), in base units.</param>
/// <param name="MaxLossBps">Settlement is refused if the value then is more than this many bps below <paramref name="AssetsAtRequest"/>.</param>
/// <param name="RequestedAt">When the request was made.</param>
/// <param name="NotBefore">The earliest settlement time: <paramref name="RequestedAt"/> plus the withdrawal delay.</param>
public sealed record WithdrawalRequest(
    long Id,
    AccountId Owner,
    UInt128 Shares,
    UInt128 AssetsAtRequest,
    int MaxLossBps,
    DateTimeOffset RequestedAt,
    DateTimeOffset NotBefore);
