using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Hashing;
using Ballast.Io.Protocol;
using Ballast.Policies;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using static Ballast.Io.Tests.Protocol.ProtocolHarness;

namespace Ballast.Io.Tests.Protocol;

/// <summary>Governance through the protocol's sequencer and journal: BANK, veBANK, a proposal that adopts a policy, gauges.</summary>
public class GovernanceProtocolTests
{
    private const long Day = 86_400;
    private static readonly UInt128 Token = ExactMath.Pow10(18);
    private static readonly AccountId Guardian = new("guardian");
    private static readonly GaugeId MixGauge = new("mix");

    private static readonly GovernanceParameters Parameters = new(Day, 3 * Day, 1_000, 0, 2 * Day, 7 * Day, Guardian);

    private const string BandPolicy = "name: band\nuniverse: [A, B, C]\nweights: { scheme: fixed, targets: { A: 0.4, B: 0.4, C: 0.2 } }\ntrigger: { drift: { relative: 0.2 } }\n";

    private static void Advance(ProtocolHarness h, long seconds) => h.Clock.Now = h.Clock.Now.AddSeconds(seconds);

    private static PolicyHash BandHash => SpecPolicyCompiler.Instance.Compile("band", BandPolicy).Hash;

    private static long Open(ProtocolHarness h)
    {
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new MintBank(h.Id(), Issuer, Bob, 500 * Token));
        var year = h.Clock.Now.ToUnixTimeSeconds() + (365 * Day);
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, year));
        h.Must(new CreateLock(h.Id(), Bob, 500 * Token, year));
        Advance(h, 1);
        var e = h.Must(new Propose(h.Id(), Alice, [new AdoptPolicy(new VaultId("mix"), BandHash, BandPolicy, null), new AddGauge(MixGauge)], "switch mix to a 20% band; make it a gauge"));
        return ((ProposalCreated)((GovernorRecorded)e.Events[0]).Operation).ProposalId;
    }

    [Fact]
    public void Proposal_AdoptingAPolicy_RunsItsLifecycleAndSwitchesTheVault()
    {
        using var h = new ProtocolHarness();
        h.Deposit(Alice, 1_000_000);
        var before = h.Mix.PolicyHash;
        var id = Open(h);

        Assert.Equal(CommandStatus.Rejected, h.Submit(new CastVote(h.Id(), Alice, id, 1)).Status); // still Pending
        Advance(h, Day + 1);
        h.Must(new CastVote(h.Id(), Alice, id, 1));
        h.Must(new CastVote(h.Id(), Bob, id, 0));
        Assert.Equal(CommandStatus.Rejected, h.Submit(new CastVote(h.Id(), Alice, id, 1)).Status);
        Advance(h, 3 * Day);
        h.Must(new QueueProposal(h.Id(), Alice, id));
        Assert.Equal(CommandStatus.Rejected, h.Submit(new ExecuteProposal(h.Id(), Bob, id)).Status);
        Assert.Equal(before, h.Mix.PolicyHash);

        Advance(h, 2 * Day);
        h.Must(new ExecuteProposal(h.Id(), Bob, id));

        Assert.Equal(BandHash, h.Mix.PolicyHash);
        Assert.Equal([400_000, 400_000, 200_000], h.Mix.TargetsPpm!);
        Assert.True(h.State.Governance!.Gauges.IsActive(MixGauge));

        // The vault now follows the band policy: the next keeper call rebalances to 40/40/20.
        h.Day();
        h.Day();
        var e = Assert.IsType<Rebalanced>(Assert.Single(h.Keep().Events));
        Assert.Equal(BandHash, e.Policy);

        var live = h.Fingerprint();
        h.Reopen();
        Assert.Equal(live, h.Fingerprint());
        var report = JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance));
        Assert.True(report.IsValid, report.Discrepancy?.ToString());
    }

    [Fact]
    public void Execution_WithARefusedAction_AppliesNothing()
    {
        using var h = new ProtocolHarness();
        h.Deposit(Alice, 1_000_000);
        var first = Open(h);
        Advance(h, Day + 1);
        h.Must(new CastVote(h.Id(), Alice, first, 1));
        var second = ((ProposalCreated)((GovernorRecorded)h.Must(new Propose(h.Id(), Alice, [new AdoptPolicy(new VaultId("mix"), BandHash, BandPolicy, null), new AddGauge(MixGauge)], "again")).Events[0]).Operation).ProposalId;
        Advance(h, Day + 1);
        h.Must(new CastVote(h.Id(), Alice, second, 1));
        Advance(h, 3 * Day);
        h.Must(new QueueProposal(h.Id(), Alice, first));
        h.Must(new QueueProposal(h.Id(), Alice, second));
        Advance(h, 2 * Day);
        h.Must(new ExecuteProposal(h.Id(), Alice, first));

        // Put the original policy back by hand, then the second proposal's gauge action fails (the gauge exists):
        // its policy action must not apply either.
        h.Must(new SetPolicyCommand(h.Id(), Operator, new VaultId("mix"), "p", h.PolicyText));
        var before = h.Fingerprint();
        var refused = h.Submit(new ExecuteProposal(h.Id(), Alice, second));

        Assert.Equal(CommandStatus.Rejected, refused.Status);
        Assert.Equal(before, h.Fingerprint());
        Assert.NotEqual(BandHash, h.Mix.PolicyHash);
    }

    [Fact]
    public void Evidence_HonestClaimIsVerified_TamperedMetricIsFlagged_UnknownDataSaysSo()
    {
        // A small price file for A, B and C; the claim is a backtest of the band policy on it.
        var csv = Path.Combine(Path.GetTempPath(), $"ballast-evidence-{Guid.NewGuid():N}.csv");
        var lines = new List<string> { "Date,A,B,C" };
        var random = new Random(7);
        double a = 100, b = 100, c = 100;
        for (var d = 0; d < 60; d++)
        {
            lines.Add(FormattableString.Invariant($"{new DateOnly(2023, 1, 2).AddDays(d):yyyy-MM-dd},{a:F4},{b:F4},{c:F4}"));
            a *= 1 + ((random.NextDouble() - 0.5) * 0.04);
            b *= 1 + ((random.NextDouble() - 0.5) * 0.02);
            c *= 1 + ((random.NextDouble() - 0.5) * 0.01);
        }

        File.WriteAllLines(csv, lines);
        try
        {
            var verifier = new DataEvidenceVerifier();
            verifier.Register(csv);
            var honest = DataEvidenceVerifier.Claim(BandPolicy, BandHash, csv, Ballast.Data.ValueKind.Prices, Ballast.Data.FillMode.None, new DateOnly(2023, 1, 2), new DateOnly(2023, 3, 2));
            var tampered = honest with { Metrics = new Dictionary<string, string>(honest.Metrics) { ["cagr"] = "0.5" } };
            var unknown = honest with { DataDigest = Sha256Digest.Zero };

            // A claim over years the data does not have is not verified by the years it has.
            var stretched = DataEvidenceVerifier.Claim(BandPolicy, BandHash, csv, Ballast.Data.ValueKind.Prices, Ballast.Data.FillMode.None, new DateOnly(2023, 1, 2), new DateOnly(2023, 3, 2)) with { PeriodFrom = new DateOnly(2020, 1, 1), PeriodTo = new DateOnly(2030, 1, 1) };
            var widened = verifier.Check(stretched, BandPolicy, BandHash);
            Assert.NotNull(widened);
            Assert.Contains(widened.Mismatches, m => m.Field == "period_from");
            Assert.Contains(widened.Mismatches, m => m.Field == "period_to");

            using var h = new ProtocolHarness(evidence: verifier);
            h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
            h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
            h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));
            var results = new[] { honest, tampered, unknown }.Select(claim =>
            {
                Advance(h, 1);
                var outcome = h.Must(new Propose(h.Id(), Alice, [new AdoptPolicy(new VaultId("mix"), BandHash, BandPolicy, claim)], "with evidence"));
                return Assert.IsType<EvidenceChecked>(outcome.Events[1]);
            }).ToList();

            Assert.Equal("verified", results[0].Result);
            Assert.Equal("mismatch", results[1].Result);
            var mismatch = Assert.Single(results[1].Mismatches);
            Assert.Contains("cagr", mismatch.Field, StringComparison.Ordinal);
            Assert.Equal("0.5", mismatch.Claimed);
            Assert.Equal("data-unknown", results[2].Result);
            Assert.True(JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance, verifier)).IsValid);

            // Submitted where the data was unknown: "data-unknown" stays a true record even for a verifier that knows the data.
            using var blind = new ProtocolHarness();
            blind.Must(new InitGovernance(blind.Id(), Issuer, Parameters));
            blind.Must(new MintBank(blind.Id(), Issuer, Alice, 1_000 * Token));
            blind.Must(new CreateLock(blind.Id(), Alice, 1_000 * Token, blind.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));
            Advance(blind, 1);
            Assert.Equal("data-unknown", Assert.IsType<EvidenceChecked>(blind.Must(new Propose(blind.Id(), Alice, [new AdoptPolicy(new VaultId("mix"), BandHash, BandPolicy, honest)], "blind")).Events[1]).Result);
            Assert.True(JournalReplay.Verify(blind.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance, verifier)).IsValid);

            // The claim says how the file is read: the same metrics claimed for the file read as returns are false.
            Assert.Equal("prices", honest.Values);
            var asReturns = verifier.Check(honest with { Values = "fraction" }, BandPolicy, BandHash);
            Assert.NotNull(asReturns);
            Assert.False(asReturns.Verified);
            Assert.Contains(asReturns.Mismatches, m => m.Field == "metric:rebalances");
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static long Pass(ProtocolHarness h, params GovernanceAction[] actions)
    {
        Advance(h, 1);
        var id = ((ProposalCreated)((GovernorRecorded)h.Must(new Propose(h.Id(), Alice, [.. actions], "test")).Events[0]).Operation).ProposalId;
        Advance(h, Day + 1);
        h.Must(new CastVote(h.Id(), Alice, id, 1));
        Advance(h, 3 * Day);
        h.Must(new QueueProposal(h.Id(), Alice, id));
        Advance(h, 2 * Day);
        h.Must(new ExecuteProposal(h.Id(), Alice, id));
        return id;
    }

    [Fact]
    public void Proposals_ChangeRails_AndLaunchAVaultThatBecomesAGauge()
    {
        using var h = new ProtocolHarness();
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));

        var refused = h.Submit(new Propose(h.Id(), Alice, [new ChangeVaultSettings(new VaultId("mix"), new Dictionary<string, string> { ["max_stp_ppm"] = "1" })], "typo"));
        Assert.Equal("invalid-action", refused.Rejection?.Code);
        Assert.Contains("unknown setting 'max_stp_ppm'", refused.Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("unknown setting 'max_step_ppm' for a simple vault", h.Submit(new Propose(h.Id(), Alice, [new ChangeVaultSettings(new VaultId("A"), new Dictionary<string, string> { ["max_step_ppm"] = "1" })], "simple")).Rejection!.Message, StringComparison.Ordinal);

        Pass(h, new ChangeVaultSettings(new VaultId("mix"), new Dictionary<string, string> { ["max_step_ppm"] = "50000", ["cost_budget"] = "1000000000" }));
        Assert.Equal(50_000, h.Mix.Spec.Rails.MaxStepPpm);
        Assert.Equal((UInt128)1_000_000_000, h.Mix.Spec.Rails.CostBudget);

        Assert.Contains("expected whole basis points from 0 to 5000", h.Submit(new Propose(h.Id(), Alice, [new ChangeVaultSettings(new VaultId("A"), new Dictionary<string, string> { ["exit_fee_bps"] = "9000" })], "too high")).Rejection!.Message, StringComparison.Ordinal);
        Pass(h, new ChangeVaultSettings(new VaultId("A"), new Dictionary<string, string> { ["entry_fee_bps"] = "30", ["exit_fee_bps"] = "25" }));
        Assert.Equal(30, h.State.SimpleVaults[new VaultId("A")].Vault.Config.EntryFeeBps);
        Assert.Equal(25, h.State.SimpleVaults[new VaultId("A")].Vault.Config.ExitFeeBps);
        Assert.Equal(10, h.State.SimpleVaults[new VaultId("B")].Vault.Config.EntryFeeBps);

        Pass(h, new LaunchComposedVault(new VaultId("mix2"), BandPolicy, null), new AddGauge(new GaugeId("mix2")));
        var launched = h.State.ComposedVaults[new VaultId("mix2")];
        Assert.Equal(BandHash, launched.PolicyHash);
        Assert.Equal("governance", launched.Spec.Operator.Value);
        Assert.True(h.State.Governance!.Gauges.IsActive(new GaugeId("mix2")));
        h.Fund(Bob, 1_000);
        // A vault launched by governance prices flows forward (the default): a request, filled after every child reports.
        Assert.Equal(FlowRejections.ForwardPricing, h.Submit(new DepositCommand(h.Id(), Bob, new VaultId("mix2"), 1_000_000_000)).Rejection!.Code);
        h.Must(new RequestDepositCommand(h.Id(), Bob, new VaultId("mix2"), 1_000_000_000));
        h.Day();
        h.Must(new FillRequestCommand(h.Id(), Keeper, new VaultId("mix2")));
        Assert.NotEqual(UInt128.Zero, launched.Ledger.BalanceOf(Bob));

        var live = h.Fingerprint();
        h.Reopen();
        Assert.Equal(live, h.Fingerprint());
        Assert.True(JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance)).IsValid);
    }

    [Fact]
    public void Proposals_ThatCouldNotApply_AreRefusedWhenProposed_AndSettingsCombine()
    {
        using var h = new ProtocolHarness();
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));

        Assert.Contains("already exists", h.Submit(new Propose(h.Id(), Alice, [new AddGauge(MixGauge), new AddGauge(MixGauge)], "twice")).Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("launched twice", h.Submit(new Propose(h.Id(), Alice, [new LaunchComposedVault(new VaultId("m2"), BandPolicy, null), new LaunchComposedVault(new VaultId("m2"), BandPolicy, null)], "twice")).Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("must be launched before", h.Submit(new Propose(h.Id(), Alice, [new AddGauge(new GaugeId("m2")), new LaunchComposedVault(new VaultId("m2"), BandPolicy, null)], "order")).Rejection!.Message, StringComparison.Ordinal);

        Pass(h, new ChangeVaultSettings(new VaultId("mix"), new Dictionary<string, string> { ["max_step_ppm"] = "50000" }), new ChangeVaultSettings(new VaultId("mix"), new Dictionary<string, string> { ["cost_budget"] = "1000" }));
        Assert.Equal(50_000, h.Mix.Spec.Rails.MaxStepPpm);
        Assert.Equal((UInt128)1_000, h.Mix.Spec.Rails.CostBudget);
    }

    [Fact]
    public void SystemAccounts_CannotActOrBePaid()
    {
        using var h = new ProtocolHarness();
        h.Deposit(Alice, 1_000);
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));
        var before = h.Fingerprint();

        foreach (var command in new ProtocolCommand[]
        {
            new TransferBank(h.Id(), GovernanceState.EscrowAccount, Bob, 1_000 * Token),
            new TransferAsset(h.Id(), h.Mix.Account, new AssetSymbol("USD"), Bob, 1),
            new TransferBank(h.Id(), MixGauge.Account, Bob, 1),
            new MintBank(h.Id(), Issuer, MixGauge.Account, 1),
            new IssueAsset(h.Id(), Issuer, new AssetSymbol("USD"), h.Mix.Account, 1),
        })
        {
            Assert.Equal("reserved-account", h.Submit(command).Rejection?.Code);
        }

        Assert.Equal(before, h.Fingerprint());
    }

    [Fact]
    public void Gauge_VotesAndEmissions_PayDepositorsAndConserveBank()
    {
        using var h = new ProtocolHarness();
        h.Deposit(Alice, 1_000_000);
        var id = Open(h);
        Advance(h, Day + 1);
        h.Must(new CastVote(h.Id(), Alice, id, 1));
        Advance(h, 3 * Day);
        h.Must(new QueueProposal(h.Id(), Alice, id));
        Advance(h, 2 * Day);
        h.Must(new ExecuteProposal(h.Id(), Alice, id));

        h.Must(new VoteGauge(h.Id(), Alice, MixGauge, 10_000));
        h.Deposit(Bob, 500_000);                                  // gauge shares follow the vault's shares
        Assert.Equal(CommandStatus.Rejected, h.Submit(new VoteGauge(h.Id(), Alice, MixGauge, 5_000)).Status); // 10-day cooldown
        var week = ((h.Clock.Now.ToUnixTimeSeconds() / Weeks.Week) + 1) * Weeks.Week;
        h.Clock.Now = DateTimeOffset.FromUnixTimeSeconds(week + Weeks.Week + 1);
        var emitted = 1_000 * Token;
        h.Must(new DistributeEmission(h.Id(), Issuer, week, emitted));
        h.Clock.Now = DateTimeOffset.FromUnixTimeSeconds(week + (2 * Weeks.Week) + 1);
        h.Must(new ClaimGaugeReward(h.Id(), Bob, MixGauge));
        h.Must(new ClaimGaugeReward(h.Id(), Alice, MixGauge));      // Alice held shares before the gauge existed: she joined it when it was added
        Assert.True(h.State.Governance!.Bank.BalanceOf(Alice) > 0);

        var g = h.State.Governance!;
        var bob = g.Bank.BalanceOf(Bob);
        Assert.True(bob > 0, "Bob held shares in the gauge's vault and is paid");
        var report = g.Gauges.RewardsAt(MixGauge, h.Clock.Now.ToUnixTimeSeconds());
        Assert.Equal(report.Emitted, report.Claimed + report.Claimable + report.Dust + report.Unattributed + (report.Emitted - report.Released));
        Assert.Equal(emitted - report.Claimed, g.Bank.BalanceOf(MixGauge.Account));
        Assert.True(JournalReplay.Verify(h.Store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance)).IsValid);
    }

    /// <summary>
    /// A journal whose chain holds (hashes recomputed) but whose gauge record names a gauge id the protocol could never
    /// have accepted: verification and loading both refuse it at that event, naming the JSON member; an untouched
    /// journal with the same gauge verifies.
    /// </summary>
    [Fact]
    public void Journal_WithABadGaugeIdInARecomputedChain_IsRefusedAtItsEventNamingTheMember()
    {
        using var h = new ProtocolHarness();
        h.Must(new InitGovernance(h.Id(), Issuer, Parameters));
        h.Must(new MintBank(h.Id(), Issuer, Alice, 1_000 * Token));
        h.Must(new CreateLock(h.Id(), Alice, 1_000 * Token, h.Clock.Now.ToUnixTimeSeconds() + (365 * Day)));
        Pass(h, new AddGauge(MixGauge));
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var events = h.Store.Read().ToList();
        Assert.True(JournalReplay.Verify(events, engine).IsValid);
        var added = events.Single(e => e.Type == "gauge" && e.Payload.Contains("\"$type\":\"gauge-added\"", StringComparison.Ordinal)).Sequence;

        var forged = JournalBuilder.Build(JournalHead.Empty, events.Select(e => new JournalEventDraft(e.Time, e.Type, e.CommandId,
            e.Sequence == added ? e.Payload.Replace("\"gauge\":\"mix\"", "\"gauge\":\"m ix\"", StringComparison.Ordinal) : e.Payload)));
        Assert.Contains("\"gauge\":\"m ix\"", forged[(int)added - 1].Payload, StringComparison.Ordinal);
        const string Expected = "the gauge payload does not parse: 'm ix' is not a valid gauge id (a gauge is named by its composed vault's id";

        var report = JournalReplay.Verify(forged, engine);
        Assert.False(report.IsValid);
        Assert.Equal(added, report.Discrepancy!.Sequence);
        Assert.Contains(Expected, report.Discrepancy.What, StringComparison.Ordinal);
        Assert.Contains("(at $.operation.gauge)", report.Discrepancy.What, StringComparison.Ordinal);

        using var store = JournalStores.Open(h.Path + ".forged");
        foreach (var command in forged.GroupBy(e => e.CommandId))
        {
            store.Append(command.Key, [.. command]);
        }

        var error = Assert.Throws<JournalCorruptedException>(() => BlockingJournal.Sequencer(store, engine, h.Clock));
        Assert.Equal(added, error.Sequence);
        Assert.Contains(Expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("(at $.operation.gauge); run ballast verify", error.Message, StringComparison.Ordinal);
    }
}
