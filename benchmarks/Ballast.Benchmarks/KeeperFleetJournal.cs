using System.Globalization;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Service.Keeping;

namespace Ballast.Benchmarks;

/// <summary>
/// A deployment for the sharded keeper's figures: a SQLite journal in which <c>vaults</c> composed vaults hold five
/// children that report their NAV every day for <c>days</c> days (seeded random walks), a quarter each under
/// inverse volatility (monthly), risk parity with a risk-contribution drift trigger (weekly), bounded minimum
/// variance (monthly), all over a 63-row covariance, and fixed targets with a 3-point drift band; the keeper runs a
/// round every 21 days and on the day before the last, so a decision measured after the last day's reports sees one
/// new row, as a daily keeper's does.
/// </summary>
public static class KeeperFleetJournal
{
    /// <summary>The policies, cycled over the vaults.</summary>
    public static readonly string[] Policies = ["inverse-vol", "risk-parity-drift", "min-variance", "band"];

    private const string Spec = """
        name: fleet
        universe: [C0, C1, C2, C3, C4]
        covariance: { method: sample, lookback: 63 }
        weights: { scheme: fixed, targets: { C0: 0.3, C1: 0.2, C2: 0.2, C3: 0.2, C4: 0.1 } }
        policies:
          - name: inverse-vol
            weights: { scheme: inverse-vol }
            trigger: { calendar: monthly }
          - name: risk-parity-drift
            weights: { scheme: risk-parity }
            trigger: { risk_drift: { absolute: 0.02 }, check: weekly }
          - name: min-variance
            weights: { scheme: min-variance, bounds: [0.05, 0.5] }
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.03 } }
        """;

    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private static readonly AssetSymbol Usd = new("USD");

    /// <summary>The vault ids of a fleet of <paramref name="vaults"/> (<c>v0000</c>, …), the policy of vault i being <see cref="Policies"/>[i mod 4].</summary>
    public static VaultId[] VaultIds(int vaults) => [.. Enumerable.Range(0, vaults).Select(i => new VaultId(string.Create(CultureInfo.InvariantCulture, $"v{i:D4}")))];

    /// <summary>Writes the fleet's journal at <paramref name="path"/> (a new SQLite file) and returns a time after its last event (the next day).</summary>
    public static async Task<DateTimeOffset> WriteAsync(string path, int vaults, int days, CancellationToken cancellationToken = default)
    {
        using var store = JournalStores.Open(path, SqliteSynchronous.Normal);
        var clock = new ManualClock(new DateTimeOffset(2020, 1, 6, 0, 0, 0, TimeSpan.Zero));
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), clock, cancellationToken).ConfigureAwait(false);
        var children = Enumerable.Range(0, 5).Select(c => new VaultId("C" + c.ToString(CultureInfo.InvariantCulture))).ToArray();
        var ids = VaultIds(vaults);

        async Task Batch(IReadOnlyList<ProtocolCommand> commands)
        {
            var outcomes = await sequencer.SubmitBatchSequencedAsync(commands, null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < commands.Count; i++)
            {
                if (outcomes[i].Outcome.Status == CommandStatus.Rejected && commands[i] is not RebalanceCommand)
                {
                    throw new InvalidOperationException($"{commands[i].Id}: {outcomes[i].Outcome.Rejection}");
                }
            }
        }

        var setUp = new List<ProtocolCommand> { new CreateAsset("asset", Issuer, Usd, 6), new IssueAsset("fund", Issuer, Usd, Issuer, UInt128.MaxValue / 4) };
        foreach (var child in children)
        {
            setUp.Add(new CreateSimpleVault("child-" + child, Operator, child, new SimpleVaultSpec { Asset = Usd, DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), Pricing = PricingMode.Immediate }));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            setUp.Add(new CreateComposedVault("create-" + ids[i], Operator, ids[i], new ComposedVaultSpec { Asset = Usd, Operator = Operator, CostRecipient = Operator, Children = [.. children], Pricing = PricingMode.Immediate }));
            setUp.Add(new SetPolicyCommand("policy-" + ids[i], Operator, ids[i], Policies[i % Policies.Length], Spec));
            setUp.Add(new DepositCommand("deposit-" + ids[i], Issuer, ids[i], 1_000_000_000_000));
        }

        await Batch(setUp).ConfigureAwait(false);
        var random = new Random(BenchData.Seed);
        var volatility = new[] { 0.004, 0.006, 0.009, 0.012, 0.016 };
        for (var day = 1; day <= days; day++)
        {
            clock.Now = clock.Now.AddDays(1);
            var reports = new List<ProtocolCommand>(children.Length);
            for (var c = 0; c < children.Length; c++)
            {
                var total = sequencer.State.SimpleVaults[children[c]].Vault.TotalAssets;
                var factor = 1 + (0.0002 * c) + (volatility[c] * Gaussian(random));
                reports.Add(new ReportNavCommand(string.Create(CultureInfo.InvariantCulture, $"r{day}-{c}"), Reporter, children[c], (UInt128)Math.Floor((double)total * factor)));
            }

            await Batch(reports).ConfigureAwait(false);
            if (day % 21 == 0 || day == days - 1)
            {
                clock.Now = clock.Now.AddMinutes(1);
                await Batch(KeeperService.Round(sequencer.State, sequencer.Head, clock.Now)).ConfigureAwait(false);
            }
        }

        return clock.Now.AddDays(1);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
