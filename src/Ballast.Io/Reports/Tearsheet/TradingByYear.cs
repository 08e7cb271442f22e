using Ballast.Backtesting;

namespace Ballast.Io.Reports.Tearsheet;

/// <summary>One calendar year's trading: rebalances, turnover and costs (the initial investment is not included).</summary>
/// <param name="Year">The calendar year.</param>
/// <param name="Rebalances">Rows of that year after the first row of the window on which at least one asset traded.</param>
/// <param name="TurnoverOneWay">Σₖ τₖ over those rows, τₖ = Σᵢ |Δvₖ,ᵢ| / (2 Vₖ), a fraction of NAV (not annualised).</param>
/// <param name="Costs">Σₖ Cₖ, the costs paid on those rows, in currency.</param>
/// <param name="CostBps">10,000 · Σₖ Cₖ / Vₖ, the costs in basis points of the NAV they were paid from.</param>
public sealed record YearTrading(int Year, int Rebalances, double TurnoverOneWay, double Costs, double CostBps);

/// <summary>
/// Turnover and costs per calendar year from a run's trade list, with the definitions of the full-window metrics
/// (docs/metrics.md): Vₖ is the NAV before the row's trades, which is the NAV after them plus the row's costs (trades
/// exchange assets for cash at the close; only the costs leave the portfolio). Summed over the years and divided by the
/// window's years Y, the turnover and the cost bps give <c>turnover_one_way_annual</c> and <c>cost_drag_bps_per_year</c>.
/// Every calendar year the window touches has an entry, years without a rebalance included.
/// </summary>
public static class TradingByYear
{
    /// <summary>The years of the window <paramref name="dates"/>, in order.</summary>
    /// <param name="dates">The window's dates.</param>
    /// <param name="equity">NAV at each row's close after its trades and costs.</param>
    /// <param name="trades">The run's trades (row 0, the initial investment, is skipped).</param>
    public static IReadOnlyList<YearTrading> Compute(ReadOnlySpan<DateOnly> dates, ReadOnlySpan<double> equity, IReadOnlyList<TradeRecord> trades)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var result = new List<YearTrading>();
        if (dates.Length == 0)
        {
            return result;
        }

        var firstYear = dates[0].Year;
        var years = dates[^1].Year - firstYear + 1;
        var rebalances = new int[years];
        var turnover = new double[years];
        var costs = new double[years];
        var bps = new double[years];
        var i = 0;
        while (i < trades.Count)
        {
            var row = trades[i].Row;
            var traded = 0.0;
            var cost = 0.0;
            for (; i < trades.Count && trades[i].Row == row; i++)
            {
                traded += Math.Abs(trades[i].Value);
                cost += trades[i].Cost;
            }

            if (row <= 0 || row >= equity.Length || traded <= 0)
            {
                continue;
            }

            var navBefore = equity[row] + cost;
            var y = dates[row].Year - firstYear;
            rebalances[y]++;
            turnover[y] += traded / (2 * navBefore);
            costs[y] += cost;
            bps[y] += 10_000 * cost / navBefore;
        }

        for (var y = 0; y < years; y++)
        {
            result.Add(new YearTrading(firstYear + y, rebalances[y], turnover[y], costs[y], bps[y]));
        }

        return result;
    }
}
