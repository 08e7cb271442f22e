using System.Globalization;
using Ballast.Data;

namespace Ballast.Backtesting;

/// <summary>When the reference engine rebalances (on rows after the first and before the last, as the backtester does).</summary>
public enum ReferenceTrigger
{
    /// <summary>On every row.</summary>
    EveryRow,

    /// <summary>On the first row of each ISO week.</summary>
    Weekly,

    /// <summary>When some asset's weight is further than <see cref="ReferencePolicy.Band"/> (absolute) from its target.</summary>
    Band,
}

/// <summary>A fixed-target policy as the reference engine understands it.</summary>
/// <param name="Targets">Target weights in universe order, summing to one (typically parts per million divided by 10⁶).</param>
/// <param name="Trigger">When it rebalances.</param>
/// <param name="Band">The absolute drift band, for <see cref="ReferenceTrigger.Band"/>.</param>
/// <param name="Bps">Proportional cost on every asset, in basis points of the value traded, both ways.</param>
/// <param name="FixedCost">Fixed cost per asset traded, in currency.</param>
/// <param name="Capital">Starting capital, invested at the targets on the first row.</param>
public sealed record ReferencePolicy(double[] Targets, ReferenceTrigger Trigger, double Band, double Bps, double FixedCost, double Capital = 1_000_000);

/// <summary>What the reference engine computed.</summary>
/// <param name="Equity">NAV at each row's close, after that row's costs.</param>
/// <param name="Rebalances">Rows after the first on which something traded.</param>
/// <param name="Costs">Costs paid, the first row's investment included.</param>
/// <param name="MeanAbsDrift">Mean over rows after the first and assets of |weight − target| before the row's trades.</param>
/// <param name="MaxAbsDrift">The largest such drift.</param>
/// <param name="MaxDrawdown">The deepest fall of NAV from its running peak, as a negative fraction (0 when none).</param>
/// <param name="KnifeEdge">
/// Whether some rebalance had two right answers that the last bits of the arithmetic decide: with a fixed cost, a
/// portfolio already at its targets may trade (to pay the cost) or not, and what is left to trade once tiny trades are
/// held back can be worth no more than that cost. A comparison with another engine is meaningless on such a run.
/// </param>
public sealed record ReferenceRun(double[] Equity, int Rebalances, double Costs, double MeanAbsDrift, double MaxAbsDrift, double MaxDrawdown, bool KnifeEdge);

/// <summary>
/// The backtest semantics of docs/backtest-semantics.md for fixed targets with proportional and fixed costs and no
/// lots, written as plainly as possible: a whole run in scalar loops, the cost of a rebalance found by fixed-point
/// iteration rather than the closed form. It is the oracle the engine's kernels (the vector and scalar
/// <see cref="LaneScanner"/> kernels, both <see cref="Trader"/> kernels, see <see cref="EngineKernel"/>) are
/// property-tested against, and a slow, independent fallback for checking any fixed-target run of that shape. It is
/// O(rows × assets × iterations) and allocates per rebalance: not for production backtests.
/// </summary>
public static class ReferenceEngine
{
    /// <summary>Trades under this fraction of NAV are left alone and the others solved again, as the trader does.</summary>
    private const double MinimumTrade = 0.5e-6;

    /// <summary>Runs <paramref name="policy"/> over <paramref name="table"/>: invest on the first row, then scan, trigger and trade row by row.</summary>
    /// <exception cref="ArgumentException">The targets do not match the table's columns, or the table has fewer than two rows.</exception>
    public static ReferenceRun Run(PriceTable table, ReferencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policy);
        var n = table.ColumnCount;
        var rows = table.RowCount;
        if (policy.Targets.Length != n)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{policy.Targets.Length} targets for {n} assets"), nameof(policy));
        }

        if (rows < 2)
        {
            throw new ArgumentException("the reference engine needs at least two rows", nameof(table));
        }

        return new Loop(table, policy).Execute();
    }

    private sealed class Loop(PriceTable table, ReferencePolicy policy)
    {
        private readonly int _n = table.ColumnCount;
        private readonly double _rate = policy.Bps / 10_000;
        private readonly double[] _units = new double[table.ColumnCount];
        private double _cash = policy.Capital;
        private bool _knifeEdge;

        private double Price(int t, int i) => table.Prices[(t * _n) + i];

        public ReferenceRun Execute()
        {
            var rows = table.RowCount;
            var targets = policy.Targets;
            var equity = new double[rows];
            var costs = Trade(0, _cash);
            var nav = policy.Capital - costs;
            equity[0] = nav;
            var rebalances = 0;
            var driftSum = 0.0;
            var driftMax = 0.0;
            var peak = nav;
            var maxDrawdown = 0.0;
            for (var t = 1; t < rows; t++)
            {
                var value = _cash;
                for (var i = 0; i < _n; i++)
                {
                    value += _units[i] * Price(t, i);
                }

                var rowMax = 0.0;
                for (var i = 0; i < _n; i++)
                {
                    var drift = Math.Abs((_units[i] * Price(t, i) / value) - targets[i]);
                    driftSum += drift;
                    rowMax = Math.Max(rowMax, drift);
                }

                driftMax = Math.Max(driftMax, rowMax);
                var fires = t < rows - 1 && policy.Trigger switch
                {
                    ReferenceTrigger.EveryRow => true,
                    ReferenceTrigger.Weekly => ISOWeek.GetWeekOfYear(table.Dates[t].ToDateTime(TimeOnly.MinValue)) != ISOWeek.GetWeekOfYear(table.Dates[t - 1].ToDateTime(TimeOnly.MinValue)),
                    _ => rowMax > policy.Band,
                };
                nav = value;

                // A portfolio at its targets with a fixed cost: not trading and trading a few units to pay the cost
                // are both solutions, and the last bits of the arithmetic decide.
                _knifeEdge |= fires && policy.FixedCost > 0 && rowMax < 1e-9;
                if (fires)
                {
                    var cost = Trade(t, value);
                    if (cost >= 0)
                    {
                        rebalances++;
                        costs += cost;
                        nav = value - cost;
                    }
                }

                equity[t] = nav;
                peak = Math.Max(peak, nav);
                maxDrawdown = Math.Min(maxDrawdown, (nav / peak) - 1);
            }

            return new ReferenceRun(equity, rebalances, costs, driftSum / ((rows - 1) * _n), driftMax, maxDrawdown, _knifeEdge);
        }

        /// <summary>Moves the holdings to the targets at row <paramref name="t"/>, paying costs out of NAV; the cost, or −1 when nothing trades.</summary>
        private double Trade(int t, double navBefore)
        {
            var current = new double[_n];
            for (var i = 0; i < _n; i++)
            {
                current[i] = _units[i] * Price(t, i);
            }

            var keep = new bool[_n];
            var after = Solve(current, keep, navBefore, out var cost);

            // Leave alone the trades under the threshold and solve the others again, until none left is under it.
            while (true)
            {
                var kept = 0;
                var newlyKept = 0;
                for (var i = 0; i < _n; i++)
                {
                    if (!keep[i] && Math.Abs(after[i] - current[i]) < MinimumTrade * navBefore)
                    {
                        keep[i] = true;
                        newlyKept++;
                    }

                    kept += keep[i] ? 1 : 0;
                }

                if (kept == _n)
                {
                    return -1;
                }

                if (newlyKept == 0)
                {
                    break;
                }

                // With a fixed cost, what the other assets trade after some are left alone can be little more than
                // that cost, and whether such a rebalance is worth making at all is again decided in the last bits.
                _knifeEdge |= policy.FixedCost > 0;
                after = Solve(current, keep, navBefore, out cost);
            }

            var invested = 0.0;
            for (var i = 0; i < _n; i++)
            {
                _units[i] = after[i] / Price(t, i);
                invested += _units[i] * Price(t, i);
            }

            _cash = navBefore - cost - invested;
            return cost;
        }

        /// <summary>The values after trading, the assets in <paramref name="keep"/> left alone, and the cost they pay, by fixed-point iteration.</summary>
        private double[] Solve(double[] current, bool[] keep, double navBefore, out double cost)
        {
            var targets = policy.Targets;
            var kept = 0.0;
            var weight = 0.0;
            for (var i = 0; i < _n; i++)
            {
                if (keep[i])
                {
                    kept += current[i];
                }
                else
                {
                    weight += targets[i];
                }
            }

            var total = navBefore - kept;
            var after = new double[_n];
            cost = 0;
            for (var iteration = 0; iteration < 500; iteration++)
            {
                var next = 0.0;
                for (var i = 0; i < _n; i++)
                {
                    after[i] = keep[i] ? current[i] : targets[i] / weight * (total - cost);
                    var trade = Math.Abs(after[i] - current[i]);
                    next += trade > 0 ? (trade * _rate) + policy.FixedCost : 0;
                }

                var done = Math.Abs(next - cost) <= 1e-15 * navBefore;
                cost = next;
                if (done)
                {
                    break;
                }
            }

            for (var i = 0; i < _n; i++)
            {
                after[i] = keep[i] ? current[i] : targets[i] / weight * (total - cost);
            }

            return after;
        }
    }
}
