using System.Collections.Immutable;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// A policy compiler without the spec reader (which lives in Ballast.Io): a text is a key registered with the specs
/// it compiles to, built directly as <see cref="PolicySpec"/> objects. Counts compilations.
/// </summary>
internal sealed class FakePolicyCompiler : IPolicyCompiler
{
    private readonly Dictionary<string, ImmutableArray<PolicySpec>> _texts = new(StringComparer.Ordinal);

    /// <summary>How many times a text was compiled.</summary>
    public int Compilations { get; private set; }

    /// <summary>Registers <paramref name="text"/> as a spec holding <paramref name="specs"/>; returns the text.</summary>
    public string Register(string text, params PolicySpec[] specs)
    {
        _texts[text] = [.. specs];
        return text;
    }

    /// <summary>A fixed-weight policy over <paramref name="names"/> that never triggers on its own.</summary>
    public static PolicySpec Fixed(string name, string[] names, double[] targets) => new()
    {
        Name = name,
        Universe = [.. names],
        Capital = 1_000_000,
        Weights = new FixedWeights([.. targets]),
        Costs = new CostSpec([.. new double[names.Length]], [.. new double[names.Length]], 0),
        Trigger = new NoTrigger(),
        Lot = [.. new double[names.Length]],
    };

    /// <inheritdoc/>
    public PolicySpec Compile(string name, string text) =>
        CompileAll(text).FirstOrDefault(p => p.Name == name) ?? throw new BallastInputException($"the spec holds no policy '{name}'");

    /// <inheritdoc/>
    public IReadOnlyList<PolicySpec> CompileAll(string text)
    {
        Compilations++;
        return _texts.TryGetValue(text, out var specs) ? specs : throw new BallastInputException($"not a registered spec: '{text}'");
    }
}
