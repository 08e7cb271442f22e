using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Governance;
using Ballast.Io.Specs;

namespace Ballast.Io.Protocol;

/// <summary>The data file a proposal's evidence is computed on (the CLI's <c>--data</c>), or none.</summary>
public sealed record EvidenceData(string Path, ValueKind Kind, FillMode Fill = FillMode.None);

/// <summary>A proposal read from a file: its description and actions, ready for a <c>Propose</c> command.</summary>
public sealed record ProposalDraft(string Description, ImmutableArray<GovernanceAction> Actions);

/// <summary>
/// Reads a proposal file (YAML or JSON) for <c>ballast gov propose</c>:
/// <code>
/// description: switch demo-mix to quarterly
/// actions:
///   - adopt_policy: { vault: demo-mix, spec: ../demo.yaml, policy: quarterly, evidence: { from: 2000-01-03, to: 2004-12-31 } }
///   - add_gauge: demo-mix
///   - remove_gauge: old-mix
///   - change_parameters: { voting_delay: 1d, voting_period: 7d, quorum: 0.1, threshold: 100, timelock: 2d, grace: 14d, guardian: alice, evidence_required: true }
/// </code>
/// The spec path is relative to the file. The policy hash is computed from the spec. An adopt_policy's evidence is
/// the honest claim of a backtest over the given data (<see cref="DataEvidenceVerifier.Claim"/>), or, with
/// <c>evidence.claim: { metrics: { NAME: VALUE, ... }, data_digest: HEX }</c>, the claim as written (the system's
/// re-run then says whether it holds). Errors name the file, line, column and field.
/// </summary>
public static class ProposalFile
{
    private static readonly string[] TopKeys = ["description", "actions"];
    private static readonly string[] AdoptKeys = ["vault", "spec", "policy", "evidence"];
    private static readonly string[] EvidenceKeys = ["from", "to", "claim"];
    private static readonly string[] ClaimKeys = ["metrics", "data_digest", "subject"];
    private static readonly string[] ParameterKeys = ["voting_delay", "voting_period", "quorum", "threshold", "timelock", "grace", "guardian", "evidence_required"];
    private static readonly string[] ActionKinds = ["adopt_policy", "add_gauge", "remove_gauge", "change_parameters"];

    public static ProposalDraft LoadFile(string path, GovernanceParameters current, EvidenceData? data)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "proposal"), path, current, data);
    }

    public static ProposalDraft Load(string text, string source, GovernanceParameters current, EvidenceData? data)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(current);
        var root = SpecDocument.Parse(text, source) as MapNode ?? throw new BallastInputException(new InputLocation(source, 1, 1), "a proposal is a mapping of description and actions");
        Check(root, TopKeys, string.Empty);
        var directory = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var description = Get(root, "description") is { } d ? Str(d, "description") : string.Empty;
        var list = Get(root, "actions") as ListNode ?? throw Error(Get(root, "actions") ?? root, "actions", "expected a list of actions (adopt_policy, add_gauge, remove_gauge, change_parameters)");
        if (list.Items.Count == 0)
        {
            throw Error(list, "actions", "a proposal needs at least one action");
        }

        var actions = ImmutableArray.CreateBuilder<GovernanceAction>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = $"actions[{i}]";
            var item = list.Items[i] as MapNode ?? throw Error(list.Items[i], path, $"expected a mapping with one of {string.Join(", ", ActionKinds)}");
            if (item.Entries.Count != 1)
            {
                throw Error(item, path, $"an action has exactly one key, one of {string.Join(", ", ActionKinds)}");
            }

            var (key, value) = (item.Entries[0].Key, item.Entries[0].Value);
            actions.Add(key.Text switch
            {
                "adopt_policy" => Adopt(value, $"{path}.adopt_policy", directory, data),
                "add_gauge" => new AddGauge(Id(value, $"{path}.add_gauge")),
                "remove_gauge" => new RemoveGauge(Id(value, $"{path}.remove_gauge")),
                "change_parameters" => new ChangeGovernanceParameters(Parameters(value, $"{path}.change_parameters", current)),
                var other => throw Error(key, path, $"unknown action '{other}'; expected one of {string.Join(", ", ActionKinds)}"),
            });
        }

        return new ProposalDraft(description, actions.ToImmutable());
    }

    private static AdoptPolicy Adopt(SpecNode node, string path, string directory, EvidenceData? data)
    {
        var map = Map(node, path);
        Check(map, AdoptKeys, path);
        var vault = Id(Required(map, "vault", "the composed vault's id", path), $"{path}.vault");
        var specNode = Required(map, "spec", "the spec file holding the policy, relative to the proposal file", path);
        var specFile = Path.Combine(directory, Str(specNode, $"{path}.spec"));
        if (!File.Exists(specFile))
        {
            throw Error(specNode, $"{path}.spec", $"spec file not found: {specFile}");
        }

        // Read and checked under its own name first, so an error in the spec names the spec's file and line.
        var specText = DocumentLimits.ReadFile(specFile, "spec");
        SpecLoader.Load(specText, specFile);
        var policyNode = Required(map, "policy", "the name of a policy in that spec", path);
        var policyName = Str(policyNode, $"{path}.policy");
        string hash;
        try
        {
            hash = SpecPolicyCompiler.Instance.Compile(policyName, specText).Hash;
        }
        catch (BallastInputException e)
        {
            throw Error(policyNode, $"{path}.policy", e.Message);
        }

        EvidenceClaim? claim = null;
        if (Get(map, "evidence") is { } evidenceNode)
        {
            var evidencePath = $"{path}.evidence";
            var evidence = Map(evidenceNode, evidencePath);
            Check(evidence, EvidenceKeys, evidencePath);
            var from = Date(Required(evidence, "from", "the first date of the backtest (YYYY-MM-DD)", evidencePath), $"{evidencePath}.from");
            var to = Date(Required(evidence, "to", "the last date of the backtest (YYYY-MM-DD)", evidencePath), $"{evidencePath}.to");
            if (to < from)
            {
                throw Error(evidence, evidencePath, $"to ({to:yyyy-MM-dd}) is before from ({from:yyyy-MM-dd})");
            }

            claim = Get(evidence, "claim") is { } claimNode
                ? WrittenClaim(claimNode, $"{evidencePath}.claim", hash, from, to, data)
                : data is null
                    ? throw Error(evidenceNode, evidencePath, "evidence asks for a backtest: give the data with --data CSV (or write the claim under evidence.claim)")
                    : Wrap(evidenceNode, evidencePath, () => DataEvidenceVerifier.Claim(specText, hash, data.Path, data.Kind, data.Fill, from, to));
        }

        return new AdoptPolicy(vault, hash, specText, claim);
    }

    private static EvidenceClaim WrittenClaim(SpecNode node, string path, string hash, DateOnly from, DateOnly to, EvidenceData? data)
    {
        var map = Map(node, path);
        Check(map, ClaimKeys, path);
        var metricsMap = Map(Required(map, "metrics", $"the metrics claimed ({string.Join(", ", DataEvidenceVerifier.MetricNames)})", path), $"{path}.metrics");
        var metrics = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metricsMap.Entries)
        {
            var text = Str(value, $"{path}.metrics.{key.Text}");
            metrics[key.Text] = text != "null" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? EvidenceClaim.FormatMetric(number)
                : text;
        }

        var digest = Get(map, "data_digest") is { } digestNode
            ? Str(digestNode, $"{path}.data_digest")
            : data is not null
                ? EvidenceClaim.DigestOf(File.ReadAllBytes(data.Path))
                : throw Error(map, path, "give data_digest (SHA-256 hex of the data file) or the data with --data CSV");
        var subject = Get(map, "subject") is { } subjectNode ? Str(subjectNode, $"{path}.subject") : hash;
        return new EvidenceClaim(subject, digest, from, to, metrics.ToImmutable());
    }

    private static GovernanceParameters Parameters(SpecNode node, string path, GovernanceParameters current)
    {
        var map = Map(node, path);
        Check(map, ParameterKeys, path);
        if (map.Entries.Count == 0)
        {
            throw Error(map, path, $"change at least one of {string.Join(", ", ParameterKeys)}");
        }

        T Field<T>(string key, T fallback, Func<string, T> parse) => Get(map, key) is { } n ? Wrap(n, $"{path}.{key}", () => parse(Str(n, $"{path}.{key}"))) : fallback;
        var result = current with
        {
            VotingDelay = Field("voting_delay", current.VotingDelay, GovernanceText.Duration),
            VotingPeriod = Field("voting_period", current.VotingPeriod, GovernanceText.Duration),
            QuorumBps = Field("quorum", current.QuorumBps, GovernanceText.QuorumBps),
            ProposalThreshold = Field("threshold", current.ProposalThreshold, GovernanceText.Bank),
            TimelockDelay = Field("timelock", current.TimelockDelay, GovernanceText.Duration),
            GracePeriod = Field("grace", current.GracePeriod, GovernanceText.Duration),
            Guardian = Field("guardian", current.Guardian, GovernanceText.Account),
            EvidenceRequired = Field("evidence_required", current.EvidenceRequired, GovernanceText.Flag),
        };
        return result.Problem() is { } problem ? throw Error(map, path, problem) : result;
    }

    private static string Id(SpecNode node, string path)
    {
        var id = Str(node, path);
        return AccountId.IsValid("vault:" + id) ? id : throw Error(node, path, $"'{id}' is not a valid vault id (letters, digits, - _ . :)");
    }

    private static DateOnly Date(SpecNode node, string path) =>
        DateText.TryParse(Str(node, path), out var date, out _) ? date : throw Error(node, path, $"expected a date (YYYY-MM-DD), found {node.Describe}");

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

    private static SpecNode? Get(MapNode map, string key) => map.Entries.FirstOrDefault(e => e.Key.Text == key).Value;

    private static SpecNode Required(MapNode map, string key, string expected, string path) =>
        Get(map, key) ?? throw Error(map, path, $"missing '{key}': {expected}");

    private static void Check(MapNode map, string[] known, string path)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!known.Contains(key.Text, StringComparer.Ordinal))
            {
                throw Error(key, path.Length == 0 ? key.Text : $"{path}.{key.Text}", $"unknown key '{key.Text}'; expected one of {string.Join(", ", known)}");
            }
        }
    }

    private static MapNode Map(SpecNode node, string path) => node as MapNode ?? throw Error(node, path, $"expected a mapping, found {node.Describe}");

    private static string Str(SpecNode node, string path) =>
        node is ScalarNode { IsNull: false } s ? s.Text : throw Error(node, path, $"expected a value, found {node.Describe}");

    private static BallastInputException Error(SpecNode node, string path, string message) =>
        new(node.Location with { Field = path.Length == 0 ? null : path }, message);
}

/// <summary>The governance CLI's texts: durations, BANK amounts, quorum fractions and accounts.</summary>
public static class GovernanceText
{
    /// <summary>10¹⁸: BANK and veBANK base units per token.</summary>
    public static readonly UInt128 Token = ExactMath.Pow10(BankToken.Decimals);

    /// <summary>A duration in seconds: a whole number with an optional suffix s, m, h, d or w (<c>7d</c>, <c>52w</c>; no suffix = seconds).</summary>
    public static long Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var unit = t.Length > 0 ? t[^1] switch { 's' => 1L, 'm' => 60L, 'h' => 3_600L, 'd' => 86_400L, 'w' => 604_800L, _ => 0L } : 0L;
        var digits = unit == 0 ? t : t[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > GovernanceParameters.MaxDuration)
        {
            throw new BallastInputException($"cannot read duration '{text}'; expected a whole number with s, m, h, d or w (e.g. 7d, 52w), at most ten years");
        }

        var seconds = n * (unit == 0 ? 1 : unit);
        return seconds <= GovernanceParameters.MaxDuration * 2 ? seconds : throw new BallastInputException($"duration '{text}' is too long");
    }

    /// <summary>A BANK amount in tokens (up to 18 decimals, e.g. <c>1000</c> or <c>0.5</c>) as base units.</summary>
    public static UInt128 Bank(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? t : t[..dot];
        var fraction = dot < 0 ? string.Empty : t[(dot + 1)..];
        if (whole.Length == 0 || fraction.Length > BankToken.Decimals || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) || (dot >= 0 && fraction.Length == 0))
        {
            throw new BallastInputException($"cannot read BANK amount '{text}'; expected tokens such as 1000 or 0.5 (at most 18 decimals)");
        }

        var units = BigInteger.Parse(whole + fraction.PadRight(BankToken.Decimals, '0'), CultureInfo.InvariantCulture);
        return units <= (BigInteger)BankToken.MaxSupply ? (UInt128)units : throw new BallastInputException($"BANK amount '{text}' is more than the supply cap (2,100,000,000)");
    }

    /// <summary>A yes/no setting: <c>true</c> or <c>false</c>.</summary>
    public static bool Flag(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new BallastInputException($"expected true or false, found '{text}'"),
    };

    /// <summary>A quorum: a fraction 0..1 (<c>0.1</c>) or a percentage (<c>10%</c>), in whole basis points.</summary>
    public static int QuorumBps(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var percent = t.EndsWith('%');
        if (!decimal.TryParse(percent ? t[..^1] : t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new BallastInputException($"cannot read quorum '{text}'; expected a fraction such as 0.1 or a percentage such as 10%");
        }

        var bps = value * (percent ? 100m : 10_000m);
        return bps <= 10_000m && bps == decimal.Truncate(bps)
            ? (int)bps
            : throw new BallastInputException($"quorum '{text}' must be from 0 to 1 (0% to 100%) in whole basis points");
    }

    /// <summary>A validated account id.</summary>
    public static AccountId Account(string text) =>
        AccountId.IsValid(text) ? new AccountId(text) : throw new BallastInputException($"'{text}' is not an account id: use 1 to 64 ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit");

    /// <summary>Base units as tokens: the shortest exact decimal text (<c>1000</c>, <c>0.5</c>).</summary>
    public static string Format(UInt128 units)
    {
        var whole = units / Token;
        var fraction = (units % Token).ToString(CultureInfo.InvariantCulture).PadLeft(BankToken.Decimals, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole.ToString(CultureInfo.InvariantCulture) : $"{whole.ToString(CultureInfo.InvariantCulture)}.{fraction}";
    }
}
