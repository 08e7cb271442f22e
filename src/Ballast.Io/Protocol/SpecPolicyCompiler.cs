using Ballast.Io.Specs;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Io.Protocol;

/// <summary>Compiles a stored policy text (a spec in YAML or JSON) with the same loader as <c>ballast backtest</c>.</summary>
public sealed class SpecPolicyCompiler : IPolicyCompiler
{
    public static SpecPolicyCompiler Instance { get; } = new();

    public PolicySpec Compile(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var policies = CompileAll(text);
        return policies.FirstOrDefault(p => p.Name == name)
            ?? throw new BallastInputException($"the policy spec has no policy named '{name}'; it has: {string.Join(", ", policies.Select(p => p.Name))}");
    }

    public IReadOnlyList<PolicySpec> CompileAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var source = text.TrimStart().StartsWith('{') ? "policy.json" : "policy.yaml";
        return SpecLoader.Load(text, source).Policies;
    }
}

/// <summary>A clock the simulation moves by hand (the protocol reads time only through <see cref="TimeProvider"/>).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
