using Ballast.Protocol;

namespace Ballast.Service.Access;

/// <summary>
/// Which role each protocol command needs over HTTP, by its journal name (the <c>$type</c> of
/// <see cref="ProtocolCommand"/>): checked before the protocol decides, which then applies its own rules (the issuer of
/// an asset, the operator of a vault, the owner of shares). Commands anyone may send (rebalance, fill, settle, queue,
/// execute, distribute) need a key of any role. A reporter may report only the vaults its key names.
/// </summary>
public static class CommandPermissions
{
    private static readonly Dictionary<string, Role?> Required = new(StringComparer.Ordinal)
    {
        ["create-asset"] = Role.Operator,
        ["issue-asset"] = Role.Operator,
        ["create-simple-vault"] = Role.Operator,
        ["create-composed-vault"] = Role.Operator,
        ["pause"] = Role.Operator,
        ["unpause"] = Role.Operator,
        ["set-policy"] = Role.Operator,
        ["init-governance"] = Role.Operator,
        ["mint-bank"] = Role.Operator,
        ["report-nav"] = Role.Reporter,
        ["transfer-asset"] = Role.Investor,
        ["deposit"] = Role.Investor,
        ["mint"] = Role.Investor,
        ["redeem"] = Role.Investor,
        ["withdraw"] = Role.Investor,
        ["request-withdrawal"] = Role.Investor,
        ["cancel-withdrawal"] = Role.Investor,
        ["request-deposit"] = Role.Investor,
        ["request-redeem"] = Role.Investor,
        ["cancel-request"] = Role.Investor,
        ["transfer-bank"] = Role.Voter,
        ["create-lock"] = Role.Voter,
        ["increase-lock-amount"] = Role.Voter,
        ["increase-unlock-time"] = Role.Voter,
        ["withdraw-lock"] = Role.Voter,
        ["propose"] = Role.Voter,
        ["cast-vote"] = Role.Voter,
        ["cancel-proposal"] = Role.Voter,
        ["vote-gauge"] = Role.Voter,
        ["claim-gauge-reward"] = Role.Voter,
        ["rebalance"] = null,
        ["settle-withdrawal"] = null,
        ["fill-request"] = null,
        ["queue-proposal"] = null,
        ["execute-proposal"] = null,
        ["distribute-emission"] = null,
    };

    /// <summary>Every command name the service accepts, in table order.</summary>
    public static IEnumerable<string> CommandNames => Required.Keys;

    /// <summary>Whether <paramref name="name"/> is a command the service accepts.</summary>
    public static bool IsKnown(string name) => Required.ContainsKey(name);

    /// <summary>The role <paramref name="name"/> needs; null when any key may send it.</summary>
    public static Role? RoleFor(string name) => Required[name];

    /// <summary>Why <paramref name="principal"/>'s roles do not allow the command <paramref name="name"/>, or null when they do (checked before the body is read).</summary>
    public static string? RoleRefusal(ApiPrincipal principal, string name)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (RoleFor(name) is not { } role || principal.Has(role))
        {
            return null;
        }

        var held = principal.Roles.Count == 0 ? "none" : string.Join(", ", principal.Roles.Select(r => r.ToString().ToLowerInvariant()).Order(StringComparer.Ordinal));
        return $"'{name}' needs the {role.ToString().ToLowerInvariant()} role; the key of account '{principal.Account}' has {held}";
    }

    /// <summary>Why <paramref name="principal"/> may not send <paramref name="command"/> as read (a reporter outside its vaults), or null when it may.</summary>
    public static string? ScopeRefusal(ApiPrincipal principal, ProtocolCommand command)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(command);
        return command is ReportNavCommand report && !principal.ReporterOf.Contains(report.Vault.Value)
            ? $"the key of account '{principal.Account}' may report the NAV of {string.Join(", ", principal.ReporterOf.Order(StringComparer.Ordinal))} only, not of '{report.Vault}'"
            : null;
    }
}
