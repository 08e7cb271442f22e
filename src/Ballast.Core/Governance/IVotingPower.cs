using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// Historical voting power, as the governor reads it: an account's power and the total at a unix
/// time. <see cref="VotingEscrow"/> implements it from its checkpoints; tests may inject another source.
/// Implementations must answer a past time the same way forever (nothing applied later changes it).
/// </summary>
public interface IVotingPower
{
    /// <summary>The power of <paramref name="account"/> at <paramref name="t"/> (0 before its first checkpoint).</summary>
    UInt128 BalanceOfAt(AccountId account, long t);

    /// <summary>The total power at <paramref name="t"/>: exactly the sum of every balance at <paramref name="t"/>.</summary>
    UInt128 TotalSupplyAt(long t);
}
