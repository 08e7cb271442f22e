using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Costs;
using Ballast.Policies;

namespace Ballast.Core.Tests.Costs;

public class CostModelTests
{
    [Fact]
    public void FromSpec_ChargesProportionalBpsPlusHalfTheSpread_TheSameBothWays()
    {
        var model = CostModel.FromSpec(new CostSpec([10, 0], [4, 30], 2.5), 2);
        Assert.Equal(12 / 10_000.0, model.BuyRate(0), 15);
        Assert.Equal(12 / 10_000.0, model.SellRate(0), 15);
        Assert.Equal(15 / 10_000.0, model.BuyRate(1), 15);
        Assert.Equal(2.5, model.FixedPerTrade);
        Assert.True(model.Symmetric);
    }

    [Fact]
    public void ForChildVaults_ChargesTheEntryFeeOnBuysAndTheExitFeeOnSells()
    {
        var someone = new AccountId("someone");
        var plain = new VaultConfig { Asset = new Asset(new AssetSymbol("USD"), 6), Operator = someone, Reporter = someone, FeeRecipient = someone };
        var model = CostModel.ForChildVaults([plain with { EntryFeeBps = 25, ExitFeeBps = 40 }, plain], 7);
        Assert.Equal(0.0025, model.BuyRate(0), 15);
        Assert.Equal(0.0040, model.SellRate(0), 15);
        Assert.Equal(0, model.BuyRate(1));
        Assert.Equal(7, model.FixedPerTrade);
        Assert.False(model.Symmetric);
    }

    [Fact]
    public void Constructor_RefusesNegativeRatesAndMismatchedLists()
    {
        Assert.Throws<ArgumentException>(() => new CostModel([0.1], [-0.1], 0));
        Assert.Throws<ArgumentException>(() => new CostModel([0.1, 0.2], [0.1], 0));
        Assert.Throws<ArgumentException>(() => new CostModel(ImmutableArray<double>.Empty, ImmutableArray<double>.Empty, double.NaN));
    }
}
