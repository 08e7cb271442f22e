using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Protocol;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Protocol;

/// <summary>One investor action on a date: a deposit of whole asset units, or a redemption of a fraction of the investor's shares.</summary>
public sealed record InvestorFlow(string Account, DateOnly? On, double? Deposit, double? RedeemFraction, InputLocation Location);

/// <summary>
/// A simulation scenario for <c>ballast sim</c>: data (a CSV file or built-in synthetic strategies), the asset, the
/// composed vault's policy (a spec file and a policy name), the child vaults' fees and report bounds, the rails,
/// the investors' flows and the keeper's schedule. See docs/protocol.md for the format.
/// </summary>
public sealed record Scenario
{
    public required string Name { get; init; }

    public required string Source { get; init; }

    public required PriceTable Prices { get; init; }

    public required string DataDescription { get; init; }

    public required string PolicyName { get; init; }

    public required string PolicyText { get; init; }

    public required AssetSymbol AssetSymbol { get; init; }

    public required int AssetDecimals { get; init; }

    public required SimpleVaultSpec ChildDefaults { get; init; }

    public required VaultId ComposedId { get; init; }

    public required ComposedVaultSpec Composed { get; init; }

    public required ImmutableArray<InvestorFlow> Flows { get; init; }

    /// <summary>Keeper schedule: every row, or never.</summary>
    public required bool KeeperEveryRow { get; init; }

    /// <summary>The data file and how it was read (null for synthetic data): evidence claims are made and re-run on it.</summary>
    public (string Path, ValueKind Kind, FillMode Fill)? DataFile { get; init; }

    /// <summary>Governance parameters, when the scenario has a governance section.</summary>
    public Ballast.Governance.GovernanceParameters? Governance { get; init; }

    /// <summary>Governance steps in file order, each on the first row on or after its date.</summary>
    public ImmutableArray<GovernanceStep> GovernanceSteps { get; init; } = [];

    // The keys and values a scenario accepts, block by block: what the loader checks and schemas/scenario.schema.json
    // lists (ScenarioSchemaTests holds them equal).
    internal static readonly string[] TopKeys = ["name", "data", "asset", "policy", "children", "composed", "investors", "keeper", "governance"];
    internal static readonly string[] GovernanceKeys = ["parameters", "steps"];
    internal static readonly string[] ParameterKeys = ["voting_delay_days", "voting_period_days", "quorum", "threshold", "timelock_days", "grace_days", "evidence_required"];
    internal static readonly string[] StepKinds = ["mint", "lock", "propose", "vote", "queue", "execute", "cancel", "gauge_vote"];
    internal static readonly string[] DataKeys = ["file", "returns", "fill", "synth"];
    internal static readonly string[] SynthKeys = ["strategies", "years", "seed"];
    internal static readonly string[] ChildKeys = ["entry_fee_bps", "exit_fee_bps", "flow_fees_paid_out", "management_fee_bps", "performance_fee_bps", "max_report_up_bps", "max_report_down_bps", "min_report_interval_hours", "report_window_days", "max_window_up_bps", "max_window_down_bps", "decimals_offset", "instant_withdrawals", "withdrawal_delay_days", "pricing"];
    internal static readonly string[] ComposedKeys = ["id", "decimals_offset", "rails", "periods_per_year", "pricing"];
    internal static readonly string[] RailKeys = ["max_child_weight", "max_child_assets", "max_step", "min_trade", "cooldown_days", "fixed_cost", "cost_budget", "cost_budget_per_day"];
    internal static readonly string[] FlowKeys = ["account", "on", "deposit", "redeem"];
    internal static readonly string[] PolicyKeys = ["file", "name"];
    internal static readonly string[] AssetKeys = ["symbol", "decimals"];
    internal static readonly string[] ReturnKinds = ["percent", "fraction"];
    internal static readonly string[] FillModes = ["none", "forward"];
    internal static readonly string[] PricingModes = ["forward", "immediate"];
    internal static readonly string[] KeeperSchedules = ["every-row", "none"];

    /// <summary>Reads and checks a scenario file (at most <see cref="DocumentLimits.MaxSize"/> bytes); paths in it are relative to it.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the scenario, its policy spec or its data, naming file, line, column and field.</exception>
    public static Scenario LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "scenario"), path);
    }

    /// <summary>Parses and checks a scenario; <paramref name="source"/> names it in messages, picks the syntax and anchors its relative paths.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the scenario, its policy spec or its data, naming file, line, column and field.</exception>
    public static Scenario Load(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var root = SpecDocument.Parse(text, source) as MapNode ?? throw new BallastInputException(new InputLocation(source, 1, 1), "a scenario is a mapping of name, data, asset, policy, children, composed, investors, keeper");
        CheckKeys(root, TopKeys, string.Empty);
        var directory = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var name = Get(root, "name") is { } n ? Text(n, "name") : Path.GetFileNameWithoutExtension(source);

        // Policy first: its universe names the data columns.
        var policyMap = AsMap(Required(root, "policy", "", "policy: { file: SPEC, name: POLICY }"), "policy");
        CheckKeys(policyMap, PolicyKeys, "policy");
        var policyFileNode = Required(policyMap, "file", "policy", "the policy spec file, relative to the scenario");
        var policyFile = Path.Combine(directory, Text(policyFileNode, "policy.file"));
        if (!File.Exists(policyFile))
        {
            throw Fail(policyFileNode, "policy.file", $"policy spec not found: {policyFile}");
        }

        // Read and checked under its own name first, so an error in the spec names the spec's file and line.
        var policyText = DocumentLimits.ReadFile(policyFile, "policy spec");
        var policySet = SpecLoader.Load(policyText, policyFile);
        var policyName = Text(Required(policyMap, "name", "policy", "the name of a policy in that spec"), "policy.name");
        var compiled = Located(policyFileNode, "policy", () => SpecPolicyCompiler.Instance.Compile(policyName, policyText));

        // Data.
        var dataMap = AsMap(Required(root, "data", "", "data: { file: CSV, returns: percent } or data: { synth: { strategies: 5, years: 10, seed: 1 } }"), "data");
        CheckKeys(dataMap, DataKeys, "data");
        var (prices, description, dataFile) = BindData(dataMap, directory, compiled.Universe);

        // Asset.
        var assetMap = AsMap(Required(root, "asset", "", "asset: { symbol: USD, decimals: 6 }"), "asset");
        CheckKeys(assetMap, AssetKeys, "asset");
        var symbolNode = Required(assetMap, "symbol", "asset", "a symbol such as USD");
        var symbolText = Text(symbolNode, "asset.symbol");
        if (!AssetSymbol.IsValid(symbolText))
        {
            throw Fail(symbolNode, "asset.symbol", AssetSymbol.Problem(symbolText));
        }

        var symbol = new AssetSymbol(symbolText);

        var decimals = Get(assetMap, "decimals") is { } decimalsNode ? (int)Long(decimalsNode, "asset.decimals", 0, 18) : 6;

        // Children.
        var childDefaults = new SimpleVaultSpec { Asset = symbol, Operator = new AccountId("operator"), Reporter = new AccountId("reporter"), FeeRecipient = new AccountId("fees"), DecimalsOffset = 6, FlowFeesPaidOut = true };
        if (Get(root, "children") is { } childrenNode)
        {
            var children = AsMap(childrenNode, "children");
            CheckKeys(children, ChildKeys, "children");
            childDefaults = BindChildren(children, childDefaults);
            Located(childrenNode, "children", () => childDefaults.ToConfig(new Asset(symbol, decimals)).Validate());
        }

        // Composed vault and rails.
        var composedMap = Get(root, "composed") is { } cn ? AsMap(cn, "composed") : null;
        if (composedMap is not null)
        {
            CheckKeys(composedMap, ComposedKeys, "composed");
        }

        var composedId = new VaultId("composed");
        if (composedMap is not null && Get(composedMap, "id") is { } idNode)
        {
            var idText = Text(idNode, "composed.id");
            if (!VaultId.IsValid(idText) || !VaultId.CanBeComposed(idText))
            {
                throw Fail(idNode, "composed.id", VaultId.ComposedProblem(idText));
            }

            composedId = new VaultId(idText);
        }

        // The policy's universe names the child vaults: each must be a vault id, refused at its line in the spec.
        var childIds = ImmutableArray.CreateBuilder<VaultId>(compiled.Universe.Length);
        foreach (var member in compiled.Universe)
        {
            if (!VaultId.TryParse(member, out var child))
            {
                var at = policySet.UniverseLocations.TryGetValue(member, out var l) ? l : new InputLocation(policyFile);
                throw new BallastInputException(at with { Field = "universe" }, $"{VaultId.Problem(member)}: the policy's universe names the scenario's child vaults");
            }

            childIds.Add(child);
        }

        var rails = RebalanceRails.None;
        if (composedMap is not null && Get(composedMap, "rails") is { } railsNode)
        {
            rails = BindRails(railsNode, decimals);
        }

        var composed = new ComposedVaultSpec
        {
            Asset = symbol,
            DecimalsOffset = composedMap is not null ? Ranged(composedMap, "decimals_offset", "composed", 6, 0, ShareLedger.MaxDecimalsOffset) : 6,
            Operator = new AccountId("operator"),
            CostRecipient = new AccountId("costs"),
            Children = childIds.MoveToImmutable(),
            Rails = rails,
            PeriodsPerYear = composedMap is not null && Get(composedMap, "periods_per_year") is not null ? Ranged(composedMap, "periods_per_year", "composed", 0, 1, int.MaxValue) : null,
            Pricing = Pricing(composedMap is null ? null : Get(composedMap, "pricing"), "composed.pricing"),
        };

        // Investors.
        var flows = ImmutableArray.CreateBuilder<InvestorFlow>();
        var investors = AsList(Required(root, "investors", "", "a list of { account, deposit: UNITS or redeem: FRACTION, on: DATE or first }"), "investors");
        for (var i = 0; i < investors.Items.Count; i++)
        {
            flows.Add(BindFlow(investors.Items[i], $"investors[{i}]", prices, symbol, decimals));
        }

        var keeper = Get(root, "keeper") is { } keeperNode ? Choice(keeperNode, "keeper", KeeperSchedules) : "every-row";

        Ballast.Governance.GovernanceParameters? governance = null;
        var steps = ImmutableArray<GovernanceStep>.Empty;
        if (Get(root, "governance") is { } govNode)
        {
            (governance, steps) = BindGovernance(govNode, prices, compiled.Universe, policyText, dataFile is not null);
        }

        return new Scenario
        {
            DataFile = dataFile,
            Governance = governance,
            GovernanceSteps = steps,
            Name = name,
            Source = source,
            Prices = prices,
            DataDescription = description,
            PolicyName = policyName,
            PolicyText = policyText,
            AssetSymbol = symbol,
            AssetDecimals = decimals,
            ChildDefaults = childDefaults,
            ComposedId = composedId,
            Composed = composed,
            Flows = flows.ToImmutable(),
            KeeperEveryRow = keeper == "every-row",
        };
    }

    /// <summary>The data block: synthetic strategies or a CSV file, cut to the policy's universe; the file and how it was read, for evidence.</summary>
    private static (PriceTable Prices, string Description, (string Path, ValueKind Kind, FillMode Fill)? File) BindData(MapNode dataMap, string directory, ImmutableArray<string> universe)
    {
        if (Get(dataMap, "synth") is { } synthNode)
        {
            var synth = AsMap(synthNode, "data.synth");
            CheckKeys(synth, SynthKeys, "data.synth");
            var strategies = Ranged(synth, "strategies", "data.synth", 5, 1, Synthesis.StrategySynthesizer.MaxStrategies);
            var years = Ranged(synth, "years", "data.synth", 10, 1, Synthesis.StrategySynthesizer.MaxYears);
            var seed = Get(synth, "seed") is { } seedNode ? Int(seedNode, "data.synth.seed", 0) : 1;
            var table = Synthesis.StrategySynthesizer.Generate(strategies, years, seed);
            foreach (var asset in universe)
            {
                if (table.IndexOf(asset) < 0)
                {
                    throw Fail(synthNode, "data.synth", $"the policy holds '{asset}', which the synthetic data does not have (it has {string.Join(", ", table.Names)})");
                }
            }

            return (table.Select([.. universe]), $"synthetic: {strategies} strategies, {years} years, seed {seed}", null);
        }
        else
        {
            var fileNode = Required(dataMap, "file", "data", "a CSV file relative to the scenario, or synth");
            var file = Path.Combine(directory, Text(fileNode, "data.file"));
            var kind = Get(dataMap, "returns") is { } returnsNode
                ? Choice(returnsNode, "data.returns", ReturnKinds) == "percent" ? ValueKind.ReturnsPercent : ValueKind.ReturnsFraction
                : ValueKind.Prices;
            var fill = Get(dataMap, "fill") is { } fillNode && Choice(fillNode, "data.fill", FillModes) == "forward" ? FillMode.Forward : FillMode.None;
            if (!File.Exists(file))
            {
                throw Fail(fileNode, "data.file", $"data file not found: {file}");
            }

            var market = Ballast.Io.MarketDataFile.Read(file, kind);
            return (PriceWindow.Build(market, [.. universe], null, null, fill), file, (file, kind, fill));
        }
    }

    /// <summary>The children block over the default child vault settings; ranges per field (their combination is checked by the caller).</summary>
    private static SimpleVaultSpec BindChildren(MapNode children, SimpleVaultSpec defaults) =>
        defaults with
        {
            EntryFeeBps = Ranged(children, "entry_fee_bps", "children", 0, 0, VaultConfig.MaxFlowFeeBps),
            ExitFeeBps = Ranged(children, "exit_fee_bps", "children", 0, 0, VaultConfig.MaxFlowFeeBps),
            FlowFeesPaidOut = Bool(Get(children, "flow_fees_paid_out"), "children.flow_fees_paid_out", true),
            ManagementFeeBps = Ranged(children, "management_fee_bps", "children", 0, 0, BasisPoints.One),
            PerformanceFeeBps = Ranged(children, "performance_fee_bps", "children", 0, 0, BasisPoints.One),
            MaxReportUpBps = Ranged(children, "max_report_up_bps", "children", NavReportBounds.NoLimit, 1, NavReportBounds.NoLimit),
            MaxReportDownBps = Ranged(children, "max_report_down_bps", "children", BasisPoints.One, 1, BasisPoints.One),
            MinReportIntervalSeconds = (long)(AtMost(Get(children, "min_report_interval_hours"), "children.min_report_interval_hours", NavReportBounds.DefaultMinInterval.TotalHours, 24 * 366) * 3_600),
            ReportWindowSeconds = (long)(AtMost(Get(children, "report_window_days"), "children.report_window_days", NavReportBounds.DefaultWindow.TotalDays, NavReportBounds.MaxWindow.TotalDays) * 86_400),
            MaxWindowUpBps = Get(children, "max_window_up_bps") is not null ? Ranged(children, "max_window_up_bps", "children", NavReportBounds.NoLimit, 1, NavReportBounds.NoLimit) : null,
            MaxWindowDownBps = Get(children, "max_window_down_bps") is not null ? Ranged(children, "max_window_down_bps", "children", BasisPoints.One, 1, BasisPoints.One) : null,
            DecimalsOffset = Ranged(children, "decimals_offset", "children", 6, 0, ShareLedger.MaxDecimalsOffset),
            InstantWithdrawals = Bool(Get(children, "instant_withdrawals"), "children.instant_withdrawals", true),
            WithdrawalDelaySeconds = (long)(AtMost(Get(children, "withdrawal_delay_days"), "children.withdrawal_delay_days", 0, MaxWithdrawalDelayDays) * 86_400),
            Pricing = Pricing(Get(children, "pricing"), "children.pricing"),
        };

    /// <summary>The composed vault's rails; amounts in whole units read exactly into base units.</summary>
    private static RebalanceRails BindRails(SpecNode railsNode, int decimals)
    {
        var r = AsMap(railsNode, "composed.rails");
        CheckKeys(r, RailKeys, "composed.rails");
        return new RebalanceRails
        {
            MaxChildPpm = Get(r, "max_child_weight") is { } mw ? Ppm(mw, "composed.rails.max_child_weight") : null,
            MaxChildAssets = Get(r, "max_child_assets") is { } ma ? BaseUnits(ma, "composed.rails.max_child_assets", decimals, MaxBaseUnits) : null,
            MaxStepPpm = Get(r, "max_step") is { } ms ? Ppm(ms, "composed.rails.max_step") : null,
            MinTradeAssets = Get(r, "min_trade") is { } mt ? BaseUnits(mt, "composed.rails.min_trade", decimals, MaxBaseUnits) : UInt128.Zero,
            CooldownSeconds = (long)(AtMost(Get(r, "cooldown_days"), "composed.rails.cooldown_days", 0, ProtocolEngine.MaxCooldownSeconds / 86_400) * 86_400),
            FixedCostPerOperation = Get(r, "fixed_cost") is { } fc ? BaseUnits(fc, "composed.rails.fixed_cost", decimals, MaxBaseUnits) : UInt128.Zero,
            CostBudget = Get(r, "cost_budget") is { } cb ? BaseUnits(cb, "composed.rails.cost_budget", decimals, MaxBaseUnits) : null,
            CostBudgetPerDay = Get(r, "cost_budget_per_day") is { } cd ? BaseUnits(cd, "composed.rails.cost_budget_per_day", decimals, MaxBaseUnits) : UInt128.Zero,
        };
    }

    /// <summary>One investor flow: a deposit of whole units or a redemption of a fraction of the account's shares, on a date inside the data.</summary>
    private static InvestorFlow BindFlow(SpecNode item, string path, PriceTable prices, AssetSymbol symbol, int decimals)
    {
        var flow = AsMap(item, path);
        CheckKeys(flow, FlowKeys, path);
        var account = InvestorAccount(Required(flow, "account", path, "an account name"), $"{path}.account");

        DateOnly? on = null;
        if (Get(flow, "on") is { } onNode && Text(onNode, $"{path}.on") is var onText && onText != "first")
        {
            on = DateText.TryParse(onText, out var d, out _) ? d : throw Fail(onNode, $"{path}.on", $"expected a date (YYYY-MM-DD or YYYY-MM) or first, found '{onText}'");
        }

        var deposit = Get(flow, "deposit") is { } dn ? NonNegative(dn, $"{path}.deposit", 0) : (double?)null;
        var redeem = Get(flow, "redeem") is { } rn ? NonNegative(rn, $"{path}.redeem", 0) : (double?)null;
        if ((deposit is null) == (redeem is null))
        {
            throw Fail(flow, path, "give exactly one of deposit (whole asset units) or redeem (a fraction of the account's shares, in (0, 1])");
        }

        if (deposit is <= 0 || redeem is <= 0 or > 1)
        {
            throw Fail(flow, path, "deposit must be > 0 and redeem in (0, 1]");
        }

        if (on is { } day && (day < prices.Dates[0] || day > prices.Dates[^1]))
        {
            throw Fail(Get(flow, "on")!, $"{path}.on", $"{prices.FormatDate(day)} is outside the data ({prices.FormatDate(prices.Dates[0])} .. {prices.FormatDate(prices.Dates[^1])}); the flow would never run on its date");
        }

        if (deposit is { } units && units * Math.Pow(10, decimals) > MaxAmount)
        {
            throw Fail(Get(flow, "deposit")!, $"{path}.deposit", $"{units} {symbol} is more than this simulation handles (at most {MaxAmount / Math.Pow(10, decimals):G3} at {decimals} decimals)");
        }

        if (deposit is { } small && Math.Floor(small * Math.Pow(10, decimals)) < 1)
        {
            throw Fail(Get(flow, "deposit")!, $"{path}.deposit", $"{Plain(small)} {symbol} is less than one base unit ({Plain(Math.Pow(10, -decimals))} {symbol} at {decimals} decimals); nothing would be deposited");
        }

        if (redeem is { } fraction && Math.Round(fraction * 1_000_000) < 1)
        {
            throw Fail(Get(flow, "redeem")!, $"{path}.redeem", $"{Plain(fraction)} is less than the smallest fraction a redemption takes (0.000001); nothing would be redeemed");
        }

        return new InvestorFlow(account, on, deposit, redeem, flow.Location with { Field = path });
    }

    /// <summary>The governance block: the parameters and the steps in file order, each checked against the data and the policy spec.</summary>
    private static (Ballast.Governance.GovernanceParameters Parameters, ImmutableArray<GovernanceStep> Steps) BindGovernance(SpecNode govNode, PriceTable prices, ImmutableArray<string> universe, string policyText, bool hasDataFile)
    {
        var steps = ImmutableArray.CreateBuilder<GovernanceStep>();
        var gov = AsMap(govNode, "governance");
        CheckKeys(gov, GovernanceKeys, "governance");
        var parameters = Get(gov, "parameters") is { } pn ? AsMap(pn, "governance.parameters") : new MapNode(govNode.Location, []);
        CheckKeys(parameters, ParameterKeys, "governance.parameters");
        long Days(string key, double fallback) => (long)Math.Round(AtMost(Get(parameters, key), $"governance.parameters.{key}", fallback, 3650) * 86_400);
        var quorumNode = Get(parameters, "quorum");
        var quorum = quorumNode is null ? 0.1m : Decimal(quorumNode, "governance.parameters.quorum");
        if (quorumNode is not null && quorum is < 0 or > 1)
        {
            throw Fail(quorumNode, "governance.parameters.quorum", $"expected a fraction from 0 to 1, found {quorumNode.Describe}");
        }

        var governance = new Ballast.Governance.GovernanceParameters(
            Days("voting_delay_days", 1), Days("voting_period_days", 7), (int)Math.Round(quorum * 10_000), BankUnits(Get(parameters, "threshold"), "governance.parameters.threshold"),
            Days("timelock_days", 2), Days("grace_days", 14), new AccountId("guardian"))
        {
            EvidenceRequired = Bool(Get(parameters, "evidence_required"), "governance.parameters.evidence_required", true),
        };
        if (governance.Problem() is { } problem)
        {
            throw Fail(parameters, "governance.parameters", problem);
        }

        var list = Get(gov, "steps") is { } sn ? AsList(sn, "governance.steps") : new ListNode(govNode.Location, []);
        var proposals = list.Items.Count(item => item is MapNode m && Get(m, "propose") is not null);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var step = GovernanceStep.Parse(AsMap(list.Items[i], $"governance.steps[{i}]"), $"governance.steps[{i}]", prices, universe, policyText);
            if (step.Evidence && !hasDataFile)
            {
                throw Fail(list.Items[i], $"governance.steps[{i}].propose.evidence", "evidence is a backtest re-run on a data file; synthetic data has none (use data: { file: ... })");
            }

            if (step.ProposalId > proposals)
            {
                throw Fail(list.Items[i], $"governance.steps[{i}].{step.Kind}.proposal", $"proposal {step.ProposalId} is never made: the scenario's steps propose {proposals} (numbered from 1 in file order)");
            }

            steps.Add(step);
        }

        return (governance, steps.ToImmutable());
    }

    /// <summary><c>forward</c> (the default) or <c>immediate</c> (the operator's opt-in to stale-price flows).</summary>
    private static PricingMode Pricing(SpecNode? node, string path) =>
        node is not null && Choice(node, path, PricingModes) == "immediate" ? PricingMode.Immediate : PricingMode.Forward;

    /// <summary>A weight in (0, 1] as parts per million.</summary>
    private static int Ppm(SpecNode node, string path)
    {
        var value = NonNegative(node, path, 0);
        return value is > 0 and <= 1 ? (int)Math.Round(value * 1_000_000, MidpointRounding.AwayFromZero) : throw Fail(node, path, $"expected a weight in (0, 1], found {node.Describe}");
    }

    /// <summary>The whole number at <paramref name="key"/> in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    private static int Ranged(MapNode map, string key, string path, int fallback, int min, int max) =>
        Get(map, key) is { } node ? (int)Long(node, Join(path, key), min, max) : fallback;

    /// <summary>The longest withdrawal delay a scenario may give its child vaults: ten years, as governance's longest duration.</summary>
    public const double MaxWithdrawalDelayDays = 3_650;

    /// <summary>
    /// An account a scenario acts as (an investor, a governance step's account): a valid name, and not a system
    /// account (<c>vault:</c>, <c>escrow:</c>, <c>gauge:</c>), which the protocol moves only by its own events.
    /// </summary>
    internal static string InvestorAccount(SpecNode node, string path)
    {
        var account = Text(node, path);
        if (!AccountId.IsValid(account))
        {
            throw Fail(node, path, $"'{account}' is not a valid account name (1 to 64 ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit)");
        }

        return ProtocolEngine.IsSystemAccount(new AccountId(account))
            ? throw Fail(node, path, $"'{account}' is a system account (vault:, escrow:, gauge:): the protocol moves it only by its own events, so nobody can act as it or be paid into it; choose another name")
            : account;
    }

    /// <summary>The largest amount in base units a scenario may name (1e30: far beyond any real supply, well inside UInt128).</summary>
    private const double MaxAmount = 1e30;

    /// <summary><see cref="MaxAmount"/> exactly.</summary>
    private static readonly BigInteger MaxBaseUnits = BigInteger.Pow(10, 30);

    /// <summary>Whole BANK (up to 18 decimals, read exactly) in base units; at most the supply cap.</summary>
    internal static UInt128 BankUnits(SpecNode? node, string path) =>
        node is null ? UInt128.Zero : BaseUnits(node, path, Ballast.Governance.BankToken.Decimals, (BigInteger)Ballast.Governance.BankToken.MaxSupply, "at most 2,100,000,000 BANK exist");

    /// <summary>A number as plain decimal text (0.0000001, not 1E-07).</summary>
    private static string Plain(double value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
