using System.Numerics;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// The protocol without a journal, for property tests: decide, then apply, on one in-memory state, one minute
/// per command. Two simple vaults A and B (USD, offset 6, the given fees, paid out) and a composed vault "mix"
/// holding them 50/50, all priced as asked.
/// </summary>
internal sealed class InMemoryProtocol
{
    public static readonly AccountId Issuer = new("issuer");
    public static readonly AccountId Operator = new("operator");
    public static readonly AccountId Reporter = new("reporter");
    public static readonly AccountId Keeper = new("keeper");
    public static readonly string[] Children = ["A", "B"];

    private readonly ProtocolEngine _engine = new(SpecPolicyCompiler.Instance);
    private int _next;

    public InMemoryProtocol(PricingMode pricing, int entryBps, int exitBps, RebalanceRails? rails = null, string? targets = null, string[]? children = null)
    {
        Kids = children ?? Children;
        Must(new CreateAsset(Id(), Issuer, new AssetSymbol("USD"), 6));
        foreach (var child in Kids)
        {
            Must(new CreateSimpleVault(Id(), Operator, new VaultId(child), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), EntryFeeBps = entryBps, ExitFeeBps = exitBps, FlowFeesPaidOut = true, Pricing = pricing, MinReportIntervalSeconds = 0 }));
        }

        Must(new CreateComposedVault(Id(), Operator, new VaultId("mix"), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, CostRecipient = new AccountId("costs"), Children = [.. Kids.Select(c => new VaultId(c))], Rails = rails ?? RebalanceRails.None, Pricing = pricing }));
        var weights = targets ?? string.Join(", ", Kids.Select(k => $"{k}: {1.0 / Kids.Length}"));
        Must(new SetPolicyCommand(Id(), Operator, new VaultId("mix"), "p", $"name: p\nuniverse: [{string.Join(", ", Kids)}]\nweights: {{ scheme: fixed, targets: {{ {weights} }} }}\ntrigger: {{ drift: {{ absolute: 0.02 }} }}\n"));
    }

    public string[] Kids { get; }

    public ProtocolState State { get; } = new();

    public DateTimeOffset Now { get; private set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every event applied so far, in order.</summary>
    public List<ProtocolEvent> Events { get; } = [];

    public string Id() => $"c{_next++}";

    public CommandOutcome Submit(ProtocolCommand command)
    {
        Now = Now.AddMinutes(1);
        var outcome = _engine.Decide(State, command, Now);
        if (outcome.Status == CommandStatus.Applied)
        {
            foreach (var e in outcome.Events)
            {
                _engine.Apply(State, e, Now);
                Events.Add(e);
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

    public void Fund(AccountId who, UInt128 amount) => Must(new IssueAsset(Id(), Issuer, new AssetSymbol("USD"), who, amount));

    public UInt128 Wallet(AccountId who) => State.Balance(new AssetSymbol("USD"), who);

    /// <summary>A report of <paramref name="child"/> moving its total assets by <paramref name="movePpm"/> (parts per million, floor); the due requests it would reprice are filled first, as the protocol requires.</summary>
    public void Report(string child, long movePpm, Action<CommandOutcome>? onFill = null)
    {
        var vault = State.SimpleVaults[new VaultId(child)].Vault;
        var reported = ExactMath.MulDiv(vault.TotalAssets, (UInt128)(1_000_000 + movePpm), 1_000_000, Rounding.Floor);
        var first = Submit(new ReportNavCommand(Id(), Reporter, new VaultId(child), reported));
        if (first.Rejection is { Code: FlowRejections.RequestsDue })
        {
            foreach (var vaultId in State.Requests.Pending.Select(r => r.Vault).Distinct().ToList())
            {
                FillAll(vaultId.Value, onFill);
            }

            first = Submit(new ReportNavCommand(Id(), Reporter, new VaultId(child), reported));
        }

        Assert.True(first.Status == CommandStatus.Applied, $"report {child}: {first.Rejection?.Code} {first.Rejection?.Message}");
    }

    /// <summary>Every child reports its total assets unchanged.</summary>
    public void ReportAllFlat(Action<CommandOutcome>? onFill = null)
    {
        foreach (var child in Kids)
        {
            Report(child, 0, onFill);
        }
    }

    /// <summary>Fills every due request of <paramref name="vault"/>, oldest first, one command each.</summary>
    public int FillAll(string vault, Action<CommandOutcome>? onFill = null)
    {
        var filled = 0;
        while (true)
        {
            var outcome = Submit(new FillRequestCommand(Id(), Keeper, new VaultId(vault)));
            if (outcome.Status == CommandStatus.Unchanged)
            {
                return filled;
            }

            Assert.Equal(CommandStatus.Applied, outcome.Status);
            filled++;
            onFill?.Invoke(outcome);
        }
    }

    /// <summary>Exact NAV of <paramref name="vault"/> (simple: total assets; composed: idle, children and cash in flight).</summary>
    public UInt128 Nav(string vault) => State.ComposedVaults.TryGetValue(new VaultId(vault), out var cv) ? ProtocolEngine.Nav(State, cv) : State.SimpleVaults[new VaultId(vault)].Vault.TotalAssets;

    /// <summary>Shares of <paramref name="who"/> in <paramref name="vault"/>, free and locked in requests.</summary>
    public UInt128 Shares(string vault, AccountId who) =>
        (State.ComposedVaults.TryGetValue(new VaultId(vault), out var cv) ? cv.Ledger.BalanceOf(who) : State.SimpleVaults[new VaultId(vault)].Vault.BalanceOf(who)) + State.Requests.Locked(new VaultId(vault), who);

    /// <summary>What <paramref name="who"/>'s shares are worth at NAV: floor(shares · (NAV + 1) / (supply + 10^offset)).</summary>
    public UInt128 Value(string vault, AccountId who)
    {
        var ledger = State.ComposedVaults.TryGetValue(new VaultId(vault), out var cv) ? cv.Ledger : State.SimpleVaults[new VaultId(vault)].Vault.Ledger;
        return ExactMath.MulDiv(Shares(vault, who), Nav(vault) + 1, ledger.TotalSupply + ledger.VirtualShares, Rounding.Floor);
    }

    /// <summary>Enters <paramref name="vault"/> with <paramref name="assets"/> (issued first): a request filled after flat reports, or an immediate deposit.</summary>
    public void Enter(string vault, AccountId who, UInt128 assets)
    {
        Fund(who, assets);
        if (ForwardPricing.IsForward(State, new VaultId(vault)))
        {
            Must(new RequestDepositCommand(Id(), who, new VaultId(vault), assets));
            ReportAllFlat();
            FillAll(vault);
        }
        else
        {
            Must(new DepositCommand(Id(), who, new VaultId(vault), assets));
        }
    }

    public static BigInteger Signed(UInt128 value) => value;
}
