using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Policies;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// The engine without a journal: decide, then apply, on one in-memory state, one minute per command unless advanced.
/// USD (6 decimals), simple vaults A and B (offset 6, 10 bps entry and exit fees paid out, priced immediately) and a
/// composed vault "mix" holding them 50/50 under a fixed policy compiled by a <see cref="FakePolicyCompiler"/>.
/// </summary>
internal sealed class EngineHarness
{
    public static readonly AccountId Issuer = new("issuer");
    public static readonly AccountId Operator = new("operator");
    public static readonly AccountId Reporter = new("reporter");
    public static readonly AccountId Keeper = new("keeper");
    public static readonly AccountId Alice = new("alice");
    public static readonly AccountId Bob = new("bob");
    public const long Day = 86_400;

    /// <summary>Governance with a one-day voting delay, three-day vote, 10 % quorum, no threshold, two-day timelock.</summary>
    public static readonly GovernanceParameters Parameters = new(Day, 3 * Day, 1_000, 0, 2 * Day, 7 * Day, new AccountId("guardian"));

    private int _next;
    private JournalHead _head = JournalHead.Empty;

    public EngineHarness(FakePolicyCompiler? compiler = null, ProtocolEngine? engine = null, TriggerSpec? trigger = null, RebalanceRails? rails = null, bool journal = false)
    {
        Journal = journal ? [] : null;
        Compiler = compiler ?? new FakePolicyCompiler();
        Engine = engine ?? new ProtocolEngine(Compiler);
        PolicyText = Compiler.Register($"fixed A 0.5 B 0.5 {trigger}", FakePolicyCompiler.Fixed("p", ["A", "B"], [0.5, 0.5]) with { Trigger = trigger ?? new NoTrigger() });
        Must(new CreateAsset(Id(), Issuer, new AssetSymbol("USD"), 6));
        foreach (var child in new[] { "A", "B" })
        {
            Must(new CreateSimpleVault(Id(), Operator, new VaultId(child), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), EntryFeeBps = 10, ExitFeeBps = 10, FlowFeesPaidOut = true, Pricing = PricingMode.Immediate, MinReportIntervalSeconds = 0 }));
        }

        Must(new CreateComposedVault(Id(), Operator, new VaultId("mix"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, CostRecipient = new AccountId("costs"), Children = [new VaultId("A"), new VaultId("B")], Rails = rails ?? RebalanceRails.None, Pricing = PricingMode.Immediate }));
        Must(new SetPolicyCommand(Id(), Operator, new VaultId("mix"), "p", PolicyText));
    }

    public FakePolicyCompiler Compiler { get; }

    public ProtocolEngine Engine { get; }

    public string PolicyText { get; }

    public ProtocolState State { get; } = new();

    public DateTimeOffset Now { get; private set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The journal of every applied command (its <see cref="CommandAccepted"/> first), when asked for; null otherwise.</summary>
    public List<JournalEvent>? Journal { get; }

    /// <summary>Every applied event with its time, in order.</summary>
    public List<(ProtocolEvent Event, DateTimeOffset At)> Events { get; } = [];

    public ComposedVaultState Mix => State.ComposedVaults[new VaultId("mix")];

    public string Id() => $"c{_next++}";

    public void Advance(long seconds) => Now = Now.AddSeconds(seconds);

    public CommandOutcome Submit(ProtocolCommand command)
    {
        Now = Now.AddMinutes(1);
        var outcome = Engine.Decide(State, command, Now);
        if (outcome.Status == CommandStatus.Applied)
        {
            if (Journal is not null)
            {
                ProtocolEvent[] all = [CommandAccepted.Of(command), .. outcome.Events];
                var built = JournalBuilder.Build(_head, all.Select(e => new JournalEventDraft(Now, EventTypes.NameOf(e), command.Id, EventTypes.Payload(e))));
                Journal.AddRange(built);
                _head = JournalHead.After(built[^1]);
            }

            foreach (var e in outcome.Events)
            {
                Engine.Apply(State, e, Now);
                Events.Add((e, Now));
            }
        }

        return outcome;
    }

    public CommandOutcome Must(ProtocolCommand command)
    {
        var outcome = Submit(command);
        Assert.True(outcome.Status is CommandStatus.Applied, $"{command.GetType().Name}: {outcome.Status} {outcome.Rejection?.Code} {outcome.Rejection?.Message} {outcome.Note}");
        return outcome;
    }

    /// <summary>Issues <paramref name="usd"/> whole USD to <paramref name="who"/>.</summary>
    public void Fund(AccountId who, UInt128 usd) => Must(new IssueAsset(Id(), Issuer, new AssetSymbol("USD"), who, usd * 1_000_000));

    /// <summary>Funds <paramref name="who"/> and deposits the whole amount into "mix".</summary>
    public void Deposit(AccountId who, UInt128 usd)
    {
        Fund(who, usd);
        Must(new DepositCommand(Id(), who, new VaultId("mix"), usd * 1_000_000));
    }

    /// <summary>The next day: each child reports its total assets times its factor (1 when not given).</summary>
    public void NextDay(params double[] factors)
    {
        Now = Now.AddDays(1);
        string[] children = ["A", "B"];
        for (var i = 0; i < children.Length; i++)
        {
            var vault = State.SimpleVaults[new VaultId(children[i])].Vault;
            var factor = factors.Length > i ? factors[i] : 1.0;
            Must(new ReportNavCommand(Id(), Reporter, new VaultId(children[i]), (UInt128)Math.Floor((double)vault.TotalAssets * factor)));
        }
    }

    /// <summary>The keeper's rebalance of "mix".</summary>
    public CommandOutcome Keep() => Submit(new RebalanceCommand(Id(), Keeper, new VaultId("mix")));

    /// <summary>The weight of child A in "mix" at NAV.</summary>
    public double WeightOfA()
    {
        var a = State.SimpleVaults[new VaultId("A")].Vault;
        return (double)a.ConvertToAssets(a.BalanceOf(Mix.Account)) / (double)ProtocolEngine.Nav(State, Mix);
    }

    /// <summary>A text that equal states share: event count, wallets, vault totals and composed ledgers.</summary>
    public string Fingerprint() =>
        $"{State.EventCount}|{string.Join(",", State.Wallets.OrderBy(w => w.Key.Account.Value, StringComparer.Ordinal).ThenBy(w => w.Key.Symbol).Select(w => $"{w.Key.Symbol}/{w.Key.Account}={w.Value}"))}"
        + $"|{string.Join(",", State.SimpleVaults.Values.Select(v => $"{v.Id}:{v.Vault.TotalAssets}/{v.Vault.Ledger.TotalSupply}"))}"
        + $"|{string.Join(",", State.ComposedVaults.Values.Select(v => $"{v.Id}:{v.Ledger.TotalAssets}/{v.Ledger.TotalSupply}/{v.PolicyHash}/{v.Paused}"))}";
}
