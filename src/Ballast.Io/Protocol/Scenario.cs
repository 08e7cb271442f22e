using System.Collections.Immutable;
using System.Globalization;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Protocol;

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

    public required string AssetSymbol { get; init; }

    public required int AssetDecimals { get; init; }

    public required SimpleVaultSpec ChildDefaults { get; init; }

    public required string ComposedId { get; init; }

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

    private static readonly string[] TopKeys = ["name", "data", "asset", "policy", "children", "composed", "investors", "keeper", "governance"];
    private static readonly string[] GovernanceKeys = ["parameters", "steps"];
    private static readonly string[] ParameterKeys = ["voting_delay_days", "voting_period_days", "quorum", "threshold", "timelock_days", "grace_days", "evidence_required"];
    private static readonly string[] StepKinds = ["mint", "lock", "propose", "vote", "queue", "execute", "cancel", "gauge_vote"];
    private static readonly string[] DataKeys = ["file", "returns", "fill", "synth"];
    private static readonly string[] SynthKeys = ["strategies", "years", "seed"];
    private static readonly string[] ChildKeys = ["entry_fee_bps", "exit_fee_bps", "flow_fees_paid_out", "management_fee_bps", "performance_fee_bps", "max_report_up_bps", "max_report_down_bps", "min_report_interval_hours", "report_window_days", "max_window_up_bps", "max_window_down_bps", "decimals_offset", "instant_withdrawals", "withdrawal_delay_days", "pricing"];
    private static readonly string[] ComposedKeys = ["id", "decimals_offset", "rails", "periods_per_year", "pricing"];
    private static readonly string[] RailKeys = ["max_child_weight", "max_child_assets", "max_step", "min_trade", "cooldown_days", "fixed_cost", "cost_budget", "cost_budget_per_day"];
    private static readonly string[] FlowKeys = ["account", "on", "deposit", "redeem"];

    public static Scenario LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "scenario"), path);
    }

    public static Scenario Load(string text, string source)
    {
        var root = SpecDocument.Parse(text, source) as MapNode ?? throw new BallastInputException(new InputLocation(source, 1, 1), "a scenario is a mapping of name, data, asset, policy, children, composed, investors, keeper");
        Check(root, TopKeys, string.Empty);
        var directory = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var name = Get(root, "name") is { } n ? Str(n, "name") : Path.GetFileNameWithoutExtension(source);

        // Policy first: its universe names the data columns.
        var policyMap = Map(Required(root, "policy", "policy: { file: SPEC, name: POLICY }"), "policy");
        Check(policyMap, ["file", "name"], "policy");
        var policyFileNode = Required(policyMap, "file", "the policy spec file, relative to the scenario", "policy");
        var policyFile = Path.Combine(directory, Str(policyFileNode, "policy.file"));
        if (!File.Exists(policyFile))
        {
            throw Error(policyFileNode, "policy.file", $"policy spec not found: {policyFile}");
        }

        // Read and checked under its own name first, so an error in the spec names the spec's file and line.
        var policyText = DocumentLimits.ReadFile(policyFile, "policy spec");
        SpecLoader.Load(policyText, policyFile);
        var policyName = Str(Required(policyMap, "name", "the name of a policy in that spec", "policy"), "policy.name");
        var compiled = Wrap(policyFileNode, "policy", () => SpecPolicyCompiler.Instance.Compile(policyName, policyText));

        // Data.
        var dataMap = Map(Required(root, "data", "data: { file: CSV, returns: percent } or data: { synth: { strategies: 5, years: 10, seed: 1 } }"), "data");
        Check(dataMap, DataKeys, "data");
        PriceTable prices;
        string description;
        (string, ValueKind, FillMode)? dataFile = null;
        if (Get(dataMap, "synth") is { } synthNode)
        {
            var synth = Map(synthNode, "data.synth");
            Check(synth, SynthKeys, "data.synth");
            var strategies = Ranged(synth, "strategies", "data.synth", 5, 1, Synthesis.StrategySynthesizer.MaxStrategies);
            var years = Ranged(synth, "years", "data.synth", 10, 1, Synthesis.StrategySynthesizer.MaxYears);
            var seed = Int(Get(synth, "seed"), "data.synth.seed", 1);
            var table = Synthesis.StrategySynthesizer.Generate(strategies, years, seed);
            foreach (var asset in compiled.Universe)
            {
                if (table.IndexOf(asset) < 0)
                {
                    throw Error(synthNode, "data.synth", $"the policy holds '{asset}', which the synthetic data does not have (it has {string.Join(", ", table.Names)})");
                }
            }

            prices = table.Select([.. compiled.Universe]);
            description = $"synthetic: {strategies} strategies, {years} years, seed {seed}";
        }
        else
        {
            var fileNode = Required(dataMap, "file", "a CSV file relative to the scenario, or synth", "data");
            var file = Path.Combine(directory, Str(fileNode, "data.file"));
            var kind = Get(dataMap, "returns") is { } returnsNode
                ? Str(returnsNode, "data.returns") switch
                {
                    "percent" => ValueKind.ReturnsPercent,
                    "fraction" => ValueKind.ReturnsFraction,
                    var other => throw Error(returnsNode, "data.returns", $"unknown value '{other}'; expected percent or fraction (omit for prices)"),
                }
                : ValueKind.Prices;
            var fill = Get(dataMap, "fill") is { } fillNode && Str(fillNode, "data.fill") == "forward" ? FillMode.Forward : FillMode.None;
            if (!File.Exists(file))
            {
                throw Error(fileNode, "data.file", $"data file not found: {file}");
            }

            var market = MarketDataCsv.ReadFile(file, kind);
            prices = PriceWindow.Build(market, [.. compiled.Universe], null, null, fill);
            description = file;
            dataFile = (file, kind, fill);
        }

        // Asset.
        var assetMap = Map(Required(root, "asset", "asset: { symbol: USD, decimals: 6 }"), "asset");
        Check(assetMap, ["symbol", "decimals"], "asset");
        var symbolNode = Required(assetMap, "symbol", "a symbol such as USD", "asset");
        var symbol = Str(symbolNode, "asset.symbol");
        if (!AccountId.IsValid(symbol))
        {
            throw Error(symbolNode, "asset.symbol", $"'{symbol}' is not a valid symbol (letters, digits, - _ . :)");
        }

        var decimals = Int(Get(assetMap, "decimals"), "asset.decimals", 6);
        if (decimals is < 0 or > 18)
        {
            throw Error(assetMap, "asset.decimals", $"decimals must be 0..18, got {decimals}");
        }

        // Children.
        var childDefaults = new SimpleVaultSpec { Asset = symbol, Operator = new AccountId("operator"), Reporter = new AccountId("reporter"), FeeRecipient = new AccountId("fees"), DecimalsOffset = 6, FlowFeesPaidOut = true };
        if (Get(root, "children") is { } childrenNode)
        {
            var children = Map(childrenNode, "children");
            Check(children, ChildKeys, "children");
            childDefaults = childDefaults with
            {
                EntryFeeBps = Ranged(children, "entry_fee_bps", "children", 0, 0, VaultConfig.MaxFlowFeeBps),
                ExitFeeBps = Ranged(children, "exit_fee_bps", "children", 0, 0, VaultConfig.MaxFlowFeeBps),
                FlowFeesPaidOut = Bool(Get(children, "flow_fees_paid_out"), "children.flow_fees_paid_out", true),
                ManagementFeeBps = Ranged(children, "management_fee_bps", "children", 0, 0, BasisPoints.One),
                PerformanceFeeBps = Ranged(children, "performance_fee_bps", "children", 0, 0, BasisPoints.One),
                MaxReportUpBps = Ranged(children, "max_report_up_bps", "children", NavReportBounds.NoLimit, 1, NavReportBounds.NoLimit),
                MaxReportDownBps = Ranged(children, "max_report_down_bps", "children", BasisPoints.One, 1, BasisPoints.One),
                MinReportIntervalSeconds = (long)(Bounded(Get(children, "min_report_interval_hours"), "children.min_report_interval_hours", NavReportBounds.DefaultMinInterval.TotalHours, 24 * 366) * 3_600),
                ReportWindowSeconds = (long)(Bounded(Get(children, "report_window_days"), "children.report_window_days", NavReportBounds.DefaultWindow.TotalDays, NavReportBounds.MaxWindow.TotalDays) * 86_400),
                MaxWindowUpBps = Get(children, "max_window_up_bps") is not null ? Ranged(children, "max_window_up_bps", "children", NavReportBounds.NoLimit, 1, NavReportBounds.NoLimit) : null,
                MaxWindowDownBps = Get(children, "max_window_down_bps") is not null ? Ranged(children, "max_window_down_bps", "children", BasisPoints.One, 1, BasisPoints.One) : null,
                DecimalsOffset = Ranged(children, "decimals_offset", "children", 6, 0, ShareLedger.MaxDecimalsOffset),
                InstantWithdrawals = Bool(Get(children, "instant_withdrawals"), "children.instant_withdrawals", true),
                WithdrawalDelaySeconds = (long)(Bounded(Get(children, "withdrawal_delay_days"), "children.withdrawal_delay_days", 0, MaxWithdrawalDelayDays) * 86_400),
                Pricing = Pricing(Get(children, "pricing"), "children.pricing"),
            };
            Wrap(childrenNode, "children", () => childDefaults.ToConfig(new Asset(symbol, decimals)).Validate());
        }

        // Composed vault and rails.
        var composedMap = Get(root, "composed") is { } cn ? Map(cn, "composed") : null;
        if (composedMap is not null)
        {
            Check(composedMap, ComposedKeys, "composed");
        }

        var composedId = composedMap is not null && Get(composedMap, "id") is { } idNode ? Str(idNode, "composed.id") : "composed";
        if (!AccountId.IsValid("vault:" + composedId))
        {
            throw Error(composedMap!, "composed.id", $"'{composedId}' is not a valid composed vault id (letters, digits, - _ . :)");
        }

        var rails = RebalanceRails.None;
        if (composedMap is not null && Get(composedMap, "rails") is { } railsNode)
        {
            var r = Map(railsNode, "composed.rails");
            Check(r, RailKeys, "composed.rails");
            var scale = Math.Pow(10, decimals);
            rails = new RebalanceRails
            {
                MaxChildPpm = Get(r, "max_child_weight") is { } mw ? Ppm(mw, "composed.rails.max_child_weight") : null,
                MaxChildAssets = Get(r, "max_child_assets") is { } ma ? Units(ma, "composed.rails.max_child_assets", scale) : null,
                MaxStepPpm = Get(r, "max_step") is { } ms ? Ppm(ms, "composed.rails.max_step") : null,
                MinTradeAssets = Get(r, "min_trade") is { } mt ? Units(mt, "composed.rails.min_trade", scale) : UInt128.Zero,
                CooldownSeconds = (long)(Bounded(Get(r, "cooldown_days"), "composed.rails.cooldown_days", 0, ProtocolEngine.MaxCooldownSeconds / 86_400) * 86_400),
                FixedCostPerOperation = Get(r, "fixed_cost") is { } fc ? Units(fc, "composed.rails.fixed_cost", scale) : UInt128.Zero,
                CostBudget = Get(r, "cost_budget") is { } cb ? Units(cb, "composed.rails.cost_budget", scale) : null,
                CostBudgetPerDay = Get(r, "cost_budget_per_day") is { } cd ? Units(cd, "composed.rails.cost_budget_per_day", scale) : UInt128.Zero,
            };
        }

        var composed = new ComposedVaultSpec
        {
            Asset = symbol,
            DecimalsOffset = composedMap is not null ? Ranged(composedMap, "decimals_offset", "composed", 6, 0, ShareLedger.MaxDecimalsOffset) : 6,
            Operator = new AccountId("operator"),
            CostRecipient = new AccountId("costs"),
            Children = compiled.Universe,
            Rails = rails,
            PeriodsPerYear = composedMap is not null && Get(composedMap, "periods_per_year") is not null ? Ranged(composedMap, "periods_per_year", "composed", 0, 1, int.MaxValue) : null,
            Pricing = Pricing(composedMap is null ? null : Get(composedMap, "pricing"), "composed.pricing"),
        };

        // Investors.
        var flows = ImmutableArray.CreateBuilder<InvestorFlow>();
        var investors = AsList(Required(root, "investors", "a list of { account, deposit: UNITS or redeem: FRACTION, on: DATE or first }"), "investors");
        for (var i = 0; i < investors.Items.Count; i++)
        {
            var path = $"investors[{i}]";
            var flow = Map(investors.Items[i], path);
            Check(flow, FlowKeys, path);
            var account = InvestorAccount(Required(flow, "account", "an account name", path), $"{path}.account");

            DateOnly? on = null;
            if (Get(flow, "on") is { } onNode && Str(onNode, $"{path}.on") is var onText && onText != "first")
            {
                on = DateText.TryParse(onText, out var d, out _) ? d : throw Error(onNode, $"{path}.on", $"expected a date (YYYY-MM-DD or YYYY-MM) or first, found '{onText}'");
            }

            var deposit = Get(flow, "deposit") is { } dn ? Num(dn, $"{path}.deposit", 0) : (double?)null;
            var redeem = Get(flow, "redeem") is { } rn ? Num(rn, $"{path}.redeem", 0) : (double?)null;
            if ((deposit is null) == (redeem is null))
            {
                throw Error(flow, path, "give exactly one of deposit (whole asset units) or redeem (a fraction of the account's shares, in (0, 1])");
            }

            if (deposit is <= 0 || redeem is <= 0 or > 1)
            {
                throw Error(flow, path, "deposit must be > 0 and redeem in (0, 1]");
            }

            if (on is { } day && (day < prices.Dates[0] || day > prices.Dates[^1]))
            {
                throw Error(Get(flow, "on")!, $"{path}.on", $"{prices.FormatDate(day)} is outside the data ({prices.FormatDate(prices.Dates[0])} .. {prices.FormatDate(prices.Dates[^1])}); the flow would never run on its date");
            }

            if (deposit is { } units && units * Math.Pow(10, decimals) > MaxAmount)
            {
                throw Error(Get(flow, "deposit")!, $"{path}.deposit", $"{units} {symbol} is more than this simulation handles (at most {MaxAmount / Math.Pow(10, decimals):G3} at {decimals} decimals)");
            }

            if (deposit is { } small && Math.Floor(small * Math.Pow(10, decimals)) < 1)
            {
                throw Error(Get(flow, "deposit")!, $"{path}.deposit", $"{Plain(small)} {symbol} is less than one base unit ({Plain(Math.Pow(10, -decimals))} {symbol} at {decimals} decimals); nothing would be deposited");
            }

            if (redeem is { } fraction && Math.Round(fraction * 1_000_000) < 1)
            {
                throw Error(Get(flow, "redeem")!, $"{path}.redeem", $"{Plain(fraction)} is less than the smallest fraction a redemption takes (0.000001); nothing would be redeemed");
            }

            flows.Add(new InvestorFlow(account, on, deposit, redeem, flow.Location with { Field = path }));
        }

        var keeper = Get(root, "keeper") is { } keeperNode ? Str(keeperNode, "keeper") : "every-row";
        if (keeper is not ("every-row" or "none"))
        {
            throw Error(Get(root, "keeper")!, "keeper", $"unknown value '{keeper}'; expected every-row or none");
        }

        Ballast.Governance.GovernanceParameters? governance = null;
        var steps = ImmutableArray.CreateBuilder<GovernanceStep>();
        if (Get(root, "governance") is { } govNode)
        {
            var gov = Map(govNode, "governance");
            Check(gov, GovernanceKeys, "governance");
            var parameters = Get(gov, "parameters") is { } pn ? Map(pn, "governance.parameters") : new MapNode(govNode.Location, []);
            Check(parameters, ParameterKeys, "governance.parameters");
            long Days(string key, double fallback) => (long)Math.Round(Bounded(Get(parameters, key), $"governance.parameters.{key}", fallback, 3650) * 86_400);
            var quorum = Bounded(Get(parameters, "quorum"), "governance.parameters.quorum", 0.1, 1);
            governance = new Ballast.Governance.GovernanceParameters(
                Days("voting_delay_days", 1), Days("voting_period_days", 7), (int)Math.Round(quorum * 10_000), BankUnits(Get(parameters, "threshold"), "governance.parameters.threshold"),
                Days("timelock_days", 2), Days("grace_days", 14), new AccountId("guardian"))
            {
                EvidenceRequired = Bool(Get(parameters, "evidence_required"), "governance.parameters.evidence_required", true),
            };
            if (governance.Problem() is { } problem)
            {
                throw Error(parameters, "governance.parameters", problem);
            }

            var list = Get(gov, "steps") is { } sn ? AsList(sn, "governance.steps") : new ListNode(govNode.Location, []);
            var proposals = list.Items.Count(item => item is MapNode m && Get(m, "propose") is not null);
            for (var i = 0; i < list.Items.Count; i++)
            {
                var step = GovernanceStep.Parse(Map(list.Items[i], $"governance.steps[{i}]"), $"governance.steps[{i}]", prices, compiled.Universe, policyText);
                if (step.Evidence && dataFile is null)
                {
                    throw Error(list.Items[i], $"governance.steps[{i}].propose.evidence", "evidence is a backtest re-run on a data file; synthetic data has none (use data: { file: ... })");
                }

                if (step.ProposalId > proposals)
                {
                    throw Error(list.Items[i], $"governance.steps[{i}].{step.Kind}.proposal", $"proposal {step.ProposalId} is never made: the scenario's steps propose {proposals} (numbered from 1 in file order)");
                }

                steps.Add(step);
            }
        }

        return new Scenario
        {
            DataFile = dataFile,
            Governance = governance,
            GovernanceSteps = steps.ToImmutable(),
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

    private static T Wrap<T>(SpecNode node, string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (BallastInputException e)
        {
            throw Error(node, path, e.Message);
        }
        catch (ArgumentException e)
        {
            throw Error(node, path, e.Message);
        }
    }

    private static void Wrap(SpecNode node, string path, Action action) => Wrap(node, path, () =>
    {
        action();
        return 0;
    });

    private static SpecNode? Get(MapNode map, string key) => map.Entries.FirstOrDefault(e => e.Key.Text == key).Value;

    private static SpecNode Required(MapNode map, string key, string expected, string path = "") =>
        Get(map, key) ?? throw Error(map, path.Length == 0 ? key : $"{path}.{key}", $"missing {key}: {expected}");

    private static void Check(MapNode map, string[] known, string path)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (Array.IndexOf(known, key.Text) < 0)
            {
                var suggestion = Ballast.Text.Suggest(key.Text, known);
                throw Error(key, path.Length == 0 ? key.Text : $"{path}.{key.Text}", $"unknown key '{key.Text}'; {(suggestion is null ? $"known keys here: {string.Join(", ", known)}" : $"did you mean '{suggestion}'?")}");
            }
        }
    }

    private static MapNode Map(SpecNode node, string path) => node as MapNode ?? throw Error(node, path, $"expected a mapping, found {node.Describe}");

    private static ListNode AsList(SpecNode node, string path) => node as ListNode ?? throw Error(node, path, $"expected a list, found {node.Describe}");

    private static string Str(SpecNode node, string path) =>
        node is ScalarNode { IsNull: false } s ? s.Text : throw Error(node, path, $"expected text, found {node.Describe}");

    private static double Num(SpecNode? node, string path, double fallback)
    {
        if (node is null)
        {
            return fallback;
        }

        return node is ScalarNode { Plain: true, IsNull: false } s && double.TryParse(s.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
            ? v
            : throw Error(node, path, $"expected a non-negative number, found {node.Describe}");
    }

    private static int Int(SpecNode? node, string path, int fallback)
    {
        var value = Num(node, path, fallback);
        return value == Math.Floor(value) && value <= int.MaxValue ? (int)value : throw Error(node!, path, $"expected a whole number, found {node!.Describe}");
    }

    private static bool Bool(SpecNode? node, string path, bool fallback) => node switch
    {
        null => fallback,
        ScalarNode { Text: "true" } => true,
        ScalarNode { Text: "false" } => false,
        _ => throw Error(node, path, $"expected true or false, found {node.Describe}"),
    };

    /// <summary><c>forward</c> (the default) or <c>immediate</c> (the operator's opt-in to stale-price flows).</summary>
    private static PricingMode Pricing(SpecNode? node, string path) => node is null
        ? PricingMode.Forward
        : Str(node, path) switch
        {
            "forward" => PricingMode.Forward,
            "immediate" => PricingMode.Immediate,
            var other => throw Error(node, path, $"unknown value '{other}'; expected forward (the default) or immediate"),
        };

    private static int Ppm(SpecNode node, string path)
    {
        var value = Num(node, path, 0);
        return value is > 0 and <= 1 ? (int)Math.Round(value * 1_000_000, MidpointRounding.AwayFromZero) : throw Error(node, path, $"expected a weight in (0, 1], found {node.Describe}");
    }

    /// <summary>The longest withdrawal delay a scenario may give its child vaults: ten years, as governance's longest duration.</summary>
    public const double MaxWithdrawalDelayDays = 3_650;

    /// <summary>
    /// An account a scenario acts as (an investor, a governance step's account): a valid name, and not a system
    /// account (<c>vault:</c>, <c>escrow:</c>, <c>gauge:</c>), which the protocol moves only by its own events.
    /// </summary>
    internal static string InvestorAccount(SpecNode node, string path)
    {
        var account = Str(node, path);
        if (!AccountId.IsValid(account))
        {
            throw Error(node, path, $"'{account}' is not a valid account name (1 to 64 ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit)");
        }

        return ProtocolEngine.IsSystemAccount(new AccountId(account))
            ? throw Error(node, path, $"'{account}' is a system account (vault:, escrow:, gauge:): the protocol moves it only by its own events, so nobody can act as it or be paid into it; choose another name")
            : account;
    }

    /// <summary>The largest amount in base units a scenario may name (1e30: far beyond any real supply, well inside UInt128).</summary>
    private const double MaxAmount = 1e30;

    private static UInt128 Units(SpecNode node, string path, double scale)
    {
        var value = Num(node, path, 0) * scale;
        return value <= MaxAmount ? (UInt128)Math.Floor(value) : throw Error(node, path, $"{node.Describe} is too large (at most {MaxAmount / scale:G3} whole units)");
    }

    /// <summary>Whole BANK (18 decimals) in base units.</summary>
    internal static UInt128 BankUnits(SpecNode? node, string path)
    {
        var value = Num(node, path, 0);
        return value <= 2.1e9 ? (UInt128)Math.Round(value * 1e6) * ExactMath.Pow10(12) : throw Error(node!, path, $"at most 2,100,000,000 BANK exist, found {node!.Describe}");
    }

    /// <summary>A number as plain decimal text (0.0000001, not 1E-07).</summary>
    private static string Plain(double value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    internal static SpecNode? GetNode(MapNode map, string key) => Get(map, key);

    internal static string Text(SpecNode node, string path) => Str(node, path);

    internal static double Number(SpecNode? node, string path, double fallback) => Num(node, path, fallback);

    internal static void Keys(MapNode map, string[] known, string path) => Check(map, known, path);

    internal static MapNode Mapping(SpecNode node, string path) => Map(node, path);

    internal static BallastInputException Fail(SpecNode node, string path, string message) => Error(node, path, message);

    internal static IReadOnlyList<string> Kinds => StepKinds;

    private static int Ranged(MapNode map, string key, string path, int fallback, int min, int max)
    {
        var node = Get(map, key);
        var value = Int(node, $"{path}.{key}", fallback);
        return node is null || (value >= min && value <= max) ? value : throw Error(node, $"{path}.{key}", $"expected a whole number from {min} to {max}, found {node.Describe}");
    }

    private static double Bounded(SpecNode? node, string path, double fallback, double max)
    {
        var value = Num(node, path, fallback);
        return value <= max ? value : throw Error(node!, path, $"expected at most {max}, found {node!.Describe}");
    }

    private static BallastInputException Error(SpecNode node, string path, string message) =>
        new(node.Location with { Field = path.Length == 0 ? null : path }, message);
}
