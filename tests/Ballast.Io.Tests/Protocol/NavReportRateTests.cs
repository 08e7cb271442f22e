using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;

namespace Ballast.Io.Tests.Protocol;

/// <summary>NAV bounds per unit of time, through the protocol with a vault spec's defaults (as scenarios create them).</summary>
public class NavReportRateTests
{
    [Fact]
    public void FiftyReportsOfPlus20PercentInOneSecond_AtTheSpecsDefaults_ApplyOnce_ThenHoldAndPause()
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var reporter = new AccountId("reporter");
        var alice = new AccountId("alice");
        var next = 0;
        CommandOutcome Run(ProtocolCommand command)
        {
            var outcome = engine.Decide(state, command, now);
            foreach (var e in outcome.Events)
            {
                engine.Apply(state, e, now);
            }

            return outcome;
        }

        Run(new CreateAsset($"c{next++}", alice, new AssetSymbol("USD"), 6));
        Run(new IssueAsset($"c{next++}", alice, new AssetSymbol("USD"), alice, 1_000_000_000_000));
        Run(new CreateSimpleVault($"c{next++}", alice, new VaultId("A"), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = alice, Reporter = reporter, FeeRecipient = alice, MaxReportUpBps = 2_000, MaxReportDownBps = 2_000, Pricing = PricingMode.Immediate }));
        Run(new DepositCommand($"c{next++}", alice, new VaultId("A"), 1_000_000_000_000));
        now = now.AddDays(1);
        var vault = state.SimpleVaults[new VaultId("A")].Vault;
        for (var i = 0; i < 50; i++)
        {
            Run(new ReportNavCommand($"c{next++}", reporter, new VaultId("A"), vault.TotalAssets + (vault.TotalAssets / 5)));
        }

        Assert.True(vault.IsPaused);
        Assert.Equal(Rejections.NavReportTooSoon, vault.PendingReport!.ReasonCode);
        Assert.Equal((UInt128)1_200_000_000_000, vault.TotalAssets);
    }
}
