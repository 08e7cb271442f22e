using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Core.Tests.Policies;

public class VolatilityTriggerTests
{
    // Calm (±0.1 % a day), then 100 turbulent rows (±5 % a day), then calm again; business-day-free calendar days.
    private static PriceTable Path(out int turbulentFrom, out int turbulentTo)
    {
        turbulentFrom = 300;
        turbulentTo = 400;
        var rows = 700;
        var a = new double[rows];
        var b = new double[rows];
        a[0] = b[0] = 100;
        for (var t = 1; t < rows; t++)
        {
            var size = t >= turbulentFrom && t < turbulentTo ? 0.05 : 0.001;
            var sign = t % 2 == 0 ? 1 : -1;
            a[t] = a[t - 1] * (1 + (sign * size));
            b[t] = b[t - 1] * (1 - (sign * size * 0.2));
        }

        return Specs.Table(["A", "B"], a, b).WithHistory(21);
    }

    private static PolicySpec Spec(TriggerSpec trigger) => Specs.Fixed(["A", "B"], [0.5, 0.5], trigger);

    [Fact]
    public void Run_HighVolatility_SwitchesToTheThenTriggerUntilVolatilityFallsBelowTheExitLevel()
    {
        var table = Path(out var from, out var to);
        var trigger = new VolatilityTrigger(new CalendarTrigger(CalendarFrequency.Annual), 21, 0.25, 0.20, new CalendarTrigger(CalendarFrequency.Weekly), VolatilityScope.Portfolio);
        var run = Backtester.Run(table, new RebalancePolicy(Spec(trigger)), new BacktestSettings(252, Record: true));

        var history = table.History!.RowCount;
        var rebalances = run.Trades!.Where(t => t.Row > 0).GroupBy(t => t.Row).Select(g => (Row: g.Key, g.First().Reason)).ToArray();
        var turbulent = rebalances.Where(r => r.Row + history >= from && r.Row + history < to + 21).ToArray();

        // About one rebalance a week while turbulent (100 + 21 rows of calendar days ~ 17 weeks), each saying why.
        Assert.InRange(turbulent.Length, 14, 19);
        Assert.All(turbulent, r => Assert.StartsWith("high-volatility regime (volatility ", r.Reason, StringComparison.Ordinal));
        Assert.Contains(turbulent, r => r.Reason.Contains("entered above 25%, ends below 20%): calendar weekly", StringComparison.Ordinal));

        // Calm: only the annual calendar may fire (the one new year of this window falls in the turbulent stretch,
        // where the weekly trigger rules instead).
        var calm = rebalances.Except(turbulent).ToArray();
        Assert.All(calm, r => Assert.Equal("calendar annual", r.Reason));
        Assert.True(calm.Length <= 1);
    }

    [Fact]
    public void Observe_Hysteresis_StaysHighBetweenTheTwoLevels()
    {
        var table = Path(out _, out _);
        var policy = new RebalancePolicy(Spec(new VolatilityTrigger(new NoTrigger(), 21, 0.25, 0.20, new CalendarTrigger(CalendarFrequency.Daily), VolatilityScope.Portfolio)));
        var state = new PolicyState();
        double[] weights = [0.5, 0.5];

        var history = table.History!.RowCount;
        var regimes = new List<(double Vol, bool High)>();
        for (var row = 0; row < table.RowCount; row++)
        {
            policy.Observe(new PolicyContext(table.Calendar, row, weights, 1, 0, false, prices: table, state: state, periodsPerYear: 252), state);
            regimes.Add((state.Volatility, state.HighVolatility));
        }

        // Entering needs > 0.25; once high, it stays high while volatility is between 0.20 and 0.25.
        for (var i = 1; i < regimes.Count; i++)
        {
            var (vol, high) = regimes[i];
            var wasHigh = regimes[i - 1].High;
            var expected = wasHigh ? vol >= 0.20 : vol > 0.25;
            Assert.Equal(expected, high);
        }

        Assert.Contains(regimes, r => r.High);
        Assert.False(regimes[^1].High);
        Assert.True(history >= 21);
    }

    [Fact]
    public void CanonicalJson_VolatilityModifier_SortsWithTheOtherKeys()
    {
        var trigger = new CooldownTrigger(new VolatilityTrigger(new DriftTrigger(DriftMeasure.Absolute, 0.05, CalendarFrequency.Weekly), 21, 0.25, 0.2, new CalendarTrigger(CalendarFrequency.Weekly), VolatilityScope.AnyAsset), 5, null);

        var json = Spec(trigger).CanonicalJson;

        Assert.Contains("\"trigger\":{\"check\":\"weekly\",\"cooldown\":{\"rows\":5},\"drift\":{\"absolute\":0.05},\"volatility\":{\"above\":0.25,\"below\":0.2,\"scope\":\"any-asset\",\"then\":{\"calendar\":\"weekly\"},\"window\":21}}", json, StringComparison.Ordinal);
    }
}
