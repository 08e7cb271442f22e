using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Demo;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ballast.Cluster.Tests.Keeping;

/// <summary>
/// A protocol deployment for keeper tests: a SQLite journal in a temporary folder, its sequencer and writer on a
/// <see cref="FakeTimeProvider"/>, and a scripted scenario: the demo's five children (sim-demo.yaml) held by six
/// composed vaults under fixed, banded, inverse-volatility, risk-parity with risk-contribution drift, bounded
/// minimum-variance and volatility-regime policies; forward-priced deposits and a redemption; the children report
/// every day from the demo's synthetic prices; after each day's reports the keeper runs once. The keeper is given, so
/// the same script runs under the single-process keeper and under the sharded one.
/// </summary>
internal sealed class KeeperDeployment : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The policies of the extra vaults, over the demo's children (a 40-row covariance lookback so risk-based rebalances start early).</summary>
    public const string PolicyText = """
        name: keeper-shard
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        covariance: { method: sample, lookback: 40 }
        weights: { scheme: fixed, targets: { TREND: 0.25, CARRY: 0.20, VALUE: 0.20, MACRO: 0.20, ARB: 0.15 } }
        costs: { proportional_bps: 10 }
        policies:
          - name: band
            trigger: { drift: { absolute: 0.02 }, check: daily }
          - name: inverse-vol
            weights: { scheme: inverse-vol }
            trigger: { calendar: monthly }
          - name: risk-parity-drift
            weights: { scheme: risk-parity }
            trigger: { risk_drift: { absolute: 0.02 }, check: weekly }
          - name: min-variance
            weights: { scheme: min-variance, bounds: [0.05, 0.5] }
            trigger: { calendar: monthly }
          - name: vol-regime
            trigger: { calendar: quarterly, volatility: { window: 21, above: 0.05, below: 0.04, then: weekly } }
        """;

    /// <summary>The extra vaults and their policies (the demo's own vault, demo-mix, follows the demo's hybrid policy).</summary>
    public static readonly (string Vault, string Policy)[] Vaults =
    [
        ("v-band", "band"),
        ("v-ivol", "inverse-vol"),
        ("v-rp", "risk-parity-drift"),
        ("v-minvar", "min-variance"),
        ("v-vol", "vol-regime"),
    ];

    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private static readonly AccountId Alice = new("alice");
    private static readonly AccountId Bob = new("bob");

    private readonly string _dir;
    private readonly IJournalStore _store;
    private readonly Scenario _scenario;

    private KeeperDeployment(string dir, IJournalStore store, CommandWriter writer, FakeTimeProvider clock, Scenario scenario)
    {
        _dir = dir;
        _store = store;
        Writer = writer;
        Clock = clock;
        _scenario = scenario;
    }

    /// <summary>The journal's location (a SQLite file).</summary>
    public string Location => Path.Combine(_dir, "journal.db");

    public CommandWriter Writer { get; }

    public FakeTimeProvider Clock { get; }

    public IEnumerable<VaultId> ComposedVaults => [_scenario.ComposedId, .. Vaults.Select(v => new VaultId(v.Vault))];

    public static async Task<KeeperDeployment> OpenAsync(CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("ballast-keeper-").FullName;
        var store = JournalStores.Open(Path.Combine(dir, "journal.db"), SqliteSynchronous.Normal);
        var clock = new FakeTimeProvider(Start);
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), clock, cancellationToken);
        var writer = new CommandWriter(sequencer, new JournalSignal(), NullLogger<CommandWriter>.Instance, new ServiceMetrics(null));
        await writer.StartAsync(cancellationToken);
        return new KeeperDeployment(dir, store, writer, clock, DemoSetup.LoadScenario());
    }

    /// <summary>Sets the vaults up, funds the investors and requests their first deposits (day 0, before any report).</summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var scale = ExactMath.Pow10(_scenario.AssetDecimals);
        var usd = _scenario.AssetSymbol;
        List<ProtocolCommand> commands =
        [
            .. SimRunner.SetUp(_scenario),
            new IssueAsset("fund-alice", Issuer, usd, Alice, 100_000_000 * scale),
            new IssueAsset("fund-bob", Issuer, usd, Bob, 100_000_000 * scale),
        ];
        foreach (var (vault, policy) in Vaults)
        {
            commands.Add(new CreateComposedVault($"setup-{vault}", Operator, new VaultId(vault), _scenario.Composed));
            commands.Add(new SetPolicyCommand($"setup-policy-{vault}", Operator, new VaultId(vault), policy, PolicyText));
        }

        foreach (var vault in ComposedVaults)
        {
            commands.Add(new RequestDepositCommand($"alice-first-{vault}", Alice, vault, 1_000_000 * scale));
        }

        foreach (var command in commands)
        {
            var result = await Writer.SubmitAsync(command, cancellationToken);
            Assert.True(result.Status == WriteStatus.Applied, $"set-up command {command.Id}: {result.Status} {result.Rejection} {result.Error?.Message}");
        }
    }

    /// <summary>Day <paramref name="day"/> (0 first): the clock moves to it, investors' flows of the day are requested, every child reports, then <paramref name="keeper"/> runs.</summary>
    public async Task DayAsync(int day, Func<Task> keeper, CancellationToken cancellationToken)
    {
        Clock.SetUtcNow(Start.AddDays(day).AddHours(1));
        var scale = ExactMath.Pow10(_scenario.AssetDecimals);
        if (day == 45)
        {
            await Must(new RequestDepositCommand("bob-ivol", Bob, new VaultId("v-ivol"), 400_000 * scale), cancellationToken);
            await Must(new RequestDepositCommand("bob-band", Bob, new VaultId("v-band"), 250_000 * scale), cancellationToken);
        }

        if (day == 80)
        {
            var redeem = await Writer.RunPlanAsync((state, _) =>
            [
                new RequestRedeemCommand("alice-rp-redeem", Alice, new VaultId("v-rp"), state.ComposedVaults[new VaultId("v-rp")].Ledger.BalanceOf(Alice) / 4),
            ], cancellationToken);
            Assert.Equal(WriteStatus.Applied, Assert.Single(redeem).Status);
        }

        Clock.SetUtcNow(Start.AddDays(day).AddHours(2));
        var prices = _scenario.Prices;
        var names = prices.Names;
        var reports = await Writer.RunPlanAsync((state, _) =>
        {
            var commands = new List<ProtocolCommand>();
            for (var i = 0; i < names.Count; i++)
            {
                var ratio = day == 0 ? 1.0 : prices.Prices[(day * names.Count) + i] / prices.Prices[((day - 1) * names.Count) + i];
                var child = state.SimpleVaults[new VaultId(names[i])];
                commands.Add(new ReportNavCommand($"report-{day}-{names[i]}", Reporter, child.Id, SimRunner.ScaledNav(child.Vault.TotalAssets, ratio)!.Value));
            }

            return commands;
        }, cancellationToken);
        Assert.All(reports, r => Assert.True(r.Status == WriteStatus.Applied, $"{r.CommandId}: {r.Status} {r.Rejection}"));

        Clock.SetUtcNow(Start.AddDays(day).AddHours(3));
        await keeper();
    }

    /// <summary>Every event of the journal, in order.</summary>
    public async Task<IReadOnlyList<JournalEvent>> EventsAsync(CancellationToken cancellationToken)
    {
        using var reader = JournalStores.Open(Location);
        return await reader.ReadAsync(1, cancellationToken).ToListAsync(cancellationToken);
    }

    private async Task Must(ProtocolCommand command, CancellationToken cancellationToken)
    {
        var result = await Writer.SubmitAsync(command, cancellationToken);
        Assert.True(result.Status == WriteStatus.Applied, $"{command.Id}: {result.Status} {result.Rejection}");
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.StopAsync(CancellationToken.None);
        Writer.Dispose();
        _store.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a reader still open on some platform: the temporary folder is left behind
        }
    }
}
