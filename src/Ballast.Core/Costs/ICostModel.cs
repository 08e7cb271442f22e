namespace Ballast.Costs;

/// <summary>
/// What trading costs, per asset and direction, as the trade sizing sees it: a rate per unit of value bought, a rate
/// per unit of value sold, and a fixed amount per trade. One model serves the backtester (proportional bps and half the
/// spread, the same both ways) and the protocol (a child vault's entry fee on buys, its exit fee on sells, the composed
/// vault's fixed cost per operation); <see cref="SizingSolve"/> sizes trades against either.
/// </summary>
public interface ICostModel
{
    /// <summary>The number of assets the model prices, in universe (or child) order.</summary>
    int Assets { get; }

    /// <summary>The fixed cost charged once per traded asset (per child operation in the protocol).</summary>
    double FixedPerTrade { get; }

    /// <summary>Cost per unit of value bought of asset <paramref name="asset"/>.</summary>
    double BuyRate(int asset);

    /// <summary>Cost per unit of value sold of asset <paramref name="asset"/>.</summary>
    double SellRate(int asset);
}
