using Ballast.Accounting;
using Ballast.Protocol;
using static Ballast.Core.Tests.Protocol.EngineHarness;

namespace Ballast.Core.Tests.Protocol;

/// <summary>The protocol engine on its own (no journal, no spec reader): decide, then apply.</summary>
public class ProtocolEngineTests
{
    [Fact]
    public void Deposit_IntoComposedVault_SplitsByTargetsAndPricesSharesNetOfEntryFees()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000_000);

        // 50/50 of 10^12 base units, each part paying 10 bps on top of what it credits.
        var a = h.State.SimpleVaults[new VaultId("A")].Vault;
        Assert.Equal((UInt128)499_500_499_500, a.TotalAssets);
        var nav = ProtocolEngine.Nav(h.State, h.Mix);
        Assert.Equal(nav, h.Mix.Ledger.TotalAssets);
        Assert.True(nav < 1_000_000_000_000 && nav > 998_000_000_000);

        // Shares are worth at most what arrived net of fees (rounding favours the vault).
        Assert.True(h.Mix.Ledger.ConvertToAssets(h.Mix.Ledger.BalanceOf(Alice), Rounding.Floor) <= nav);
        Assert.Equal(UInt128.Zero, h.State.Balance(new AssetSymbol("USD"), Alice));
    }

    [Fact]
    public void RejectedCommands_HaveTheirCodes_AndChangeNothing()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000);
        var before = h.Fingerprint();

        (ProtocolCommand Command, string Code)[] refused =
        [
            (new RedeemCommand(h.Id(), Bob, new VaultId("mix"), 1), Rejections.InsufficientShares),
            (new ReportNavCommand(h.Id(), Alice, new VaultId("A"), 1), Rejections.NotReporter),
            (new PauseCommand(h.Id(), Alice, new VaultId("mix")), Rejections.NotOperator),
            (new DepositCommand(h.Id(), Bob, new VaultId("mix"), 5), ProtocolRejections.InsufficientBalance),
            (new SetPolicyCommand(h.Id(), Alice, new VaultId("mix"), "p", h.PolicyText), Rejections.NotOperator),
            (new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "p", h.Compiler.Register("fixed A 1", FakePolicyCompiler.Fixed("p", ["A"], [1.0]))), RebalanceRejections.UniverseMismatch),
            (new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "p", "not a spec"), RebalanceRejections.InvalidPolicy),
            (new SetPolicyCommand(h.Id(), Operator, new VaultId("A"), "p", h.PolicyText), VaultRejections.NotSupported),
            (new CreateAsset(h.Id(), Alice, new AssetSymbol("USD"), 6), AssetRejections.AssetExists),
            (new CreateAsset(h.Id(), Alice, default, 6), AssetRejections.InvalidSymbol),
            (new CreateAsset(h.Id(), Alice, new AssetSymbol("EUR"), 99), AssetRejections.InvalidDecimals),
            (new IssueAsset(h.Id(), Alice, new AssetSymbol("USD"), Alice, 5), AssetRejections.NotIssuer),
            (new IssueAsset(h.Id(), Issuer, new AssetSymbol("EUR"), Alice, 5), AssetRejections.UnknownAsset),
            (new TransferAsset(h.Id(), Alice, new AssetSymbol("USD"), new AccountId("vault:mix"), 1), AssetRejections.ReservedAccount),
            (new RebalanceCommand(h.Id(), Keeper, new VaultId("nope")), VaultRejections.UnknownVault),
            (new RebalanceCommand(h.Id(), Keeper, new VaultId("A")), VaultRejections.NotSupported),
            (new CreateSimpleVault(h.Id(), Operator, new VaultId("A"), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, Reporter = Reporter, FeeRecipient = Operator }), VaultRejections.VaultExists),
            (new CreateSimpleVault(h.Id(), Operator, default, new SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, Reporter = Reporter, FeeRecipient = Operator }), VaultRejections.InvalidVaultId),
            (new DepositCommand(h.Id(), Alice, default, 5), VaultRejections.UnknownVault),
            (new CreateComposedVault(h.Id(), Alice, new VaultId("bad id"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Alice, CostRecipient = Alice, Children = [new VaultId("A")] }), VaultRejections.InvalidVaultId),
            (new CreateComposedVault(h.Id(), Alice, new VaultId("twins"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Alice, CostRecipient = Alice, Children = [new VaultId("A"), new VaultId("A")] }), VaultRejections.InvalidChildren),
            (new CreateComposedVault(h.Id(), Alice, new VaultId("railed"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Alice, CostRecipient = Alice, Children = [new VaultId("A")], Rails = RebalanceRails.None with { MaxChildPpm = 0 } }), VaultRejections.InvalidRails),
            (new MintBank(h.Id(), Alice, Alice, 1), GovernanceBridgeRejections.NoGovernance),
        ];
        foreach (var (command, code) in refused)
        {
            var outcome = h.Submit(command);
            Assert.True(outcome.Status == CommandStatus.Rejected, $"{command.GetType().Name}: {outcome.Status}");
            Assert.Equal(code, outcome.Rejection!.Code);
        }

        Assert.Equal(before, h.Fingerprint());
    }

    [Fact]
    public void Decide_LeavesTheStateAsItWas()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000);
        h.Fund(Alice, 10);
        var before = h.Fingerprint();
        var at = h.Now.AddDays(1);

        // Decided but not applied: every kind of module, none of them may write to the state.
        ProtocolCommand[] commands =
        [
            new DepositCommand(h.Id(), Alice, new VaultId("mix"), 1_000_000),
            new RedeemCommand(h.Id(), Alice, new VaultId("mix"), h.Mix.Ledger.BalanceOf(Alice)),
            new RebalanceCommand(h.Id(), Keeper, new VaultId("mix")),
            new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "q", h.Compiler.Register("fixed A 0.6 B 0.4", FakePolicyCompiler.Fixed("q", ["A", "B"], [0.6, 0.4]))),
            new ReportNavCommand(h.Id(), Reporter, new VaultId("A"), h.State.SimpleVaults[new VaultId("A")].Vault.TotalAssets + 1),
            new InitGovernance(h.Id(), Issuer, Parameters),
        ];
        foreach (var command in commands)
        {
            var outcome = h.Engine.Decide(h.State, command, at);
            Assert.True(outcome.Status != CommandStatus.Rejected, $"{command.GetType().Name}: {outcome.Rejection}");
        }

        Assert.Equal(before, h.Fingerprint());
    }

    [Fact]
    public void Replay_ThroughApply_RebuildsTheSameState()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000);
        h.Deposit(Bob, 250);
        h.Must(new RedeemCommand(h.Id(), Alice, new VaultId("mix"), h.Mix.Ledger.BalanceOf(Alice) / 3));

        var replayed = new ProtocolState();
        var engine = new ProtocolEngine(h.Compiler);
        foreach (var (e, at) in h.Events)
        {
            engine.Apply(replayed, e, at);
        }

        Assert.Equal(h.State.EventCount, replayed.EventCount);
        Assert.Equal(ProtocolEngine.Nav(h.State, h.Mix), ProtocolEngine.Nav(replayed, replayed.ComposedVaults[new VaultId("mix")]));
        Assert.Equal(h.State.Wallets.OrderBy(w => w.Key.Account.Value).ThenBy(w => w.Key.Symbol), replayed.Wallets.OrderBy(w => w.Key.Account.Value).ThenBy(w => w.Key.Symbol));
        Assert.Equal(h.Mix.TargetsPpm, replayed.ComposedVaults[new VaultId("mix")].TargetsPpm);
    }

    [Fact]
    public void Apply_AnEventNoModuleOwns_Throws()
    {
        var h = new EngineHarness();
        Assert.Throws<ArgumentException>(() => h.Engine.Apply(h.State, new UnknownEvent(), h.Now));
    }

    private sealed record UnknownEvent : ProtocolEvent;
}
