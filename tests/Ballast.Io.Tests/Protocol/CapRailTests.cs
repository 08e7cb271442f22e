using System.Globalization;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using CsCheck;
using static Ballast.Io.Tests.Protocol.ProtocolHarness;

namespace Ballast.Io.Tests.Protocol;

/// <summary>The per-child caps (<c>max_child_assets</c>, <c>max_child_ppm</c>) hold after every rebalance, whatever the other rails say.</summary>
public class CapRailTests
{
    private const ulong Usd = 1_000_000;

    [Fact]
    public void Rebalance_ChildJustOverItsAssetCap_SellsTheExcessEvenBelowTheMinimumTrade()
    {
        // The issue's case: a 400,000 USD cap, a 100 USD minimum trade, and A 89 USD over its cap when a drift fires.
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildAssets = 400_000 * Usd, MinTradeAssets = 100 * Usd });
        h.Deposit(Alice, 1_000_000);
        h.Day();
        h.Day(1.5, 1.0, 1.0);
        Assert.Equal(CommandStatus.Applied, h.Keep().Status);
        Assert.True(HeldBy(h, "A") <= 400_000 * Usd);

        h.Day((400_089.0 * Usd) / (double)HeldBy(h, "A"), 1.3, 1.0);
        Assert.InRange(HeldBy(h, "A"), (400_088 * Usd) + 1, 400_090 * Usd);

        var outcome = h.Keep();

        Assert.Equal(CommandStatus.Applied, outcome.Status);
        Assert.True(HeldBy(h, "A") <= 400_000 * Usd, $"A holds {HeldBy(h, "A")}, above its cap of {400_000 * Usd}");
    }

    [Fact]
    public void Rebalance_InCooldown_StillTrimsAChildAboveItsCap_WithoutRestartingTheCooldown()
    {
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildAssets = 400_000 * Usd, CooldownSeconds = 7 * 86_400 });
        h.Deposit(Alice, 1_000_000);
        h.Day();
        h.Day(1.5, 1.0, 1.0);
        Assert.Equal(CommandStatus.Applied, h.Keep().Status);
        var last = h.Mix.LastRebalanceAt;
        h.Day(1.1, 1.0, 1.0);

        var e = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));

        Assert.Equal(ChildCaps.TrimTrigger, e.Trigger);
        Assert.Equal(new VaultId("A"), Assert.Single(e.Trades).Child);
        Assert.True(HeldBy(h, "A") <= 400_000 * Usd);
        Assert.Equal(last, h.Mix.LastRebalanceAt);
    }

    [Fact]
    public void Rebalance_OnARowAlreadyRebalanced_StillTrimsAChildAboveItsCap()
    {
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildPpm = 400_000 });
        h.Deposit(Alice, 1_000_000);
        h.Day();
        h.Day(1.5, 1.0, 1.0);
        Assert.Equal(CommandStatus.Applied, h.Keep().Status);
        var a = h.State.SimpleVaults[new VaultId("A")].Vault;
        h.Clock.Now = h.Clock.Now.AddSeconds(10);
        h.Must(new ReportNavCommand(h.Id(), Reporter, new VaultId("A"), a.TotalAssets + (a.TotalAssets / 5)));

        var outcome = h.Keep();

        Assert.Equal(ChildCaps.TrimTrigger, Assert.IsType<Rebalanced>(Assert.Single(outcome.Events)).Trigger);
        AssertCapsHold(h, "after the trim");
    }

    [Fact]
    public void Rebalance_WhenNoTriggerFires_StillTrimsAChildAboveItsCap_AndLeavesTheRestIdle()
    {
        // 50/30/20 targets and a 400,000 USD cap: the deposit fills A to its cap (the rest of A's part stays idle), then
        // A's NAV rises 10 %: A is over its cap, the drift is far inside the 20-point band, no trigger.
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildAssets = 400_000 * Usd }, trigger: "{ drift: { absolute: 0.2 } }");
        h.Deposit(Alice, 1_000_000);
        h.Day();
        h.Day(1.1, 1.0, 1.0);
        Assert.True(HeldBy(h, "A") > 430_000 * Usd);
        var idle = h.State.Balance(new AssetSymbol("USD"), h.Mix.Account);

        var e = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));

        Assert.Equal(ChildCaps.TrimTrigger, e.Trigger);
        Assert.All(e.Trades, t => Assert.IsType<Withdrawn>(t.Operation));
        Assert.InRange(HeldBy(h, "A"), (399_999 * Usd) - (Usd / 2), 400_000 * Usd);
        Assert.True(h.State.Balance(new AssetSymbol("USD"), h.Mix.Account) > idle + (39_000 * Usd), "the proceeds stay idle");
        Assert.Equal(e.TargetsPpm, h.Mix.TargetsPpm);
    }

    [Fact]
    public void Rebalance_OverTheCostBudget_StillTrimsAChildAboveItsCap_AndEmptiesTheBudget()
    {
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildPpm = 400_000, CostBudget = Usd, CostBudgetPerDay = 0 });
        h.Deposit(Alice, 1_000_000);
        h.Day();
        h.Day(1.5, 1.0, 1.0);

        var e = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));

        Assert.Equal(ChildCaps.TrimTrigger, e.Trigger);
        Assert.Equal(new VaultId("A"), Assert.Single(e.Trades).Child);
        Assert.Equal(UInt128.Zero, e.CostBudgetAfter);
        AssertCapsHold(h, "after the trim");
    }

    [Fact]
    public void Rebalance_ChildrenThatSettleLaterAndNoIdleCash_StillTrimToTheCap_PayingTheFixedCostsIdleCanPay()
    {
        // 800,000 USD at 50/30/20 puts A just under its 400,000 USD cap (entry fees) and leaves nothing idle; then A's
        // NAV rises 10 %: A is over its cap, no trigger, and idle cash cannot pay the fixed cost of the trim.
        using var h = new ProtocolHarness(new RebalanceRails { MaxChildAssets = 400_000 * Usd, FixedCostPerOperation = 5 * Usd }, trigger: "{ drift: { absolute: 0.2 } }", instant: false, delayDays: 3);
        h.Deposit(Alice, 800_000);
        Assert.Equal(UInt128.Zero, h.State.Balance(new AssetSymbol("USD"), h.Mix.Account));
        h.Day();
        h.Day(1.1, 1.0, 1.0);
        Assert.True(HeldBy(h, "A") > 430_000 * Usd);

        var e = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));

        Assert.IsType<WithdrawalRequested>(Assert.Single(e.Trades).Operation);
        Assert.Equal(UInt128.Zero, e.FixedCosts);
        Assert.True(HeldBy(h, "A") <= 400_000 * Usd);
    }

    [Fact]
    public void Rebalances_OverRandomVaultsMovesAndRails_AlwaysLeaveEveryChildWithinItsCaps()
    {
        var cases = 0;
        var calls = 0;
        var applied = 0;
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var random = new Random(seed);
            var rails = RandomRails(random);
            var targets = RandomTargets(random);
            string[] triggers = ["{ drift: { absolute: 0.05 } }", "{ drift: { absolute: 0.2 } }", "{ calendar: monthly }", "{ calendar: quarterly }"];
            var instant = random.NextDouble() < 0.8;
            using var h = new ProtocolHarness(rails, triggers[random.Next(triggers.Length)], feeBps: random.Next(0, 100), instant: instant, delayDays: instant ? 0 : random.Next(1, 5), weights: targets);
            h.Deposit(Alice, (ulong)random.Next(1, 1_000_000));
            cases++;
            for (var day = 0; day < 15; day++)
            {
                h.Day(Move(random), Move(random), Move(random));
                if (random.NextDouble() < 0.15)
                {
                    h.Deposit(Bob, (ulong)random.Next(1, 300_000));
                }

                SettleDue(h);
                for (var call = random.NextDouble() < 0.2 ? 2 : 1; call > 0; call--)
                {
                    var outcome = h.Keep();
                    calls++;
                    applied += outcome.Status == CommandStatus.Applied ? 1 : 0;
                    // Any other refusal (the cost budget, say) comes only when no child is above its cap.

                    AssertCapsHold(h, $"seed {seed} day {day} ({outcome.Status}: {outcome.Note}{outcome.Rejection?.Code} {outcome.Rejection?.Message}; rails {rails})");
                }
            }

            Assert.True(JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance)).IsValid, $"seed {seed}: the journal does not verify");
        }, iter: CaseCount);
        Assert.True(applied > 0 && calls >= cases * 15, $"{cases} cases, {calls} keeper calls, {applied} applied");
        TestContext.Current.TestOutputHelper?.WriteLine($"caps: {cases} cases, {calls} keeper calls, {applied} applied");
    }

    private static int CaseCount => int.TryParse(Environment.GetEnvironmentVariable("BALLAST_CAP_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 40;

    private static RebalanceRails RandomRails(Random random)
    {
        var assetCap = random.NextDouble() < 0.6;
        var ppmCap = !assetCap || random.NextDouble() < 0.5;
        var budget = random.NextDouble() < 0.4;
        return new RebalanceRails
        {
            MaxChildAssets = assetCap ? (UInt128)random.NextInt64(50_000 * (long)Usd, 600_000 * (long)Usd) : null,
            MaxChildPpm = ppmCap ? random.Next(250_000, 600_000) : null,
            MaxStepPpm = random.NextDouble() < 0.4 ? random.Next(1_000, 200_000) : null,
            MinTradeAssets = random.NextDouble() < 0.5 ? (UInt128)random.NextInt64(1, 20_000 * (long)Usd) : 0,
            CooldownSeconds = random.NextDouble() < 0.4 ? random.Next(1, 6) * 86_400L : 0,
            FixedCostPerOperation = random.NextDouble() < 0.5 ? (UInt128)random.NextInt64(0, 20 * (long)Usd) : 0,
            CostBudget = budget ? (UInt128)random.NextInt64(0, 2_000 * (long)Usd) : null,
            CostBudgetPerDay = budget ? (UInt128)random.NextInt64(0, 100 * (long)Usd) : 0,
        };
    }

    private static string RandomTargets(Random random)
    {
        var a = random.Next(50_000, 700_000);
        var b = random.Next(50_000, 950_000 - a);
        var c = 1_000_000 - a - b;
        return FormattableString.Invariant($"{{ scheme: fixed, targets: {{ A: {a / 1e6:0.######}, B: {b / 1e6:0.######}, C: {c / 1e6:0.######} }} }}");
    }

    private static double Move(Random random) => random.NextDouble() switch
    {
        < 0.3 => 1.0 + ((random.NextDouble() - 0.5) * 0.0004),
        < 0.9 => 0.9 + (0.25 * random.NextDouble()),
        _ => 0.6 + random.NextDouble(),
    };

    private static void SettleDue(ProtocolHarness h)
    {
        foreach (var child in Children)
        {
            foreach (var request in h.State.SimpleVaults[new VaultId(child)].Vault.PendingWithdrawals(h.Mix.Account).Where(r => r.NotBefore <= h.Clock.Now).ToList())
            {
                h.Must(new SettleWithdrawalCommand(h.Id(), Keeper, new VaultId(child), request.Id));
            }
        }
    }

    /// <summary>Every child's holding (its shares at the child's price, floor) within both caps, against NAV as it is now.</summary>
    internal static void AssertCapsHold(ProtocolHarness h, string where)
    {
        var rails = h.Mix.Spec.Rails;
        var nav = h.Nav;
        foreach (var child in Children)
        {
            var held = HeldBy(h, child);
            if (rails.MaxChildAssets is { } cap)
            {
                Assert.True(held <= cap, $"{where}: {child} holds {held}, above its cap {cap}");
            }

            if (rails.MaxChildPpm is { } ppm)
            {
                Assert.True((System.Numerics.BigInteger)held * 1_000_000 <= (System.Numerics.BigInteger)ppm * nav, $"{where}: {child} holds {held} of NAV {nav}, above {ppm} ppm");
            }
        }
    }

    internal static UInt128 HeldBy(ProtocolHarness h, string child)
    {
        var vault = h.State.SimpleVaults[new VaultId(child)].Vault;
        return vault.ConvertToAssets(vault.BalanceOf(h.Mix.Account));
    }
}
