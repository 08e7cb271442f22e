using System.Collections.Immutable;
using System.Globalization;
using Ballast.Data;
using Ballast.Governance;
using Ballast.Hashing;
using Ballast.Io.Specs;
using Ballast.Policies;
using Ballast.Protocol;
using static Ballast.Io.Specs.NodeReader;

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
    // The keys a proposal file accepts, block by block: what the loader checks and schemas/proposal.schema.json lists
    // (ProposalSchemaTests holds them equal).
    internal static readonly string[] TopKeys = ["description", "actions"];
    internal static readonly string[] AdoptKeys = ["vault", "spec", "policy", "evidence"];
    internal static readonly string[] EvidenceKeys = ["from", "to", "claim"];
    internal static readonly string[] ClaimKeys = ["metrics", "data_digest", "subject"];
    internal static readonly string[] ParameterKeys = ["voting_delay", "voting_period", "quorum", "threshold", "timelock", "grace", "guardian", "evidence_required"];
    internal static readonly string[] ActionKinds = ["adopt_policy", "add_gauge", "remove_gauge", "change_parameters"];

    /// <summary>Reads a proposal file (at most <see cref="DocumentLimits.MaxSize"/> bytes) against the governance parameters in force and the evidence data, if any.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the proposal or the spec it names, naming file, line, column and field.</exception>
    public static ProposalDraft LoadFile(string path, GovernanceParameters current, EvidenceData? data)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(DocumentLimits.ReadFile(path, "proposal"), path, current, data);
    }

    /// <summary>Parses a proposal; <paramref name="source"/> names it in messages, picks the syntax and anchors its relative paths.</summary>
    /// <exception cref="BallastInputException">Anything wrong with the proposal or the spec it names, naming file, line, column and field.</exception>
    public static ProposalDraft Load(string text, string source, GovernanceParameters current, EvidenceData? data)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(current);
        var root = SpecDocument.Parse(text, source) as MapNode ?? throw new BallastInputException(new InputLocation(source, 1, 1), "a proposal is a mapping of description and actions");
        CheckKeys(root, TopKeys, string.Empty);
        var directory = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var description = Get(root, "description") is { } d ? Text(d, "description") : string.Empty;
        var list = Get(root, "actions") as ListNode ?? throw Fail(Get(root, "actions") ?? root, "actions", "expected a list of actions (adopt_policy, add_gauge, remove_gauge, change_parameters)");
        if (list.Items.Count == 0)
        {
            throw Fail(list, "actions", "a proposal needs at least one action");
        }

        var actions = ImmutableArray.CreateBuilder<GovernanceAction>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = $"actions[{i}]";
            var item = list.Items[i] as MapNode ?? throw Fail(list.Items[i], path, $"expected a mapping with one of {string.Join(", ", ActionKinds)}");
            if (item.Entries.Count != 1)
            {
                throw Fail(item, path, $"an action has exactly one key, one of {string.Join(", ", ActionKinds)}");
            }

            var (key, value) = (item.Entries[0].Key, item.Entries[0].Value);
            actions.Add(key.Text switch
            {
                "adopt_policy" => Adopt(value, $"{path}.adopt_policy", directory, data),
                "add_gauge" => new AddGauge(Gauge(value, $"{path}.add_gauge")),
                "remove_gauge" => new RemoveGauge(Gauge(value, $"{path}.remove_gauge")),
                "change_parameters" => new ChangeGovernanceParameters(Parameters(value, $"{path}.change_parameters", current)),
                var other => throw Fail(key, path, $"unknown action '{other}'; expected one of {string.Join(", ", ActionKinds)}{SuggestionNote(other, ActionKinds)}"),
            });
        }

        return new ProposalDraft(description, actions.ToImmutable());
    }

    private static AdoptPolicy Adopt(SpecNode node, string path, string directory, EvidenceData? data)
    {
        var map = AsMap(node, path);
        CheckKeys(map, AdoptKeys, path);
        var vault = Id(Required(map, "vault", path, "the composed vault's id"), $"{path}.vault");
        var specNode = Required(map, "spec", path, "the spec file holding the policy, relative to the proposal file");
        var specFile = Path.Combine(directory, Text(specNode, $"{path}.spec"));
        if (!File.Exists(specFile))
        {
            throw Fail(specNode, $"{path}.spec", $"spec file not found: {specFile}");
        }

        // Read and checked under its own name first, so an error in the spec names the spec's file and line.
        var specText = DocumentLimits.ReadFile(specFile, "spec");
        SpecLoader.Load(specText, specFile);
        var policyNode = Required(map, "policy", path, "the name of a policy in that spec");
        var policyName = Text(policyNode, $"{path}.policy");
        PolicyHash hash;
        try
        {
            hash = SpecPolicyCompiler.Instance.Compile(policyName, specText).Hash;
        }
        catch (BallastInputException e)
        {
            throw Fail(policyNode, $"{path}.policy", e.Message);
        }

        EvidenceClaim? claim = null;
        if (Get(map, "evidence") is { } evidenceNode)
        {
            var evidencePath = $"{path}.evidence";
            var evidence = AsMap(evidenceNode, evidencePath);
            CheckKeys(evidence, EvidenceKeys, evidencePath);
            var from = Date(Required(evidence, "from", evidencePath, "the first date of the backtest (YYYY-MM-DD)"), $"{evidencePath}.from");
            var to = Date(Required(evidence, "to", evidencePath, "the last date of the backtest (YYYY-MM-DD)"), $"{evidencePath}.to");
            if (to < from)
            {
                throw Fail(evidence, evidencePath, $"to ({to:yyyy-MM-dd}) is before from ({from:yyyy-MM-dd})");
            }

            claim = Get(evidence, "claim") is { } claimNode
                ? WrittenClaim(claimNode, $"{evidencePath}.claim", hash, from, to, data)
                : data is null
                    ? throw Fail(evidenceNode, evidencePath, "evidence asks for a backtest: give the data with --data CSV (or write the claim under evidence.claim)")
                    : Located(evidenceNode, evidencePath, () => DataEvidenceVerifier.Claim(specText, hash, data.Path, data.Kind, data.Fill, from, to));
        }

        return new AdoptPolicy(vault, hash, specText, claim);
    }

    private static EvidenceClaim WrittenClaim(SpecNode node, string path, PolicyHash hash, DateOnly from, DateOnly to, EvidenceData? data)
    {
        var map = AsMap(node, path);
        CheckKeys(map, ClaimKeys, path);
        var metricsMap = AsMap(Required(map, "metrics", path, $"the metrics claimed ({string.Join(", ", DataEvidenceVerifier.MetricNames)})"), $"{path}.metrics");
        var metrics = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metricsMap.Entries)
        {
            var text = Text(value, $"{path}.metrics.{key.Text}");
            metrics[key.Text] = text != "null" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? EvidenceClaim.FormatMetric(number)
                : text;
        }

        var digest = Get(map, "data_digest") is { } digestNode
            ? Sha256Digest.TryParse(Text(digestNode, $"{path}.data_digest"), out var parsed)
                ? parsed
                : throw Fail(digestNode, $"{path}.data_digest", $"must be a SHA-256 as {Sha256Digest.HexLength} lowercase hexadecimal digits")
            : data is not null
                ? EvidenceClaim.DigestOf(File.ReadAllBytes(data.Path))
                : throw Fail(map, path, "give data_digest (SHA-256 hex of the data file) or the data with --data CSV");
        var subject = Get(map, "subject") is { } subjectNode ? Text(subjectNode, $"{path}.subject") : hash.ToString();
        return new EvidenceClaim(subject, digest, from, to, metrics.ToImmutable());
    }

    private static GovernanceParameters Parameters(SpecNode node, string path, GovernanceParameters current)
    {
        var map = AsMap(node, path);
        CheckKeys(map, ParameterKeys, path);
        if (map.Entries.Count == 0)
        {
            throw Fail(map, path, $"change at least one of {string.Join(", ", ParameterKeys)}");
        }

        T Field<T>(string key, T fallback, Func<string, T> parse) => Get(map, key) is { } n ? Parsed(n, Join(path, key), parse) : fallback;
        long Seconds(string key, long fallback) => Get(map, key) is { } n ? Duration(n, Join(path, key)) : fallback;
        var result = current with
        {
            VotingDelay = Seconds("voting_delay", current.VotingDelay),
            VotingPeriod = Seconds("voting_period", current.VotingPeriod),
            QuorumBps = Field("quorum", current.QuorumBps, GovernanceText.QuorumBps),
            ProposalThreshold = Field("threshold", current.ProposalThreshold, GovernanceText.Bank),
            TimelockDelay = Seconds("timelock", current.TimelockDelay),
            GracePeriod = Seconds("grace", current.GracePeriod),
            Guardian = Field("guardian", current.Guardian, GovernanceText.Account),
            EvidenceRequired = Field("evidence_required", current.EvidenceRequired, GovernanceText.Flag),
        };
        return result.Problem() is { } problem ? throw Fail(map, path, problem) : result;
    }

    /// <summary>A composed vault's id (the vault of an adopted policy).</summary>
    private static VaultId Id(SpecNode node, string path)
    {
        var id = Text(node, path);
        return VaultId.IsValid(id) && VaultId.CanBeComposed(id) ? new VaultId(id) : throw Fail(node, path, VaultId.ComposedProblem(id));
    }

    /// <summary>A gauge's id (its composed vault's id), for add_gauge and remove_gauge.</summary>
    private static GaugeId Gauge(SpecNode node, string path)
    {
        var id = Text(node, path);
        return GaugeId.TryParse(id, out var gauge) ? gauge : throw Fail(node, path, GaugeId.Problem(id));
    }
}
