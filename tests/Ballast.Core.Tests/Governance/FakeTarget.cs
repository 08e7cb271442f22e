using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Core.Tests.Governance;

/// <summary>
/// A governance target without the vault protocol: composed vaults are ids with an attached policy hash. It decides
/// a whole action list against a scratch copy and refuses an action on an unknown vault.
/// </summary>
internal sealed class FakeTarget : IGovernanceTarget<string>
{
    public SortedDictionary<string, string> Policies { get; } = new(StringComparer.Ordinal);

    public Decision<IReadOnlyList<string>> DecideActions(IReadOnlyList<GovernanceAction> actions, long now)
    {
        var scratch = new SortedDictionary<string, string>(Policies, StringComparer.Ordinal);
        var records = new List<string>();
        for (var i = 0; i < actions.Count; i++)
        {
            switch (actions[i])
            {
                case AdoptPolicy a when scratch.ContainsKey(a.VaultId.Value):
                    scratch[a.VaultId.Value] = a.PolicyHash.Abbreviated;
                    records.Add($"adopt {a.VaultId} {a.PolicyHash.Abbreviated}");
                    break;
                case AdoptPolicy a:
                    return new Rejection("unknown-vault", $"no composed vault '{a.VaultId}'") with { ActionIndex = i };
                case LaunchComposedVault l when !scratch.ContainsKey(l.VaultId.Value):
                    scratch[l.VaultId.Value] = "none";
                    records.Add($"launch {l.VaultId}");
                    break;
                case ChangeGovernanceParameters:
                    break;
                default:
                    return new Rejection("unsupported", $"action {actions[i]} is not supported") with { ActionIndex = i };
            }
        }

        return records;
    }

    /// <summary>Applies the records an accepted execution returned.</summary>
    public void Apply(IEnumerable<string> records)
    {
        foreach (var r in records)
        {
            var parts = r.Split(' ');
            Policies[parts[1]] = parts[0] == "adopt" ? parts[2] : "none";
        }
    }

    public string Snapshot() => string.Join(';', Policies.Select(p => $"{p.Key}={p.Value}"));
}
