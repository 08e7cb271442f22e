namespace Ballast.Governance;

/// <summary>A vote-escrow lock: <paramref name="Amount"/> BANK base units locked until <paramref name="End"/> (unix seconds, a week boundary).</summary>
public readonly record struct EscrowLock(UInt128 Amount, long End)
{
    /// <summary>The lock's slope: ⌊amount / MAXTIME⌋ voting power lost per second.</summary>
    public Int128 Slope => (Int128)(Amount / (UInt128)Weeks.MaxTime);

    /// <summary>Voting power at <paramref name="t"/>: slope · (end − t), 0 at or after the end.</summary>
    public UInt128 PowerAt(long t) => End > t ? (UInt128)checked(Slope * (End - t)) : 0;
}
