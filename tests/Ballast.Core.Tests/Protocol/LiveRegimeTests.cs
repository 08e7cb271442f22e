using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;
using Ballast.Protocol;
using static Ballast.Core.Tests.Protocol.EngineHarness;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// The volatility regime a vault carries in its journal is the one the backtest carries: advanced row by row with the
/// weights held on each row, not re-observed over the history with today's weights.
/// </summary>
public class LiveRegimeTests
{
    /// <summary>Rows of NAV before the vault invests: the volatility window.</summary>
    private const int Window = 10;

    private const int DepositRow = Window;
    private const int TrendTo = 70;
    private const int SwingsTo = 130;
    private const int Rows = 160;

    // Normal regime: never rebalance. High regime (portfolio volatility above 30 %, until below 20 %): every day.
    private static readonly TriggerSpec Trigger = new VolatilityTrigger(new NoTrigger(), Window, 0.30, 0.20, new CalendarTrigger(CalendarFrequency.Daily), VolatilityScope.Portfolio);

    /// <summary>
    /// Daily NAV moves of A and B. After the deposit A climbs calmly (its weight drifts from 50 % to about 71 %, no
    /// trade), then swings ±2.4 % a day (about 48 % a year): at 71 % of the portfolio that is above 30 %, so the
    /// regime turns high and the policy rebalances to 50/50, where the volatility (about 24 %) is between the exit
    /// and entry levels, so the regime stays high and the policy trades every day until A calms down. Re-observing
    /// the history with today's 50/50 weights never sees 30 %, so it would trade once and stop.
    /// </summary>
    private static (double A, double B) Move(int row)
    {
        var sign = row % 2 == 0 ? 1 : -1;
        var swing = 0.48 / (1.054 * Math.Sqrt(365));
        return row switch
        {
            <= DepositRow => (1 + (sign * 0.002), 1 - (sign * 0.0005)),
            <= TrendTo => (1.015, 1 + (sign * 0.0001)),
            <= SwingsTo => (1 + (sign * swing), 1 + (sign * 0.0001)),
            _ => (1 + (sign * 0.0005), 1 + (sign * 0.0001)),
        };
    }

    /// <summary>Runs the vault: Bob seeds both children, they report every day, Alice invests on <see cref="DepositRow"/>, the keeper calls on the rows <paramref name="keeperOn"/> allows.</summary>
    private static EngineHarness Live(Func<int, bool> keeperOn)
    {
        var h = new EngineHarness(trigger: Trigger, journal: true);
        h.Fund(Bob, 2_000_000);
        h.Must(new DepositCommand(h.Id(), Bob, new VaultId("A"), (UInt128)1_000_000 * 1_000_000));
        h.Must(new DepositCommand(h.Id(), Bob, new VaultId("B"), (UInt128)1_000_000 * 1_000_000));
        for (var row = 0; row <= Rows; row++)
        {
            var (a, b) = row == 0 ? (1.0, 1.0) : Move(row);
            h.NextDay(a, b);
            if (row == DepositRow)
            {
                h.Deposit(Alice, 1_000_000);
            }

            if (row >= DepositRow && keeperOn(row))
            {
                Assert.NotEqual(CommandStatus.Rejected, h.Keep().Status);
            }
        }

        return h;
    }

    /// <summary>The same policy backtested on the NAV per share the children reported, from the deposit row, with their 10 bps fees as costs.</summary>
    private static PolicyRun Backtest(EngineHarness h)
    {
        var table = ProtocolEngine.NavTable(h.State, h.Mix, ["A", "B"], h.Now)!.WithHistory(Window);
        var spec = FakePolicyCompiler.Fixed("p", ["A", "B"], [0.5, 0.5]) with { Trigger = Trigger, Costs = new CostSpec([10, 10], [0, 0], 0) };
        return Backtester.Run(table, new RebalancePolicy(spec), new BacktestSettings(table.InferPeriodsPerYear(), Record: true));
    }

    private static (int Row, bool High)[] BacktestRebalances(PolicyRun run) =>
        [.. run.Trades!.Where(t => t.Row > 0).GroupBy(t => t.Row).Select(g => (g.Key, g.First().Reason.StartsWith("high-volatility regime", StringComparison.Ordinal)))];

    private static (int Row, bool High)[] LiveRebalances(EngineHarness h) =>
        [.. h.Events.Select(e => e.Event).OfType<Rebalanced>().Select(r => (r.Row, r.Reason.StartsWith("high-volatility regime", StringComparison.Ordinal)))];

    [Fact]
    public void Keeper_EveryRow_RebalancesOnTheBacktestsRowsInTheBacktestsRegime()
    {
        var h = Live(_ => true);

        var backtest = BacktestRebalances(Backtest(h));
        var live = LiveRebalances(h);

        // The scenario does what it is built for: the regime turns high in the swings and stays high at 50/50.
        Assert.True(backtest.Length > 20, $"the backtest rebalanced {backtest.Length} times");
        Assert.All(backtest, r => Assert.True(r.High));
        Assert.Equal(backtest, live);
    }

    [Fact]
    public void Keeper_SkippingRowsWhereNothingTrades_ObservesThemWithTheSharesHeld()
    {
        // The keeper calls only every fifth row while A climbs (no trade there): the rows in between are observed
        // at the next call, with the shares held valued at each row's NAV, and the regime comes out the same.
        var h = Live(row => row > TrendTo || row % 5 == 0);

        Assert.Equal(BacktestRebalances(Backtest(h)), LiveRebalances(h));
    }

    [Fact]
    public void Journal_Replay_RebuildsThePolicyStateExactly()
    {
        var h = Live(_ => true);

        var report = JournalReplay.Verify(h.Journal!, new ProtocolEngine(h.Compiler));

        Assert.True(report.IsValid, report.Discrepancy?.What);
        Assert.Contains(h.Events, e => e.Event is PolicyObserved { HighVolatility: true });
        var live = h.Mix;
        var replayed = report.State.ComposedVaults[new VaultId("mix")];
        Assert.Equal(live.PolicyObservedThrough, replayed.PolicyObservedThrough);
        Assert.Equal(live.PolicyState!.HighVolatility, replayed.PolicyState!.HighVolatility);
        Assert.Equal(BitConverter.DoubleToInt64Bits(live.PolicyState.Volatility), BitConverter.DoubleToInt64Bits(replayed.PolicyState.Volatility));
    }

    [Fact]
    public void PolicyObserved_JournalPayload_RoundTrips()
    {
        var observed = new PolicyObserved(new VaultId("mix"), PolicyHash.OfCanonicalJson("{}"), new DateOnly(2024, 3, 1), true, 0.1 + 0.2, new DateTimeOffset(2024, 3, 1, 0, 5, 0, TimeSpan.Zero));

        var parsed = EventTypes.Parse(EventTypes.NameOf(observed), EventTypes.Payload(observed));

        Assert.Equal(observed, parsed);
        Assert.Equal("policy-observed", EventTypes.NameOf(observed));
    }

    [Fact]
    public void Keeper_AttachingAnotherPolicy_StartsItsStateAfresh()
    {
        var h = Live(_ => true);
        Assert.NotNull(h.Mix.PolicyState);

        var text = h.Compiler.Register("fixed A 0.6 B 0.4", FakePolicyCompiler.Fixed("q", ["A", "B"], [0.6, 0.4]) with { Trigger = Trigger });
        h.Must(new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "q", text));

        Assert.Null(h.Mix.PolicyState);
        Assert.Null(h.Mix.PolicyObservedThrough);
    }
}
