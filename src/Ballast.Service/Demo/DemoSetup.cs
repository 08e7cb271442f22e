using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Service.Access;
using Ballast.Service.Writing;

namespace Ballast.Service.Demo;

/// <summary>A demo account and the API key it was given (printed at start).</summary>
public sealed record DemoAccount(string Account, string Key, string Roles);

/// <summary>
/// The demo's starting point: the vaults and policy of samples/scenarios/sim-demo.yaml (shipped beside the program),
/// set up through the writer like any commands; alice and bob funded with USD, alice's first deposit requested; and
/// one key per demo account (operator, issuer, reporter of every child vault, alice, bob).
/// </summary>
public static class DemoSetup
{
    /// <summary>USD (whole units) issued to each demo investor.</summary>
    public const int FundingUnits = 1_000_000;

    /// <summary>Alice's first deposit request (whole units), filled by the keeper after the first NAV report.</summary>
    public const int FirstDepositUnits = 250_000;

    /// <summary>The demo scenario shipped in the program's folder.</summary>
    public static Scenario LoadScenario() => Scenario.LoadFile(Path.Combine(AppContext.BaseDirectory, "demo", "scenarios", "sim-demo.yaml"));

    /// <summary>Sets the demo up on an empty journal through <paramref name="writer"/> and registers the demo keys in <paramref name="keys"/>.</summary>
    /// <exception cref="BallastInputException">A set-up command was refused or failed.</exception>
    public static async Task<IReadOnlyList<DemoAccount>> SetUpAsync(ICommandSubmitter writer, Scenario scenario, ApiKeyRing keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(keys);
        var scale = ExactMath.Pow10(scenario.AssetDecimals);
        var issuer = new AccountId("issuer");
        List<ProtocolCommand> commands =
        [
            .. SimRunner.SetUp(scenario),
            new IssueAsset("demo-fund-alice", issuer, scenario.AssetSymbol, new AccountId("alice"), FundingUnits * scale),
            new IssueAsset("demo-fund-bob", issuer, scenario.AssetSymbol, new AccountId("bob"), FundingUnits * scale),
            scenario.Composed.Pricing == PricingMode.Forward
                ? new RequestDepositCommand("demo-alice-first-deposit", new AccountId("alice"), scenario.ComposedId, FirstDepositUnits * scale)
                : new DepositCommand("demo-alice-first-deposit", new AccountId("alice"), scenario.ComposedId, FirstDepositUnits * scale),
        ];
        foreach (var command in commands)
        {
            var result = await writer.SubmitAsync(command, cancellationToken).ConfigureAwait(false);
            if (result.Status is not (WriteStatus.Applied or WriteStatus.Replayed))
            {
                throw new BallastInputException(new InputLocation(scenario.Source), $"the demo's set-up command {command.Id} was not applied: {result.Rejection?.ToString() ?? result.Error?.Message ?? result.Status.ToString()}");
            }
        }

        var children = scenario.Prices.Names.ToHashSet(StringComparer.Ordinal);
        var none = new HashSet<string>(StringComparer.Ordinal);
        (string Account, Role[] Roles, HashSet<string> ReporterOf)[] accounts =
        [
            ("operator", [Role.Operator], none),
            ("issuer", [Role.Operator], none),
            ("reporter", [Role.Reporter], children),
            ("alice", [Role.Investor, Role.Voter], none),
            ("bob", [Role.Investor, Role.Voter], none),
        ];
        return [.. accounts.Select(a => new DemoAccount(
            a.Account,
            keys.Create(new ApiPrincipal(new AccountId(a.Account), a.Roles.ToHashSet(), a.ReporterOf)),
            string.Join(",", a.Roles.Select(r => r.ToString().ToLowerInvariant()))))];
    }
}
