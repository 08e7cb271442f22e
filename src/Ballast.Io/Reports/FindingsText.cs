using System.Globalization;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>
/// The Findings of a run (<see cref="Finding"/>: claim, evidence sentence, test, p-value, verdict), written from its
/// statistics (<see cref="FindingsInput"/>). The wording follows the numbers: which policies really beat the baseline
/// is Romano-Wolf's StepM at a 5 % family-wise error rate when it was computed (it allows for the dependence between
/// the policies); otherwise a difference is called significant only when its pairwise p-value is at most
/// <see cref="Alpha"/> after Holm's correction for the number of policies tested. Either way the finding names the test
/// it used, and without significance the text says the data show no evidence of a difference. See docs/report.md
/// ("Findings").
/// </summary>
public static class FindingsText
{
    /// <summary>The significance level, 5 %.</summary>
    public const double Alpha = 0.05;

    /// <summary>The console summary's line width at most, the console table's.</summary>
    public const int SummaryWidth = 100;

    /// <summary>The test named in a finding that rests on Hansen's SPA.</summary>
    private const string SpaTest = "Hansen's SPA (stationary bootstrap; mean return against the baseline)";

    /// <summary>Policies named in a sentence at most; the rest are counted.</summary>
    private const int NamesShown = 5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The Findings, in order: sample, significance, luck (SPA), premium, frequency at zero cost, caveats.</summary>
    public static IReadOnlyList<Finding> Write(FindingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sample = $"{Count(input.Policies.Count, "policy", "policies")} over {Int(input.Returns)} {PeriodName(input.PeriodsPerYear)} returns";
        var years = Years(input).ToString("0.#", Invariant);
        var findings = new List<Finding>
        {
            new("sample", $"{sample} ({years} years)", $"Sample: {sample} ({years} years, {input.First} to {input.Last}), each compared with its own buy-and-hold twin (same weights and costs).", null, null, FindingVerdict.Information, []),
        };
        if (input.Policies.Count > 0 || input.StepM is not null)
        {
            findings.Add(input.StepM is { } stepM ? StepMSignificance(stepM) : HolmSignificance(input));
        }

        if (input.Spa is { } spa && double.IsFinite(spa))
        {
            findings.Add(spa <= Alpha
                ? new Finding("luck", "the best policy's edge is unlikely to be luck", $"Hansen's SPA test of all of them against {input.SpaAgainst} gives p {P(spa)}: the best policy's edge over it is unlikely to be luck.", SpaTest, spa, FindingVerdict.Significant, [])
                : new Finding("luck", "the best policy's edge is consistent with luck", $"Hansen's SPA test of all of them against {input.SpaAgainst} gives p {P(spa)}: the best policy's edge over it is consistent with luck.", SpaTest, spa, FindingVerdict.NotSignificant, []));
        }

        if (input.Policies.Count > 0)
        {
            findings.Add(Premium(input));
        }

        if (input.ZeroCost is { } zero)
        {
            findings.Add(Frequency(zero));
        }

        findings.Add(Caveats(input));
        return findings;
    }

    /// <summary>
    /// The console's summary of the Findings: a heading, then one line per tested finding (not the sample or the
    /// caveats), <c>  topic: claim [verdict, p]</c>, each within <see cref="SummaryWidth"/> characters (cut with "…").
    /// </summary>
    public static IReadOnlyList<string> Summary(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var lines = new List<string> { "findings (report.html and metrics.json have the evidence):" };
        foreach (var f in findings.Where(f => f.Verdict != FindingVerdict.Information))
        {
            var line = $"  {f.Topic}: {f.Claim} [{f.VerdictName}{(f.PValue is { } p && double.IsFinite(p) ? ", p " + P(p) : string.Empty)}]";
            lines.Add(line.Length > SummaryWidth ? line[..(SummaryWidth - 1)] + "…" : line);
        }

        return lines;
    }

    private static Finding StepMSignificance(StepMFinding stepM)
    {
        var level = (stepM.Alpha * 100).ToString("0.#", Invariant);
        var test = $"Romano-Wolf StepM ({level} % family-wise error rate; mean return against {stepM.Against}; stationary bootstrap)";
        if (stepM.Tested == 0)
        {
            return new Finding("significance", "no policy could be tested against the baseline", $"No policy could be tested against {stepM.Against}: every one has the same returns.", test, null, FindingVerdict.NotComputable, []);
        }

        if (stepM.Beat.Count == 0)
        {
            return new Finding(
                "significance",
                $"no policy beats the baseline (StepM, {level} % family-wise)",
                $"No policy's mean return beats {stepM.Against}'s at a {level} % family-wise error rate (Romano-Wolf's StepM over {Count(stepM.Tested, "policy", "policies")}, which allows for the dependence between them). The data show no evidence that rebalancing these ways beat {stepM.Against}.",
                test,
                null,
                FindingVerdict.NotSignificant,
                []);
        }

        var names = Listed(stepM.Beat);
        return new Finding(
            "significance",
            $"{stepM.Beat.Count} of {stepM.Tested} policies beat the baseline (StepM, {level} % family-wise)",
            $"{stepM.Beat.Count} of {stepM.Tested} policies have a higher mean return than {stepM.Against} at a {level} % family-wise error rate (Romano-Wolf's StepM, which allows for the dependence between them): {names}. StepM says nothing of the others: not beating is not being equal.",
            test,
            null,
            FindingVerdict.Significant,
            stepM.Beat);
    }

    private static Finding HolmSignificance(FindingsInput input)
    {
        const string Test = "Ledoit-Wolf HAC Sharpe-ratio difference against each twin, Holm-adjusted for the number of policies";
        var p = input.Policies;
        var adjusted = HolmCorrection.Adjust([.. p.Select(x => x.PValue)]);
        var tested = adjusted.Count(a => !double.IsNaN(a));
        var significant = Enumerable.Range(0, p.Count).Where(i => adjusted[i] <= Alpha).OrderBy(i => adjusted[i]).ToArray();
        var raw = p.Count(x => x.PValue <= Alpha);
        if (tested == 0)
        {
            return new Finding("significance", "no Sharpe-ratio difference could be tested", "No Sharpe-ratio difference against buy-and-hold could be tested (too few returns or a constant series).", Test, null, FindingVerdict.NotComputable, []);
        }

        if (significant.Length == 0)
        {
            var smallest = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(adjusted[i])).OrderBy(i => adjusted[i]).ThenBy(i => p[i].PValue).First();
            var text = $"No policy's Sharpe ratio differs from its buy-and-hold twin's at the 5 % level after Holm's correction for {Count(tested, "test", "tests")} (Ledoit-Wolf HAC; smallest adjusted p {P(adjusted[smallest])}, {p[smallest].Name})"
                + (raw > 0 ? $"; {Count(raw, "policy", "policies")} had p ≤ 0.05 before the correction, which with {tested} tests is what chance alone would give." : ".");
            text += " The data show no evidence that rebalancing these ways changed risk-adjusted returns.";
            return new Finding("significance", "no policy's Sharpe ratio differs from its twin's (Holm)", text, Test, adjusted[smallest], FindingVerdict.NotSignificant, []);
        }

        var higher = significant.Where(i => p[i].SharpeDifference > 0).ToArray();
        var lower = significant.Where(i => p[i].SharpeDifference <= 0).ToArray();
        var sentence = $"{significant.Length} of {tested} policies differ from their buy-and-hold twin in Sharpe ratio at the 5 % level after Holm's correction (Ledoit-Wolf HAC)";
        sentence += higher.Length > 0 ? $"; higher Sharpe ratio than buy-and-hold: {Names(p, higher, adjusted)}" : string.Empty;
        sentence += lower.Length > 0 ? $"; lower Sharpe ratio than buy-and-hold: {Names(p, lower, adjusted)}" : string.Empty;
        return new Finding("significance", $"{significant.Length} of {tested} policies differ from their twin in Sharpe ratio (Holm)", sentence + ".", Test, adjusted[significant[0]], FindingVerdict.Significant, [.. significant.Select(i => p[i].Name)]);
    }

    private static Finding Premium(FindingsInput input)
    {
        var level = (input.Confidence * 100).ToString("0.#", Invariant);
        var test = $"paired block bootstrap {level} % interval of the CAGR difference against the twin";
        var defined = input.Policies.Where(x => x.Premium is { } v && double.IsFinite(v)).ToArray();
        if (defined.Length == 0)
        {
            return new Finding("premium", "the rebalancing premium is undefined", "The rebalancing premium is undefined for every policy (the window is too short to annualise).", test, null, FindingVerdict.NotComputable, []);
        }

        var largest = defined.MaxBy(x => x.Premium!.Value)!;
        var smallest = defined.MinBy(x => x.Premium!.Value)!;
        var text = defined.Length == 1
            ? $"The rebalancing premium (CAGR minus the twin's) is {Pct(largest.Premium)} a year"
            : $"The rebalancing premium (CAGR minus the twin's) ranges from {Pct(smallest.Premium)} ({smallest.Name}) to {Pct(largest.Premium)} a year ({largest.Name})";
        var claim = defined.Length == 1 ? $"premium {Pct(largest.Premium)} a year" : $"premium {Pct(smallest.Premium)} to {Pct(largest.Premium)} a year";
        if (largest.PremiumInterval is not { } interval || !double.IsFinite(interval.Lower) || !double.IsFinite(interval.Upper))
        {
            return new Finding("premium", claim, text + ".", test, null, FindingVerdict.NotComputable, [largest.Name]);
        }

        var excludes = interval.Lower > 0 || interval.Upper < 0;
        var verdict = interval.Lower > 0 ? "which excludes zero: the premium is positive at that confidence"
            : interval.Upper < 0 ? "which excludes zero: the premium is negative at that confidence"
            : "which includes zero: the data cannot tell this premium from none";
        text += $"; {(defined.Length == 1 ? "its" : "the largest's")} {level} % bootstrap interval is [{Pct(interval.Lower)}, {Pct(interval.Upper)}], {verdict}";
        claim += excludes ? "; the largest's interval excludes zero" : "; the largest's interval includes zero";
        return new Finding("premium", claim, text + ".", test, null, excludes ? FindingVerdict.Significant : FindingVerdict.NotSignificant, [largest.Name]);
    }

    private static Finding Frequency(FrequencyFinding zero)
    {
        const string Test = "Ledoit-Wolf HAC Sharpe-ratio difference, most against least frequent";
        string[] compared = [zero.Frequent, zero.Infrequent];
        if (!double.IsFinite(zero.PValue))
        {
            return new Finding("frequency", "frequency at zero cost could not be tested", $"At zero cost, {zero.FrequentSchedule} ({zero.Frequent}) and {zero.InfrequentSchedule} ({zero.Infrequent}) rebalancing could not be tested against each other (undefined Sharpe ratios), so nothing can be said about frequency.", Test, null, FindingVerdict.NotComputable, compared);
        }

        var text = $"At zero cost, {zero.FrequentSchedule} rebalancing ({zero.Frequent}) had a CAGR of {Pct(zero.FrequentCagr)} against {Pct(zero.InfrequentCagr)} for {zero.InfrequentSchedule} ({zero.Infrequent}); the Sharpe-ratio difference of {Signed(zero.SharpeDifference)} has Ledoit-Wolf p {P(zero.PValue)}";
        if (zero.PValue > Alpha)
        {
            return new Finding("frequency", $"no evidence that {zero.FrequentSchedule} beat {zero.InfrequentSchedule} at zero cost", text + ", not significant at 5 %: the data give no evidence that more frequent rebalancing was better, even at zero cost.", Test, zero.PValue, FindingVerdict.NotSignificant, compared);
        }

        var better = zero.SharpeDifference > 0 ? "more" : "less";
        return new Finding("frequency", $"{better} frequent rebalancing was better at zero cost", text + $", significant at 5 %: {better} frequent rebalancing was better here at zero cost.", Test, zero.PValue, FindingVerdict.Significant, compared);
    }

    private static Finding Caveats(FindingsInput input)
    {
        var text = $"Caveats: {Int(input.Returns)} {PeriodName(input.PeriodsPerYear)} returns is {(Years(input) < 30 ? "a short sample" : "a long sample but one history")}, so the tests have little power: a p-value above 0.05 is no evidence of a difference, not evidence that there is none.";
        if (input.PeriodsPerYear <= 12)
        {
            text += $" With {PeriodName(input.PeriodsPerYear)} data, what happens inside a period is not seen, and schedules more frequent than the data act as the data's own.";
        }

        text += $" The bootstrap and SPA p-values are seeded ({Int(input.Replicates)} replicates, seed {input.Seed}): reproducible, but with simulation error of about ±{(Math.Sqrt(0.25 / Math.Max(1, input.Replicates)) * 2).ToString("0.00", Invariant)}.";
        return new Finding("caveats", Years(input) < 30 ? "a short sample: little power" : "one history: little power", text, null, null, FindingVerdict.Information, []);
    }

    private static string Names(IReadOnlyList<PolicyFinding> p, int[] indices, double[] adjusted) =>
        Listed([.. indices.Select(i => $"{p[i].Name} (adjusted p {P(adjusted[i])})")]);

    /// <summary>The first <see cref="NamesShown"/> items, comma-separated, and how many more.</summary>
    private static string Listed(IReadOnlyList<string> items)
    {
        var shown = string.Join(", ", items.Take(NamesShown));
        return items.Count > NamesShown ? $"{shown} and {items.Count - NamesShown} more" : shown;
    }

    private static double Years(FindingsInput input) => (double)input.Returns / input.PeriodsPerYear;

    private static string PeriodName(int periodsPerYear) => periodsPerYear switch
    {
        12 => "monthly",
        4 => "quarterly",
        52 => "weekly",
        1 => "yearly",
        >= 250 and <= 366 => "daily",
        _ => $"{periodsPerYear}-a-year",
    };

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{Int(n)} {many}";

    private static string P(double p) => double.IsFinite(p) ? (p < 0.001 ? "< 0.001" : "= " + p.ToString("0.000", Invariant)) : "undefined";

    private static string Int(int n) => n.ToString("N0", Invariant);

    private static string Pct(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString("0.00", Invariant) + " %" : "undefined";

    private static string Signed(double v) => double.IsFinite(v) ? (v > 0 ? "+" : string.Empty) + v.ToString("0.00", Invariant) : "undefined";
}
