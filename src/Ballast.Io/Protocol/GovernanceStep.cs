using Ballast.Accounting;
using Ballast.Data;
using Ballast.Io.Specs;

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

    private static readonly Dictionary<string, string[]> Fields = new(StringComparer.Ordinal)
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

    internal static GovernanceStep Parse(MapNode step, string path, PriceTable prices, System.Collections.Immutable.ImmutableArray<string> universe, string policyText)
    {
        var kinds = step.Entries.Select(e => e.Key.Text).Where(k => k != "on").ToList();
        Scenario.Keys(step, ["on", .. Scenario.Kinds], path);
        if (kinds.Count != 1)
        {
            throw Scenario.Fail(step, path, $"a step has `on: DATE` and exactly one of {string.Join(", ", Scenario.Kinds)}");
        }

        var kind = kinds[0];
        var onNode = Scenario.GetNode(step, "on") ?? throw Scenario.Fail(step, $"{path}.on", "missing on: the date of the step");
        var onText = Scenario.Text(onNode, $"{path}.on");
        if (!DateText.TryParse(onText, out var on, out _))
        {
            throw Scenario.Fail(onNode, $"{path}.on", $"expected a date (YYYY-MM-DD or YYYY-MM), found '{onText}'");
        }

        if (on < prices.Dates[0] || on > prices.Dates[^1])
        {
            throw Scenario.Fail(onNode, $"{path}.on", $"{prices.FormatDate(on)} is outside the data ({prices.FormatDate(prices.Dates[0])} .. {prices.FormatDate(prices.Dates[^1])})");
        }

        var bodyPath = $"{path}.{kind}";
        var body = Scenario.Mapping(Scenario.GetNode(step, kind)!, bodyPath);
        Scenario.Keys(body, Fields[kind], bodyPath);
        string Account(string key)
        {
            var node = Scenario.GetNode(body, key) ?? throw Scenario.Fail(body, $"{bodyPath}.{key}", $"missing {key}: an account name");
            return Scenario.InvestorAccount(node, $"{bodyPath}.{key}");
        }

        long Proposal()
        {
            var node = Scenario.GetNode(body, "proposal") ?? throw Scenario.Fail(body, $"{bodyPath}.proposal", "missing proposal: its number (1 for the first)");
            var value = Scenario.Number(node, $"{bodyPath}.proposal", 0);
            return value >= 1 && value <= int.MaxValue && value == Math.Floor(value) ? (long)value : throw Scenario.Fail(node, $"{bodyPath}.proposal", $"expected a proposal number >= 1 (1 for the first), found {node.Describe}");
        }

        bool Flag(string key) => Scenario.GetNode(body, key) is { } node && (Scenario.Text(node, $"{bodyPath}.{key}") switch
        {
            "true" => true,
            "false" => false,
            _ => throw Scenario.Fail(node, $"{bodyPath}.{key}", "expected true or false"),
        });

        var location = step.Location with { Field = path };
        switch (kind)
        {
            case "mint":
                return new GovernanceStep { On = on, Kind = kind, Account = Account("to"), Bank = Scenario.BankUnits(Scenario.GetNode(body, "bank"), $"{bodyPath}.bank"), Location = location };
            case "lock":
                var weeks = Scenario.Number(Scenario.GetNode(body, "weeks"), $"{bodyPath}.weeks", 52);
                if (weeks is < 1 or > 208 || weeks != Math.Floor(weeks))
                {
                    throw Scenario.Fail(body, $"{bodyPath}.weeks", $"a lock lasts 1 to 208 whole weeks (four years), got {weeks}");
                }

                return new GovernanceStep { On = on, Kind = kind, Account = Account("account"), Bank = Scenario.BankUnits(Scenario.GetNode(body, "bank"), $"{bodyPath}.bank"), Weeks = (long)weeks, Location = location };
            case "propose":
                var policyNode = Scenario.GetNode(body, "policy") ?? throw Scenario.Fail(body, $"{bodyPath}.policy", "missing policy: the name of a policy in the scenario's policy spec");
                var policy = Scenario.Text(policyNode, $"{bodyPath}.policy");
                var names = SpecPolicyCompiler.Instance.CompileAll(policyText).Select(p => p.Name).ToList();
                if (!names.Contains(policy))
                {
                    throw Scenario.Fail(policyNode, $"{bodyPath}.policy", $"the policy spec has no policy '{policy}'; it has: {string.Join(", ", names)}");
                }

                return new GovernanceStep
                {
                    On = on, Kind = kind, Account = Account("by"), Policy = policy, Evidence = Flag("evidence"), Gauge = Flag("gauge"),
                    Description = Scenario.GetNode(body, "description") is { } d ? Scenario.Text(d, $"{bodyPath}.description") : $"adopt {policy}",
                    Location = location,
                };
            case "vote":
                var supportNode = Scenario.GetNode(body, "support") ?? throw Scenario.Fail(body, $"{bodyPath}.support", "missing support: for, against or abstain");
                var support = Scenario.Text(supportNode, $"{bodyPath}.support") switch
                {
                    "against" => 0,
                    "for" => 1,
                    "abstain" => 2,
                    var other => throw Scenario.Fail(supportNode, $"{bodyPath}.support", $"unknown value '{other}'; expected for, against or abstain"),
                };
                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), ProposalId = Proposal(), Support = support, Location = location };
            case "queue" or "execute":
                return new GovernanceStep { On = on, Kind = kind, Account = "keeper", ProposalId = Proposal(), Location = location };
            case "cancel":
                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), ProposalId = Proposal(), Location = location };
            default:
                var bps = Scenario.Number(Scenario.GetNode(body, "bps"), $"{bodyPath}.bps", 10_000);
                if (bps > BasisPoints.One || bps != Math.Floor(bps))
                {
                    throw Scenario.Fail(Scenario.GetNode(body, "bps")!, $"{bodyPath}.bps", $"expected whole basis points from 0 to 10000 of the account's veBANK, found {bps}");
                }

                return new GovernanceStep { On = on, Kind = kind, Account = Account("by"), Bps = (int)bps, Location = location };
        }
    }
}
