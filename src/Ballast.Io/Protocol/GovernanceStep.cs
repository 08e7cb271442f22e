using Ballast.Accounting;
using Ballast.Data;
using Ballast.Io.Specs;
using static Ballast.Io.Specs.NodeReader;

namespace Ballast.Io.Protocol;

/// <summary>
/// One governance step of a scenario, run on the first row on or after <see cref="On"/>: mint BANK, lock it, propose
/// adopting one of the scenario's policies (with evidence re-run on the scenario's data, and optionally making the
/// composed vault a gauge), vote, queue, execute, cancel, or vote on gauges.
/// </summary>
public sealed record GovernanceStep
{
    public required DateOnly On { get; init; }

    public required string Kind { get; init; }

    public required string Account { get; init; }

    public UInt128 Bank { get; init; }

    public long Weeks { get; init; }

    public string? Policy { get; init; }

    public bool Evidence { get; init; }

    public bool Gauge { get; init; }

    public string Description { get; init; } = string.Empty;

    public long ProposalId { get; init; }

    public int Support { get; init; }

    public int Bps { get; init; }

    public required InputLocation Location { get; init; }

    /// <summary>The keys of each kind of step (schemas/scenario.schema.json lists the same).</summary>
    internal static readonly Dictionary<string, string[]> Fields = new(StringComparer.Ordinal)
    {
        ["mint"] = ["to", "bank"],
        ["lock"] = ["account", "bank", "weeks"],
        ["propose"] = ["by", "policy", "evidence", "gauge", "description"],
        ["vote"] = ["by", "proposal", "support"],
        ["queue"] = ["proposal"],
        ["execute"] = ["proposal"],
        ["cancel"] = ["by", "proposal"],
        ["gauge_vote"] = ["by", "bps"],
    };

    /// <summary>A vote's support, in the governor's order: against (0), for (1), abstain (2).</summary>
    internal static readonly string[] Supports = ["against", "for", "abstain"];

    internal static GovernanceStep Parse(MapNode step, string path, PriceTable prices, System.Collections.Immutable.ImmutableArray<string> universe, string policyText)
    {
        var kinds = step.Entries.Select(e => e.Key.Text).Where(k => k != "on").ToList();
        CheckKeys(step, ["on", .. Scenario.StepKinds], path);
        if (kinds.Count != 1)
        {
            throw Fail(step, path, $"a step has `on: DATE` and exactly one of {string.Join(", ", Scenario.StepKinds)}");
        }

        var kind = kinds[0];
        var onNode = Get(step, "on") ?? throw Fail(step, $"{path}.on", "missing on: the date of the step");
        var onText = Text(onNode, $"{path}.on");
        if (!DateText.TryParse(onText, out var on, out _))
        {
            throw Fail(onNode, $"{path}.on", $"expected a date (YYYY-MM-DD or YYYY-MM), found '{onText}'");
        }

        if (on < prices.Dates[0] || on > prices.Dates[^1])
        {
            throw Fail(onNode, $"{path}.on", $"{prices.FormatDate(on)} is outside the data ({prices.FormatDate(prices.Dates[0])} .. {prices.FormatDate(prices.Dates[^1])})");
        }

        var bodyPath = $"{path}.{kind}";
        var body = AsMap(Get(step, kind)!, bodyPath);
        CheckKeys(body, Fields[kind], bodyPath);
        string Account(string key)
        {
            var node = Get(body, key) ?? throw Fail(body, $"{bodyPath}.{key}", $"missing {key}: an account name");
            return Scenario.InvestorAccount(node, $"{bodyPath}.{key}");
        }

        long Proposal()
        {
            var node = Get(body, "proposal") ?? throw Fail(body, $"{bodyPath}.proposal", "missing proposal: its number (1 for the first)");
            var value = NonNegative(node, $"{bodyPath}.proposal", 0);
            return value >= 1 && value <= int.MaxValue && value == Math.Floor(value) ? (long)value : throw Fail(node, $"{bodyPath}.proposal", $"expected a proposal number >= 1 (1 for the first), found {node.Describe}");
        }

        bool Flag(string key) => Bool(Get(body, key), $"{bodyPath}.{key}", false);

        var location = step.Location with { Field = path };
        switch (kind)
        {
            case "mint":
                return new GovernanceStep { On = on, Kind = kind, Account = Account("to"), Bank = Scenario.BankUnits(Get(body, "bank"), $"{bodyPath}.bank"), Location = location };
            case "lock":
                var weeks = NonNegative(Get(body, "weeks"), $"{bodyPath}.weeks", 52);
                if (weeks is < 1 or > 208 || weeks != Math.Floor(weeks))
                {
                    throw Fail(body, $"{bodyPath}.weeks", $"a lock lasts 1 to 208 whole weeks (four years), got {weeks}");
                }

                return new GovernanceStep { On = on, Kind = kind, Account = Account("account"), Bank = Scenario.BankUnits(Get(body, "bank"), $"{bodyPath}.bank"), Weeks = (long)weeks, Location = location };
            case "propose":
                var policyNode = Get(body, "policy") ?? throw Fail(body, $"{bodyPath}.policy", "missing policy: the name of a policy in the scenario's policy spec");
                var policy = Text(policyNode, $"{bodyPath}.policy");
                var names = SpecPolicyCompiler.Instance.CompileAll(policyText).Select(p => p.Name).ToList();
                if (!names.Contains(policy))
                {
                    throw Fail(policyNode, $"{bodyPath}.policy", $"the policy spec has no policy '{policy}'; it has: {string.Join(", ", names)}");
                }

                return new GovernanceStep
                {
                    On = on, Kind = kind, Account = Account("by"), Policy = policy, Evidence = Flag("evidence"), Gauge = Flag("gauge"),
                    Description = Get(body, "description") is { } d ? Text(d, $"{bodyPath}.description") : $"adopt {policy}",
                    Location = location,
                };
            case "vote":
                var supportNode = Get(body, "support") ?? throw Fail(body, $"{bodyPath}.support", "missing support: for, against or abstain");
                var support = Array.IndexOf(Supports, Choice(supportNode, $"{bodyPath}.support", Supports));
                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), ProposalId = Proposal(), Support = support, Location = location };
            case "queue" or "execute":
                return new GovernanceStep { On = on, Kind = kind, Account = "keeper", ProposalId = Proposal(), Location = location };
            case "cancel":
                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), ProposalId = Proposal(), Location = location };
            default:
                var bps = NonNegative(Get(body, "bps"), $"{bodyPath}.bps", 10_000);
                if (bps > BasisPoints.One || bps != Math.Floor(bps))
                {
                    throw Fail(Get(body, "bps")!, $"{bodyPath}.bps", $"expected whole basis points from 0 to 10000 of the account's veBANK, found {bps}");
                }

                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), Bps = (int)bps, Location = location };
        }
    }
}
