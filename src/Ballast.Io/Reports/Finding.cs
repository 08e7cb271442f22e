namespace Ballast.Io.Reports;

/// <summary>What a finding concludes (metrics.json's <c>findings[].verdict</c>).</summary>
public enum FindingVerdict
{
    /// <summary>A statement of fact about the run (the sample, the caveats): no test.</summary>
    Information,

    /// <summary>The test rejects at the 5 % level (or the interval excludes zero).</summary>
    Significant,

    /// <summary>The test does not reject (or the interval includes zero): no evidence, not evidence of none.</summary>
    NotSignificant,

    /// <summary>The test could not be computed (too few returns, undefined Sharpe ratios).</summary>
    NotComputable,
}

/// <summary>
/// One finding of a run (docs/report.md#findings): a short claim, the sentence that gives its evidence, the test it
/// rests on, and the test's p-value and verdict. The report shows <see cref="Evidence"/>, metrics.json every field and
/// the console <see cref="Claim"/>.
/// </summary>
/// <param name="Topic">What it is about: <c>sample</c>, <c>significance</c>, <c>luck</c>, <c>premium</c>, <c>frequency</c> or <c>caveats</c>.</param>
/// <param name="Claim">The conclusion in one short clause.</param>
/// <param name="Evidence">The full sentence, with the numbers it rests on.</param>
/// <param name="Test">The test used, or null for information.</param>
/// <param name="PValue">The p-value the verdict rests on (Holm-adjusted where said), or null when the test gives none (StepM, an interval).</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Policies">The policies the claim names (those found significant, or the two compared).</param>
public sealed record Finding(string Topic, string Claim, string Evidence, string? Test, double? PValue, FindingVerdict Verdict, IReadOnlyList<string> Policies)
{
    /// <summary>The verdict as metrics.json writes it: <c>information</c>, <c>significant</c>, <c>not significant</c>, <c>not computable</c>.</summary>
    public string VerdictName => Verdict switch
    {
        FindingVerdict.Significant => "significant",
        FindingVerdict.NotSignificant => "not significant",
        FindingVerdict.NotComputable => "not computable",
        _ => "information",
    };
}
