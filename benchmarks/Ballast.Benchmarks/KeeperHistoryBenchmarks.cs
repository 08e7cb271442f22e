using System.Globalization;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// A keeper call (a rebalance decision, in memory) on a composed vault over three children that have reported their
/// NAV every day for 1, 5 or 20 years: how the call's cost grows with the length of the history. Two policies: fixed
/// 50/30/20 targets with a 5-point drift band (no lookback), and inverse volatility over a 63-row covariance lookback
/// with a 5-point band. The children drift so the call decides a rebalance (the whole decision runs). Two cases: the
/// realistic one, a new day's NAV reports (one row of the NAV table, three reports applied) then the keeper call; and
/// a repeated call on the same row (nothing reported since the last call).
/// </summary>
/// <remarks>
/// The first case adds a row per invocation, so each iteration starts from a freshly built state and runs 16
/// invocations (the history grows by 16 rows at most, 4 % of a year); the state is built outside the measurement.
/// The global set-up calls the decision 600 times first, so both cases measure code that tiered compilation has
/// promoted.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(16)]
public class KeeperHistoryBenchmarks
{
    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private static readonly VaultId[] Children = [new("A"), new("B"), new("C")];
    private static readonly VaultId Mix = new("mix");
    private ProtocolEngine _engine = null!;
    private ProtocolState _state = null!;
    private DateTimeOffset _now;
    private Random _random = null!;
    private int _day;

    /// <summary>Years of daily NAV reports.</summary>
    [Params(1, 5, 20)]
    public int Years { get; set; }

    /// <summary>The policy attached to the composed vault.</summary>
    [Params("fixed", "inverse-vol")]
    public string Policy { get; set; } = "fixed";

    [GlobalSetup]
    public void Setup()
    {
        BuildState();
        var outcome = AppendRowThenKeeper();
        Console.WriteLine($"// {Years} years, {Policy}: {outcome}");

        // 16 invocations per iteration are too few calls for tiered compilation to promote the decision path before
        // the measurement (a short job measured tier-0 code, 2-5x slower): call it until it has been promoted.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 200; i++)
            {
                _ = Keeper();
            }

            Thread.Sleep(150);
        }
    }

    /// <summary>
    /// A fresh state before each iteration of <see cref="AppendRowThenKeeper"/> (its history grows by the iteration's
    /// invocations only), after one keeper call, as a live vault's keeper has called before.
    /// </summary>
    [IterationSetup(Target = nameof(AppendRowThenKeeper))]
    public void BuildState()
    {
        _engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        _state = Build(_engine, Years * 365, Policy, out _now);
        _random = new Random(BenchData.Seed + 1);
        _day = 0;

        // A live vault's keeper has called before: the live NAV table holds the history (built on the first call).
        _ = Keeper();
    }

    [Benchmark(Description = "keeper: a new day's NAV reports, then one rebalance decision")]
    public CommandStatus AppendRowThenKeeper()
    {
        _now = _now.AddDays(1);
        _day++;
        for (var c = 0; c < Children.Length; c++)
        {
            var vault = _state.SimpleVaults[Children[c]].Vault;
            // The drift continues (A up, C down), so every call still decides a rebalance.
            var factor = 1 + ((c - 1) * -0.002) + ((_random.NextDouble() - 0.5) * 0.004);
            var id = string.Create(CultureInfo.InvariantCulture, $"next{_day}{Children[c]}");
            Apply(_engine, _state, new ReportNavCommand(id, Reporter, Children[c], (UInt128)Math.Floor((double)vault.TotalAssets * factor)), _now);
        }

        return _engine.Decide(_state, new RebalanceCommand("k", Issuer, Mix), _now.AddSeconds(1)).Status;
    }

    [Benchmark(Description = "keeper: one rebalance decision, nothing reported since the last call")]
    public CommandStatus Keeper() => _engine.Decide(_state, new RebalanceCommand("k", Issuer, Mix), _now).Status;

    /// <summary>A state with one composed vault over three children that reported daily for <paramref name="days"/> days, the last moves drifting it past its band.</summary>
    public static ProtocolState Build(ProtocolEngine engine, int days, string policy, out DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var state = new ProtocolState();
        now = new DateTimeOffset(2000, 1, 3, 0, 0, 0, TimeSpan.Zero);
        var weights = policy == "fixed"
            ? "weights: { scheme: fixed, targets: { A: 0.5, B: 0.3, C: 0.2 } }\n"
            : "weights: { scheme: inverse-vol }\ncovariance: { method: sample, lookback: 63 }\n";
        var spec = "name: p\nuniverse: [A, B, C]\n" + weights + "trigger: { drift: { absolute: 0.05 } }\n";
        void Do(ProtocolCommand command, DateTimeOffset at) => Apply(engine, state, command, at);

        Do(new CreateAsset("a", Issuer, new AssetSymbol("USD"), 6), now);
        foreach (var child in Children)
        {
            Do(new CreateSimpleVault("v" + child, Operator, child, ChildSpec()), now);
        }

        Do(new IssueAsset("fund", Issuer, new AssetSymbol("USD"), Issuer, UInt128.MaxValue / 4), now);
        Do(new CreateComposedVault("cmix", Operator, Mix, new ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, CostRecipient = Operator, Children = [.. Children], Pricing = PricingMode.Immediate }), now);
        Do(new SetPolicyCommand("pmix", Operator, Mix, "p", spec), now);
        Do(new DepositCommand("dmix", Issuer, Mix, 1_000_000_000_000), now);
        var random = new Random(BenchData.Seed);
        for (var day = 0; day < days; day++)
        {
            now = now.AddDays(1);
            for (var c = 0; c < Children.Length; c++)
            {
                var vault = state.SimpleVaults[Children[c]].Vault;
                // A trends up, C down: the drift band is crossed near the end whatever the history length.
                var trend = day >= days - 20 ? (c - 1) * -0.01 : 0;
                var factor = 1 + trend + ((random.NextDouble() - 0.5) * 0.004);
                var id = string.Create(CultureInfo.InvariantCulture, $"r{day}{Children[c]}");
                Do(new ReportNavCommand(id, Reporter, Children[c], (UInt128)Math.Floor((double)vault.TotalAssets * factor)), now);
            }
        }

        now = now.AddSeconds(1);
        return state;
    }

    private static void Apply(ProtocolEngine engine, ProtocolState state, ProtocolCommand command, DateTimeOffset at)
    {
        var outcome = engine.Decide(state, command, at);
        if (outcome.Status != CommandStatus.Applied)
        {
            throw new InvalidOperationException($"{command.Id}: {outcome.Rejection?.Message} {outcome.Note}");
        }

        foreach (var e in outcome.Events)
        {
            engine.Apply(state, e, at);
        }
    }

    private static SimpleVaultSpec ChildSpec() => new() { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), Pricing = PricingMode.Immediate };
}
