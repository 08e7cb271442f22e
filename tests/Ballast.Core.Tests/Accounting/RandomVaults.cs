using Ballast.Accounting;
using CsCheck;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>One random step of a scenario: what, who (0..2), and a raw amount the step scales to the state.</summary>
internal readonly record struct RandomStep(int Kind, int User, ulong Amount);

/// <summary>
/// A random vault state: offset 0..6, optional entry and exit fees, Alice's opening deposit, then deposits, mints,
/// redemptions, withdrawals, gains and losses by three users (rejected steps are skipped).
/// </summary>
internal sealed record RandomVault(int Offset, int EntryBps, int ExitBps, ulong AliceOpening, RandomStep[] Steps)
{
    public static readonly AccountId[] Users = [Alice, Bob, Carol];

    public static Gen<RandomVault> Gen(bool withFees) =>
        CsCheck.Gen.Select(
            CsCheck.Gen.Int[0, 6],
            withFees ? CsCheck.Gen.Int[0, 100] : CsCheck.Gen.Const(0),
            withFees ? CsCheck.Gen.Int[0, 100] : CsCheck.Gen.Const(0),
            Amount,
            CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 2], Amount).Select((k, u, a) => new RandomStep(k, u, a)).Array[0, 12])
        .Select((offset, entry, exit, opening, steps) => new RandomVault(offset, entry, exit, opening, steps));

    /// <summary>Amounts spread over many magnitudes, 1 to 10^15 base units.</summary>
    public static Gen<ulong> Amount { get; } =
        CsCheck.Gen.Select(CsCheck.Gen.ULong[1, 999], CsCheck.Gen.Int[0, 12]).Select((m, e) => m * (ulong)Math.Pow(10, e));

    public VaultHarness Build()
    {
        var h = new VaultHarness(Config(Offset, 6) with { EntryFeeBps = EntryBps, ExitFeeBps = ExitBps, FlowFeesPaidOut = Offset % 2 == 1 });
        h.Try((v, now) => v.DecideDeposit(Alice, AliceOpening, now));
        foreach (var step in Steps)
        {
            var user = Users[step.User];
            var balance = h.Vault.BalanceOf(user);
            _ = step.Kind switch
            {
                0 => h.Try((v, now) => v.DecideDeposit(user, step.Amount, now)).IsAccepted,
                1 => h.Try((v, now) => v.DecideMint(user, step.Amount, now)).IsAccepted,
                2 => h.Try((v, now) => v.DecideRedeem(user, balance == 0 ? 1 : 1 + (step.Amount % balance), now)).IsAccepted,
                3 => h.Try((v, now) => v.DecideWithdraw(user, step.Amount % (v.MaxWithdraw(user) + 1), now)).IsAccepted,
                4 => h.Try((v, now) => v.DecideDonate(Carol, step.Amount, now)).IsAccepted,
                _ => h.Try((v, now) => v.DecideLoss(step.Amount % ((v.TotalAssets / 2) + 1), now)).IsAccepted,
            };
            AssertInvariants(h.Vault);
        }

        return h;
    }
}
