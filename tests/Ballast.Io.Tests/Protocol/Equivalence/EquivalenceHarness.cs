using System.Globalization;
using Ballast.Accounting;
using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Io.Protocol;
using Ballast.Io.Specs;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>One rebalance as either side saw it: its date, the reason's text and the targets in force after it (ppm, in universe order).</summary>
internal sealed record RebalanceRow(DateOnly Date, string Reason, int[] TargetsPpm)
{
    public string Targets => string.Join(',', TargetsPpm);
}

/// <summary>Where the two runs first part: the row's date, the field, and each side's value.</summary>
internal sealed record Divergence(DateOnly Date, string Field, string Backtest, string Protocol)
{
    public override string ToString() => $"on {Date:yyyy-MM-dd}, {Field}: backtest {Backtest} vs protocol {Protocol}";
}

/// <summary>
/// Both runs of one policy and where they first disagree, kept apart for the decisions (rebalance rows, reasons,
/// targets) and for the NAV path, so a NAV that parts does not hide whether the decisions still agree.
/// </summary>
internal sealed record EquivalenceOutcome(
    string Policy,
    int Rows,
    IReadOnlyList<RebalanceRow> Backtest,
    IReadOnlyList<RebalanceRow> Protocol,
    double WorstNavGap,
    Divergence? Decisions,
    Divergence? Nav)
{
    /// <summary>Protocol minus backtest NAV on each of the backtest's rows, in base units.</summary>
    public double[] NavGaps { get; init; } = [];

    public bool Agrees => Decisions is null && Nav is null;

    public string Summary => $"{Policy}: {Rows} rows, {Backtest.Count} backtest / {Protocol.Count} protocol rebalances, largest NAV gap {WorstNavGap.ToString("F2", CultureInfo.InvariantCulture)} base units; "
        + (Agrees ? "equivalent" : $"decisions {(Decisions?.ToString() ?? "agree")}; NAV {(Nav?.ToString() ?? "agrees")}");
}

/// <summary>
/// The one harness of the equivalence suite. A policy spec and a price table go once through the backtester
/// (<see cref="BacktestJob"/>, recorded) and once through the protocol engine (decide then apply, as the sequencer
/// does, without a journal): one simple vault per asset, seeded from the first row by another investor so that its
/// reported NAV follows the table through the backtest's history rows too, reporting each row's price ratio
/// (floored, as <c>ballast sim</c> does); zero fees and immediate pricing; a composed vault under the policy; the
/// keeper called every row after the reports (on the empty vault it sets the policy's targets on that row); one
/// investor depositing the policy's capital on the backtest's first row after the keeper, invested at the targets in
/// force, which are compared with the backtest's row-0 targets as the first decision ("initial investment"). The
/// policy's costs must be zero (the children charge none). Equivalent means: the same rebalance rows (dates), the
/// same reasons, targets equal in parts per million, and a NAV within one base unit per child (plus one) and per
/// row so far, scaled by the NAV's growth (each row's reports floor every child, each child operation once more).
/// </summary>
internal static class EquivalenceHarness
{
    /// <summary>Decimals of the protocol's asset: NAV is compared in these base units.</summary>
    public const int Decimals = 6;

    private const string Vault = "mix";
    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private static readonly AccountId Keeper = new("keeper");
    private static readonly AccountId Investor = new("investor");
    private static readonly AccountId Seed = new("seed");

    /// <summary>A spec of one policy named <paramref name="name"/> over <paramref name="universe"/> with zero costs, from YAML flow mappings (execution and covariance optional).</summary>
    public static string Spec(string name, IReadOnlyList<string> universe, string weights, string trigger, string? execution = null, string? covariance = null) =>
        $"name: {name}\nuniverse: [{string.Join(", ", universe)}]\ncapital: 1000000\ncosts: {{ proportional_bps: 0 }}\nweights: {weights}\ntrigger: {trigger}\n"
        + (execution is null ? string.Empty : $"execution: {execution}\n")
        + (covariance is null ? string.Empty : $"covariance: {covariance}\n");

    /// <summary>Runs the spec's single policy on <paramref name="data"/> both ways and compares.</summary>
    public static EquivalenceOutcome Run(string specText, EquivalenceData data, CancellationToken cancellationToken = default)
    {
        var set = SpecLoader.Load(specText, "equivalence.yaml");
        var policySpec = Assert.Single(set.Policies);
        var outcome = data.Backtest(set, cancellationToken);
        var run = outcome.Runs.Single(r => r.Name == policySpec.Name);
        var backtestRows = BacktestRows(outcome, run);

        // The protocol sees the same data from its first row, history rows included.
        var universe = run.Policy.Names;
        var table = data.Table(universe);
        var first = Array.IndexOf(table.Dates, outcome.Table.Dates[0]);
        Assert.True(first >= 0 && table.RowCount - first == outcome.Table.RowCount, $"the backtest's rows ({outcome.Table.RowCount} from {outcome.Table.Dates[0]}) are not the last of the protocol's ({table.RowCount})");
        var scale = Math.Pow(10, Decimals);
        var (navs, protocolRows, refused) = RunProtocol(specText, policySpec.Name, table, first, (UInt128)Math.Round(policySpec.Capital * scale));

        // The backtest never trades on its window's last row (a trade there buys nothing but costs); a live vault has no
        // last row, so a protocol rebalance on that date is not a difference.
        protocolRows.RemoveAll(r => r.Date == outcome.Table.Dates[^1]);

        // Decisions: rebalance rows, reasons and targets, in date order.
        Divergence? decisions = null;
        var count = Math.Max(backtestRows.Count, protocolRows.Count);
        for (var k = 0; k < count && decisions is null; k++)
        {
            var b = k < backtestRows.Count ? backtestRows[k] : null;
            var p = k < protocolRows.Count ? protocolRows[k] : null;
            if (b is null || p is null || b.Date != p.Date)
            {
                var date = (b, p) switch
                {
                    (null, _) => p!.Date,
                    (_, null) => b.Date,
                    _ => b.Date < p.Date ? b.Date : p.Date,
                };
                decisions = new Divergence(date, $"rebalance #{k + 1} date", Describe(b), Describe(p));
            }
            else if (b.Reason != p.Reason)
            {
                decisions = new Divergence(b.Date, "reason", b.Reason, p.Reason);
            }
            else if (!b.TargetsPpm.SequenceEqual(p.TargetsPpm))
            {
                decisions = new Divergence(b.Date, "targets (ppm)", b.Targets, p.Targets);
            }
        }

        // A keeper call the protocol refused is a decision the backtest made (or not) and the protocol could not.
        if (refused is not null && (decisions is null || refused.Date <= decisions.Date))
        {
            decisions = new Divergence(refused.Date, "keeper call", "decided", refused.Reason);
        }

        // NAV row by row.
        Divergence? nav = null;
        var equity = run.Equity!;
        var children = universe.Count;
        var worst = 0.0;
        var gaps = new double[equity.Length];
        for (var t = 0; t < equity.Length; t++)
        {
            var backtest = equity[t] * scale;
            var protocol = navs[first + t];
            gaps[t] = (double)protocol - backtest;
            var diff = Math.Abs(gaps[t]);
            worst = Math.Max(worst, diff);
            var bound = (t + 1) * (children + 1) * Math.Max(1, equity[t] / policySpec.Capital);
            if (diff > bound && nav is null)
            {
                nav = new Divergence(outcome.Table.Dates[t], $"NAV (bound {bound.ToString("F0", CultureInfo.InvariantCulture)} base units)", backtest.ToString("F0", CultureInfo.InvariantCulture), protocol.ToString(CultureInfo.InvariantCulture));
            }
        }

        return new EquivalenceOutcome(policySpec.Name, equity.Length, backtestRows, protocolRows, worst, decisions, nav) { NavGaps = gaps };
    }

    private static string Describe(RebalanceRow? row) => row is null ? "none" : $"{row.Date:yyyy-MM-dd} ({row.Reason})";

    /// <summary>
    /// The backtest's initial investment (row 0, at the targets it computes there from nothing held) and its
    /// rebalances (the rows after the first with trades), with their reason and the targets in force after them. The backtester keeps no targets, so a risk-based policy's are recomputed with the policy's own
    /// <see cref="RebalancePolicy.ComputeTargets"/> on the inputs the backtester had on that row, rebuilt from the
    /// recorded weights and NAV (its volatility regime replayed row by row with the weights it held); a policy with
/// targets per volatility regime takes those of the regime the row is in.
    /// </summary>
    private static List<RebalanceRow> BacktestRows(BacktestOutcome outcome, PolicyRun run)
    {
        var policy = run.Policy;
        var table = outcome.Table;
        var n = policy.AssetCount;
        var rebalances = run.Trades!.Where(t => t.Row > 0).GroupBy(t => t.Row).ToDictionary(g => g.Key, g => g.First().Reason);
        var rows = new List<RebalanceRow>();
        var targetsPpm = new int[n];
        var targets = new double[n];
        var state = policy.ObservesVolatility ? new PolicyState() : null;
        var history = policy.NeedsPrices ? table : null;
        var weights = new double[n];
        var periods = outcome.PeriodsPerYear;
        policy.ComputeTargets(new PolicyContext(table.Calendar, 0, weights, policy.Spec.Capital, 0, false, prices: table, periodsPerYear: periods), targetsPpm);
        SetTargets(targetsPpm, targets);
        rows.Add(new RebalanceRow(table.Dates[0], PolicyStep.InitialInvestment.Text, [.. targetsPpm]));
        var lastRebalance = 0;
        for (var t = 1; t < table.RowCount; t++)
        {
            var value = PreTradeWeights(run, table, t, weights);
            if (state is not null)
            {
                policy.Observe(new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == table.RowCount - 1, double.NaN, default, history, state, periods), state);
            }

            if (!rebalances.TryGetValue(t, out var reason))
            {
                continue;
            }

            if (policy.IsRiskBased)
            {
                policy.ComputeTargets(new PolicyContext(table.Calendar, t, weights, value, lastRebalance, t == table.RowCount - 1, double.NaN, targets, history, state, periods), targetsPpm);
                SetTargets(targetsPpm, targets);
            }
            else if (policy.RetargetsByRegime)
            {
                // Targets per volatility regime: a rebalance brings the targets of the regime the row is in into force.
                policy.RegimeTargetsPpm(state!.HighVolatility).CopyTo(targetsPpm);
                SetTargets(targetsPpm, targets);
            }

            lastRebalance = t;
            rows.Add(new RebalanceRow(table.Dates[t], reason, [.. targetsPpm]));
        }

        return rows;
    }

    /// <summary>Weights before row <paramref name="t"/>'s trades (the holdings after row t−1's, marked to row t), and the NAV they are of.</summary>
    private static double PreTradeWeights(PolicyRun run, PriceTable table, int t, double[] weights)
    {
        var n = weights.Length;
        var nav = run.Equity![t - 1];
        var value = nav;
        for (var i = 0; i < n; i++)
        {
            var held = run.Weights![((t - 1) * n) + i] * nav;
            weights[i] = held / table.Prices[((t - 1) * n) + i] * table.Prices[(t * n) + i];
            value += weights[i] - held;
        }

        for (var i = 0; i < n; i++)
        {
            weights[i] /= value;
        }

        return value;
    }

    private static void SetTargets(int[] ppm, double[] targets)
    {
        for (var i = 0; i < ppm.Length; i++)
        {
            targets[i] = ppm[i] / (double)PartsPerMillion.One;
        }
    }

    /// <summary>The protocol's run: the composed vault's NAV after each row, its rebalances (a trim to caps is not one), and the first keeper call it refused.</summary>
    private static (UInt128[] Navs, List<RebalanceRow> Rows, RebalanceRow? Refused) RunProtocol(string specText, string policyName, PriceTable table, int first, UInt128 capital)
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        var names = table.Names;
        var n = names.Count;
        var rows = new List<RebalanceRow>();
        var navs = new UInt128[table.RowCount];
        var now = DateTimeOffset.UnixEpoch;
        var next = 0;
        RebalanceRow? refused = null;

        CommandOutcome Submit(ProtocolCommand command)
        {
            var outcome = engine.Decide(state, command, now);
            if (outcome.Status == CommandStatus.Applied)
            {
                foreach (var e in outcome.Events)
                {
                    engine.Apply(state, e, now);
                }
            }

            return outcome;
        }

        void Must(ProtocolCommand command)
        {
            var outcome = Submit(command);
            Assert.True(outcome.Status == CommandStatus.Applied, $"{command.GetType().Name} on {now:yyyy-MM-dd}: {outcome.Status} {outcome.Rejection?.Code} {outcome.Rejection?.Message} {outcome.Note}");
        }

        string Id() => $"c{next++}";

        now = At(table.Dates[0], 0);
        Must(new CreateAsset(Id(), Issuer, new AssetSymbol("USD"), Decimals));
        foreach (var name in names)
        {
            Must(new CreateSimpleVault(Id(), Operator, new VaultId(name), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), FlowFeesPaidOut = true, Pricing = PricingMode.Immediate, MinReportIntervalSeconds = 0 }));
            Must(new IssueAsset(Id(), Issuer, new AssetSymbol("USD"), Seed, capital));
            Must(new DepositCommand(Id(), Seed, new VaultId(name), capital));
        }

        Must(new CreateComposedVault(Id(), Operator, new VaultId(Vault), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, CostRecipient = new AccountId("costs"), Children = [.. names.Select(c => new VaultId(c))], Pricing = PricingMode.Immediate }));
        Must(new SetPolicyCommand(Id(), Operator, new VaultId(Vault), policyName, specText));

        for (var row = 0; row < table.RowCount; row++)
        {
            // 1. The children report (the first row records the starting price).
            now = At(table.Dates[row], 1);
            for (var i = 0; i < n; i++)
            {
                var vault = state.SimpleVaults[new VaultId(names[i])].Vault;
                var ratio = row == 0 ? 1.0 : table.Prices[(row * n) + i] / table.Prices[((row - 1) * n) + i];
                Must(new ReportNavCommand(Id(), Reporter, new VaultId(names[i]), ExactMath.MulDiv(vault.TotalAssets, (UInt128)Math.Round(ratio * 1e15), 1_000_000_000_000_000, Rounding.Floor)));
            }

            // 2. The keeper (on an empty vault it sets the policy's targets on the row, which a deposit is invested at).
            now = At(table.Dates[row], 2);
            var keeper = Submit(new RebalanceCommand(Id(), Keeper, new VaultId(Vault)));
            if (keeper.Status == CommandStatus.Rejected)
            {
                refused ??= new RebalanceRow(table.Dates[row], $"refused: {keeper.Rejection!.Code}: {keeper.Rejection.Message}", []);
            }

            var byChild = state.ComposedVaults[new VaultId(Vault)].Spec.Children;
            if (keeper.Status == CommandStatus.Applied && keeper.Events.OfType<Rebalanced>().FirstOrDefault() is { } r && r.Trigger != ChildCaps.TrimTrigger && r.Trigger != PolicyStep.InitialInvestment.Kind)
            {
                rows.Add(new RebalanceRow(table.Dates[row], r.Reason, [.. names.Select(name => r.TargetsPpm[byChild.IndexOf(new VaultId(name))])]));
            }

            // 3. The investor, on the backtest's first row: invested at the targets in force (the backtest's row 0).
            now = At(table.Dates[row], 3);
            if (row == first)
            {
                var inForce = state.ComposedVaults[new VaultId(Vault)].TargetsPpm!;
                rows.Add(new RebalanceRow(table.Dates[row], PolicyStep.InitialInvestment.Text, [.. names.Select(name => inForce[byChild.IndexOf(new VaultId(name))])]));
                Must(new IssueAsset(Id(), Issuer, new AssetSymbol("USD"), Investor, capital));
                Must(new DepositCommand(Id(), Investor, new VaultId(Vault), capital));
            }

            navs[row] = ProtocolEngine.Nav(state, state.ComposedVaults[new VaultId(Vault)]);
        }

        return (navs, rows, refused);
    }

    private static DateTimeOffset At(DateOnly date, int second) => new(date.ToDateTime(new TimeOnly(0, 0, second)), TimeSpan.Zero);
}

/// <summary>The data of an equivalence run, given the same way to both sides: the backtest on it, and the protocol's table of the universe's columns (history rows included).</summary>
internal sealed record EquivalenceData(string Label, Func<PolicySet, CancellationToken, BacktestOutcome> Backtest, Func<IReadOnlyList<string>, PriceTable> Table)
{
    /// <summary>The built-in synthetic strategies (TREND, CARRY, VALUE, MACRO, ARB, …): nothing to download, so runs on them never skip.</summary>
    public static EquivalenceData Synthetic(int strategies, int years, int seed)
    {
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(strategies, years, seed);
        return new(
            $"synthetic {strategies} strategies, {years} years, seed {seed}",
            (set, ct) => BacktestJob.Run(set, table.Select([.. set.AllSeries()]), "synthetic", new BacktestOptions { Record = true }, cancellationToken: ct),
            universe => table.Select(universe));
    }

    /// <summary>A data file (a wide CSV of prices or returns).</summary>
    public static EquivalenceData File(string path, ValueKind kind)
    {
        var market = Ballast.Io.MarketDataFile.Read(path, kind);
        return new(
            Path.GetFileName(path),
            (set, ct) => BacktestJob.Run(set, market, new BacktestOptions { Record = true }, cancellationToken: ct),
            universe => PriceWindow.Build(market, universe, null, null, FillMode.None));
    }

    public override string ToString() => Label;
}
