namespace Ballast.Service.Access;

/// <summary>What an API key's account may do over HTTP (see docs/service.md, "Roles").</summary>
public enum Role
{
    /// <summary>Creates assets and vaults, issues assets, pauses, sets policies, initialises governance, mints BANK, creates API keys.</summary>
    Operator,

    /// <summary>Posts NAV reports, for the vaults its key names only.</summary>
    Reporter,

    /// <summary>Deposits, redeems, withdraws, requests and cancels flows, transfers assets.</summary>
    Investor,

    /// <summary>Locks BANK, proposes, votes, votes gauges, claims rewards.</summary>
    Voter,
}

/// <summary>The account an API key acts as, and what it may do.</summary>
/// <param name="Account">Every command the key sends is sent as this account.</param>
/// <param name="Roles">The roles granted.</param>
/// <param name="ReporterOf">The vaults whose NAV this key may report (with <see cref="Role.Reporter"/>).</param>
public sealed record ApiPrincipal(Ballast.Accounting.AccountId Account, IReadOnlySet<Role> Roles, IReadOnlySet<string> ReporterOf)
{
    /// <summary>Whether the key holds <paramref name="role"/>.</summary>
    public bool Has(Role role) => Roles.Contains(role);
}
