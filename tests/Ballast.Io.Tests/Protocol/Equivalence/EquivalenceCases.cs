namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>The data and the building blocks the equivalence families share.</summary>
internal static class EquivalenceCases
{
    /// <summary>The five named synthetic strategies.</summary>
    public static readonly string[] Universe = ["TREND", "CARRY", "VALUE", "MACRO", "ARB"];

    /// <summary>Fixed targets over <see cref="Universe"/>.</summary>
    public const string FixedWeights = "{ scheme: fixed, targets: { TREND: 0.25, CARRY: 0.20, VALUE: 0.20, MACRO: 0.20, ARB: 0.15 } }";

    /// <summary>A short covariance lookback, so a year of synthetic data leaves most of it to decide on.</summary>
    public const string Covariance = "{ method: sample, lookback: 60 }";

    /// <summary>One year of daily synthetic NAVs: small enough for CI, with rows in every calendar period.</summary>
    public static EquivalenceData OneYear { get; } = EquivalenceData.Synthetic(5, 1, 11);

    /// <summary>Two years, for the risk-based families (60 rows of history before the first investment).</summary>
    public static EquivalenceData TwoYears { get; } = EquivalenceData.Synthetic(5, 2, 7);

    /// <summary>Theory data of a family's case names.</summary>
    public static TheoryData<string> Names(IReadOnlyDictionary<string, string> cases) => [.. cases.Keys];
}
