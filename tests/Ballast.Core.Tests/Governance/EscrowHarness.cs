using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Core.Tests.Governance;

/// <summary>
/// A BANK token and a veBANK escrow driven the way a sequencer will: decide, apply when accepted, journal the
/// record. Every rejection is checked to leave both states unchanged.
/// </summary>
internal sealed class EscrowHarness
{
    public const long T0 = 1_693_440_000; // a week boundary (Thursday 2023-08-31 00:00 UTC)
    public static readonly UInt128 Bank = ExactMath.Pow10(18);
    public static readonly AccountId Minter = new("minter");
    public static readonly AccountId Escrow = new("ve-bank");
    public static readonly AccountId Alice = new("alice");
    public static readonly AccountId Bob = new("bob");
    public static readonly AccountId Carol = new("carol");
    public static readonly AccountId Dave = new("dave");
    public static readonly AccountId Whale = new("whale");

    public EscrowHarness()
    {
        Token = new BankToken(Minter);
        Ve = new VotingEscrow(Token, Escrow);
    }

    public BankToken Token { get; }

    public VotingEscrow Ve { get; }

    public List<object> Journal { get; } = [];

    public void Mint(AccountId to, UInt128 amount, long now = T0)
    {
        var d = Token.DecideMint(Minter, to, amount, now);
        Assert.True(d.IsAccepted, d.ToString());
        Token.Apply(d.Operation);
        Journal.Add(d.Operation);
    }

    public T Do<T>(Func<VotingEscrow, Decision<T>> decide)
        where T : EscrowOperation
    {
        var d = Try(decide);
        Assert.True(d.IsAccepted, d.ToString());
        return d.Operation;
    }

    public Decision<T> Try<T>(Func<VotingEscrow, Decision<T>> decide)
        where T : EscrowOperation
    {
        var before = Ve.Snapshot();
        var d = decide(Ve);
        if (d.IsAccepted)
        {
            Ve.Apply(d.Operation);
            Journal.Add(d.Operation);
        }
        else
        {
            Assert.Equal(before, Ve.Snapshot());
        }

        return d;
    }

    public Rejection Refuse<T>(Func<VotingEscrow, Decision<T>> decide, string code)
        where T : EscrowOperation
    {
        var d = Try(decide);
        Assert.False(d.IsAccepted, d.ToString());
        Assert.Equal(code, d.Rejection.Code);
        return d.Rejection;
    }

    /// <summary>Replays <see cref="Journal"/> on a fresh token and escrow.</summary>
    public VotingEscrow Replay()
    {
        var ve = new VotingEscrow(new BankToken(Minter), Escrow);
        foreach (var record in Journal)
        {
            switch (record)
            {
                case BankOperation b:
                    ve.Token.Apply(b);
                    break;
                case EscrowOperation e:
                    ve.Apply(e);
                    break;
            }
        }

        return ve;
    }
}
