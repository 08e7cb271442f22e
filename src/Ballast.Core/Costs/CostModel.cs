using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Costs;

/// <summary>
/// The cost model as rates per asset and direction plus a fixed cost per trade (see <see cref="ICostModel"/>). Built
/// from what specs carry today: a policy's <see cref="CostSpec"/> (<see cref="FromSpec"/>) or a composed vault's
/// children and rails (<see cref="ForChildVaults"/>).
/// </summary>
public sealed class CostModel : ICostModel
{
    private readonly ImmutableArray<double> _buy;
    private readonly ImmutableArray<double> _sell;

    /// <summary>A model with the given rates per unit of value (buy and sell, one per asset) and fixed cost per trade.</summary>
    /// <exception cref="ArgumentException">The rate lists differ in length, or a rate or the fixed cost is negative or not finite.</exception>
    public CostModel(ImmutableArray<double> buyRates, ImmutableArray<double> sellRates, double fixedPerTrade)
    {
        if (buyRates.Length != sellRates.Length)
        {
            throw new ArgumentException($"one buy rate and one sell rate per asset are needed ({buyRates.Length} buy, {sellRates.Length} sell)", nameof(sellRates));
        }

        if (buyRates.Concat(sellRates).Any(r => !(r >= 0) || !double.IsFinite(r)))
        {
            throw new ArgumentException("cost rates must be finite and non-negative", nameof(buyRates));
        }

        if (!(fixedPerTrade >= 0) || !double.IsFinite(fixedPerTrade))
        {
            throw new ArgumentException($"the fixed cost per trade must be finite and non-negative, not {fixedPerTrade}", nameof(fixedPerTrade));
        }

        _buy = buyRates;
        _sell = sellRates;
        FixedPerTrade = fixedPerTrade;
    }

    /// <inheritdoc/>
    public int Assets => _buy.Length;

    /// <inheritdoc/>
    public double FixedPerTrade { get; }

    /// <summary>Whether every asset costs the same per unit of value bought as sold (the backtester's model).</summary>
    public bool Symmetric => _buy.SequenceEqual(_sell);

    /// <summary>
    /// The backtester's model from a policy's costs: proportional bps plus half the spread, the same rate both ways
    /// (<see cref="CostSpec.Rate"/>), and the spec's fixed cost per traded asset.
    /// </summary>
    public static CostModel FromSpec(CostSpec costs, int assets)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ImmutableArray<double> rates = [.. Enumerable.Range(0, assets).Select(costs.Rate)];
        return new CostModel(rates, rates, costs.FixedPerTrade);
    }

    /// <summary>
    /// The protocol's model for a composed vault: buying a child pays its entry fee on the value bought, selling pays its
    /// exit fee on the value sold (both in basis points of <see cref="BasisPoints.One"/>), and every child operation pays
    /// the rails' fixed cost.
    /// </summary>
    public static CostModel ForChildVaults(IReadOnlyList<VaultConfig> children, UInt128 fixedCostPerOperation)
    {
        ArgumentNullException.ThrowIfNull(children);
        return new CostModel(
            [.. children.Select(c => c.EntryFeeBps / (double)BasisPoints.One)],
            [.. children.Select(c => c.ExitFeeBps / (double)BasisPoints.One)],
            (double)fixedCostPerOperation);
    }

    /// <inheritdoc/>
    public double BuyRate(int asset) => _buy[asset];

    /// <inheritdoc/>
    public double SellRate(int asset) => _sell[asset];
}
