using System.Text.Json.Nodes;
using Ballast.Hashing;
using Ballast.Protocol;

namespace Ballast.Governance;

/// <summary>
/// A proposal's identity: SHA-256 (lowercase hex) of the canonical JSON <c>{"actions":[...],"description":"..."}</c>
/// (<see cref="ProtocolJson"/>: snake_case keys sorted at every level, amounts as strings, each action tagged by
/// its <c>$type</c>).
/// </summary>
public static class ProposalContent
{
    /// <summary>The canonical JSON of the actions and description.</summary>
    public static string CanonicalJson(IReadOnlyList<GovernanceAction> actions, string description)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(description);
        var node = new JsonObject
        {
            ["actions"] = System.Text.Json.JsonSerializer.SerializeToNode(actions, ProtocolJson.Options),
            ["description"] = description,
        };
        return ProtocolJson.Canonical(node);
    }

    /// <summary>SHA-256 of <see cref="CanonicalJson"/>'s UTF-8 bytes.</summary>
    public static Sha256Digest Hash(IReadOnlyList<GovernanceAction> actions, string description) =>
        Sha256Digest.OfUtf8(CanonicalJson(actions, description));
}
