using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// A protocol on a temporary SQLite journal with a hand-moved clock: an asset, three simple vaults and a composed
/// vault over them. Flows are priced immediately unless <c>pricing</c> says forward (the protocol's default): the
/// tests of deposit, redemption and rebalance mechanics use the immediate path, ForwardPricingTests the requests.
/// </summary>
internal sealed class ProtocolHarness : IDisposable
{
    public static readonly AccountId Issuer = new("issuer");
    public static readonly AccountId Operator = new("operator");
    public static readonly AccountId Reporter = new("reporter");
    public static readonly AccountId Alice = new("alice");
    public static readonly AccountId Bob = new("bob");
    public static readonly AccountId Keeper = new("keeper");
    public static readonly string[] Children = ["A", "B", "C"];

    private int _next;

    public ProtocolHarness(RebalanceRails? rails = null, string trigger = "{ drift: { absolute: 0.05 } }", int feeBps = 10, bool instant = true, int delayDays = 0, int childOffset = 6, string? weights = null, IEvidenceVerifier? evidence = null, PricingMode pricing = PricingMode.Immediate)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ballast-protocol-{Guid.NewGuid():N}.db");
        Store = JournalStores.Open(Path);
        Clock = new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Evidence = evidence;
        Sequencer = BlockingJournal.Sequencer(Store, new ProtocolEngine(SpecPolicyCompiler.Instance, evidence), Clock);
        Must(new CreateAsset(Id(), Issuer, new AssetSymbol("USD"), 6));
        foreach (var child in Children)
        {
            Must(new CreateSimpleVault(Id(), Operator, new VaultId(child), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = childOffset, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), EntryFeeBps = feeBps, ExitFeeBps = feeBps, FlowFeesPaidOut = true, InstantWithdrawals = instant, WithdrawalDelaySeconds = delayDays * 86_400L, Pricing = pricing, MinReportIntervalSeconds = 0 }));
        }

        Must(new CreateComposedVault(Id(), Operator, new VaultId("mix"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, CostRecipient = new AccountId("costs"), Children = [.. Children.Select(c => new VaultId(c))], Rails = rails ?? RebalanceRails.None, Pricing = pricing }));
        PolicyText = $"name: p\nuniverse: [A, B, C]\nweights: {weights ?? "{ scheme: fixed, targets: { A: 0.5, B: 0.3, C: 0.2 } }"}\ntrigger: {trigger}\n";
        Must(new SetPolicyCommand(Id(), Operator, new VaultId("mix"), "p", PolicyText));
    }

    public string Path { get; }

    public Ballast.Protocol.Journal.IJournalStore Store { get; private set; }

    public ManualClock Clock { get; }

    public ProtocolSequencer Sequencer { get; private set; }

    public string PolicyText { get; }

    public IEvidenceVerifier? Evidence { get; }

    public ProtocolState State => Sequencer.State;

    public ComposedVaultState Mix => State.ComposedVaults[new VaultId("mix")];

    public string Id() => $"c{_next++}";

    public CommandOutcome Must(ProtocolCommand command)
    {
        var outcome = Sequencer.Submit(command);
        Assert.True(outcome.Status is CommandStatus.Applied, $"{command.GetType().Name} {command.Id}: {outcome.Status} {outcome.Rejection?.Code} {outcome.Rejection?.Message} {outcome.Note}");
        return outcome;
    }

    public CommandOutcome Submit(ProtocolCommand command) => Sequencer.Submit(command);

    public void Fund(AccountId who, ulong units) => Must(new IssueAsset(Id(), Issuer, new AssetSymbol("USD"), who, (UInt128)units * 1_000_000));

    public void Deposit(AccountId who, ulong units)
    {
        Fund(who, units);
        Must(new DepositCommand(Id(), who, new VaultId("mix"), (UInt128)units * 1_000_000));
    }

    /// <summary>Moves to the next day and reports each child's total assets multiplied by its factor.</summary>
    public void Day(params double[] factors)
    {
        Clock.Now = Clock.Now.AddDays(1);
        for (var i = 0; i < Children.Length; i++)
        {
            var vault = State.SimpleVaults[new VaultId(Children[i])].Vault;
            var factor = factors.Length > i ? factors[i] : 1.0;
            Must(new ReportNavCommand(Id(), Reporter, new VaultId(Children[i]), (UInt128)Math.Floor((double)vault.TotalAssets * factor)));
        }
    }

    public CommandOutcome Keep()
    {
        Clock.Now = Clock.Now.AddSeconds(1);
        return Sequencer.Submit(new RebalanceCommand(Id(), Keeper, new VaultId("mix")));
    }

    public UInt128 Nav => ProtocolEngine.Nav(State, Mix);

    /// <summary>Reopens the journal and rebuilds the state by replay.</summary>
    public void Reopen()
    {
        Store.Dispose();
        Store = JournalStores.Open(Path);
        Sequencer = BlockingJournal.Sequencer(Store, new ProtocolEngine(SpecPolicyCompiler.Instance, Evidence), Clock);
    }

    /// <summary>Everything observable about the state, as text (for before/after and live/replay comparisons).</summary>
    public string Fingerprint()
    {
        var s = State;
        var lines = new List<string>();
        lines.AddRange(s.Wallets.OrderBy(w => w.Key.Symbol + "|" + w.Key.Account.Value, StringComparer.Ordinal).Select(w => $"wallet {w.Key.Symbol} {w.Key.Account} {w.Value}"));
        foreach (var (id, sv) in s.SimpleVaults.OrderBy(v => v.Key))
        {
            var v = sv.Vault;
            lines.Add($"simple {id} assets {v.TotalAssets} supply {v.TotalSupply} locked {v.Ledger.LockedShares} paused {v.IsPaused} hwm {v.HighWaterMark} fees {v.Config.EntryFeeBps}/{v.Config.ExitFeeBps}/{v.Config.ManagementFeeBps}/{v.Config.PerformanceFeeBps} history {string.Join(";", sv.History.Select(h => $"{h.At:O}={h.Price}"))}");
            lines.AddRange(v.Ledger.Balances.OrderBy(b => b.Key).Select(b => $"  shares {b.Key} {b.Value}"));
        }

        foreach (var (id, cv) in s.ComposedVaults.OrderBy(v => v.Key))
        {
            lines.Add($"composed {id} assets {cv.Ledger.TotalAssets} supply {cv.Ledger.TotalSupply} paused {cv.Paused} policy {cv.PolicyHash} targets {string.Join(",", cv.TargetsPpm ?? [])} last {cv.LastRebalanceAt:O} budget {cv.CostBudget} rails {cv.Spec.Rails} operator {cv.Spec.Operator}");
            lines.AddRange(cv.Ledger.Balances.OrderBy(b => b.Key).Select(b => $"  shares {b.Key} {b.Value}"));
        }

        if (s.Governance is { } g)
        {
            lines.Add(g.Bank.Snapshot());
            lines.Add(g.Escrow.Snapshot());
            lines.Add(g.Governor.Snapshot());
            lines.Add(g.Gauges.Snapshot());
        }

        lines.Add($"requests next {s.Requests.NextId}");
        lines.AddRange(s.Requests.Pending.Select(r => $"  request {r}"));
        lines.Add($"events {s.EventCount} head {Sequencer.Head}");
        return string.Join('\n', lines);
    }

    public void Dispose()
    {
        Store.Dispose();
        foreach (var f in Directory.GetFiles(System.IO.Path.GetTempPath(), System.IO.Path.GetFileName(Path) + "*"))
        {
            File.Delete(f);
        }
    }
}
