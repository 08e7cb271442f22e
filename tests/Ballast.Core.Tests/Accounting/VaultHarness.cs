using Ballast.Accounting;

namespace Ballast.Core.Tests.Accounting;

/// <summary>
/// Drives one vault the way the sequencer will: decide, apply if accepted, journal the record. Every rejection it
/// sees is checked to leave the state unchanged.
/// </summary>
internal sealed class VaultHarness
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly AccountId Operator = new("operator");
    public static readonly AccountId Reporter = new("reporter");
    public static readonly AccountId Fees = new("fees");
    public static readonly AccountId Alice = new("alice");
    public static readonly AccountId Bob = new("bob");
    public static readonly AccountId Carol = new("carol");

    public VaultHarness(VaultConfig config)
    {
        Vault = new Vault(config, Start);
    }

    public VaultHarness(int offset = 0, int decimals = 18)
        : this(Config(offset, decimals))
    {
    }

    public Vault Vault { get; }

    public DateTimeOffset Now { get; private set; } = Start;

    public List<VaultOperation> Journal { get; } = [];

    public static VaultConfig Config(int offset = 0, int decimals = 18) => new()
    {
        Asset = new Asset(new AssetSymbol("TKN"), decimals),
        DecimalsOffset = offset,
        Operator = Operator,
        Reporter = Reporter,
        FeeRecipient = Fees,
    };

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Decides with <paramref name="decide"/> at <see cref="Now"/>; applies and journals when accepted.</summary>
    public Decision<T> Try<T>(Func<Vault, DateTimeOffset, Decision<T>> decide)
        where T : VaultOperation
    {
        var before = Vault.Snapshot();
        var decision = decide(Vault, Now);
        if (decision.IsAccepted)
        {
            Vault.Apply(decision.Operation);
            Journal.Add(decision.Operation);
        }
        else
        {
            Assert.Equal(before, Vault.Snapshot());
        }

        return decision;
    }

    public T Do<T>(Func<Vault, DateTimeOffset, Decision<T>> decide)
        where T : VaultOperation
    {
        var decision = Try(decide);
        Assert.True(decision.IsAccepted, $"expected acceptance, got {decision.Rejection}");
        return decision.Operation;
    }

    public Rejection Refuse<T>(Func<Vault, DateTimeOffset, Decision<T>> decide, string code)
        where T : VaultOperation
    {
        var decision = Try(decide);
        Assert.False(decision.IsAccepted, $"expected {code}, got {decision.Operation}");
        Assert.Equal(code, decision.Rejection.Code);
        return decision.Rejection;
    }

    public Deposited Deposit(AccountId who, UInt128 assets) => Do((v, now) => v.DecideDeposit(who, assets, now));

    public Deposited Mint(AccountId who, UInt128 shares) => Do((v, now) => v.DecideMint(who, shares, now));

    public Withdrawn Withdraw(AccountId who, UInt128 assets) => Do((v, now) => v.DecideWithdraw(who, assets, now));

    public Withdrawn Redeem(AccountId who, UInt128 shares) => Do((v, now) => v.DecideRedeem(who, shares, now));

    public AssetsDonated Donate(UInt128 assets) => Do((v, now) => v.DecideDonate(Carol, assets, now));

    public LossRecorded Lose(UInt128 assets) => Do((v, now) => v.DecideLoss(assets, now));

    public VaultOperation Report(UInt128 totalAssets) => Do((v, now) => v.DecideReport(Reporter, totalAssets, now));

    /// <summary>A fresh vault with the same config and every journaled record applied.</summary>
    public Vault Replay()
    {
        var fresh = new Vault(Vault.Config, Start);
        foreach (var operation in Journal)
        {
            fresh.Apply(operation);
        }

        return fresh;
    }

    /// <summary>Supply is free balances plus locked shares, and locked shares are the requests' shares.</summary>
    public static void AssertInvariants(Vault vault)
    {
        UInt128 free = 0;
        foreach (var (_, shares) in vault.Ledger.Balances)
        {
            Assert.NotEqual(UInt128.Zero, shares);
            free += shares;
        }

        UInt128 locked = 0;
        foreach (var request in vault.PendingWithdrawals())
        {
            locked += request.Shares;
        }

        Assert.Equal(vault.Ledger.LockedShares, locked);
        Assert.Equal(vault.TotalSupply, free + locked);
    }
}
