using System.Globalization;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>
/// The report's Findings in plain sentences, written from a run's statistics (<see cref="FindingsInput"/>). The wording
/// follows the numbers: a difference is called significant, and one policy better, only when its p-value is at most
/// <see cref="Alpha"/> after Holm's correction for the number of policies tested; otherwise the text says the data show
/// no evidence of a difference. See docs/report.md ("Findings").
/// </summary>
public static class FindingsText
{
    /// <summary>The significance level, 5 %.</summary>
    public const double Alpha = 0.05;

    /// <summary>Policies named in a sentence at most; the rest are counted.</summary>
    private const int NamesShown = 5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The Findings, one sentence (or short paragraph) per entry, in order: sample, significance, premium, frequency at zero cost, caveats.</summary>
    public static IReadOnlyList<string> Write(FindingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lines = new List<string>
        {
            $"Sample: {Count(input.Policies.Count, "policy", "policies")} over {Int(input.Returns)} {PeriodName(input.PeriodsPerYear)} returns ({Years(input).ToString("0.#", Invariant)} years, {input.First} to {input.Last}), each compared with its own buy-and-hold twin (same weights and costs).",
        };
        if (input.Policies.Count > 0)
        {
            lines.Add(Significance(input));
            lines.Add(Premium(input));
        }

        if (input.ZeroCost is { } zero)
        {
            lines.Add(Frequency(zero));
        }

        lines.Add(Caveats(input));
        return lines;
    }

    private static string Significance(FindingsInput input)
    {
        var p = input.Policies;
        var adjusted = HolmCorrection.Adjust([.. p.Select(x => x.PValue)]);
        var tested = adjusted.Count(a => !double.IsNaN(a));
        var significant = Enumerable.Range(0, p.Count).Where(i => adjusted[i] <= Alpha).OrderBy(i => adjusted[i]).ToArray();
        var raw = p.Count(x => x.PValue <= Alpha);
        string text;
        if (tested == 0)
        {
            text = "No Sharpe-ratio difference against buy-and-hold could be tested (too few returns or a constant series).";
        }
        else if (significant.Length == 0)
        {
            var smallest = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(adjusted[i])).OrderBy(i => adjusted[i]).ThenBy(i => p[i].PValue).First();
            text = $"No policy's Sharpe ratio differs from its buy-and-hold twin's at the 5 % level after Holm's correction for {Count(tested, "test", "tests")} (Ledoit-Wolf HAC; smallest adjusted p {P(adjusted[smallest])}, {p[smallest].Name})"
                + (raw > 0 ? $"; {Count(raw, "policy", "policies")} had p ≤ 0.05 before the correction, which with {tested} tests is what chance alone would give." : ".");
            text += " The data show no evidence that rebalancing these ways changed risk-adjusted returns.";
        }
        else
        {
            var higher = significant.Where(i => p[i].SharpeDifference > 0).ToArray();
            var lower = significant.Where(i => p[i].SharpeDifference <= 0).ToArray();
            text = $"{significant.Length} of {tested} policies differ from their buy-and-hold twin in Sharpe ratio at the 5 % level after Holm's correction (Ledoit-Wolf HAC)";
            text += higher.Length > 0 ? $"; higher Sharpe ratio than buy-and-hold: {Names(p, higher, adjusted)}" : string.Empty;
            text += lower.Length > 0 ? $"; lower Sharpe ratio than buy-and-hold: {Names(p, lower, adjusted)}" : string.Empty;
            text += ".";
        }

        if (input.Spa is { } spa && double.IsFinite(spa))
        {
            text += spa <= Alpha
                ? $" Hansen's SPA test of all of them against {input.SpaAgainst} gives p {P(spa)}: the best policy's edge over it is unlikely to be luck."
                : $" Hansen's SPA test of all of them against {input.SpaAgainst} gives p {P(spa)}: the best policy's edge over it is consistent with luck.";
        }

        return text;
    }

    private static string Premium(FindingsInput input)
    {
        var defined = input.Policies.Where(x => x.Premium is { } v && double.IsFinite(v)).ToArray();
        if (defined.Length == 0)
        {
            return "The rebalancing premium is undefined for every policy (the window is too short to annualise).";
        }

        var largest = defined.MaxBy(x => x.Premium!.Value)!;
        var smallest = defined.MinBy(x => x.Premium!.Value)!;
        var text = defined.Length == 1
            ? $"The rebalancing premium (CAGR minus the twin's) is {Pct(largest.Premium)} a year"
            : $"The rebalancing premium (CAGR minus the twin's) ranges from {Pct(smallest.Premium)} ({smallest.Name}) to {Pct(largest.Premium)} a year ({largest.Name})";
        if (largest.PremiumInterval is { } interval && double.IsFinite(interval.Lower) && double.IsFinite(interval.Upper))
        {
            var level = (input.Confidence * 100).ToString("0.#", Invariant);
            var verdict = interval.Lower > 0 ? "which excludes zero: the premium is positive at that confidence"
                : interval.Upper < 0 ? "which excludes zero: the premium is negative at that confidence"
                : "which includes zero: the data cannot tell this premium from none";
            text += $"; {(defined.Length == 1 ? "its" : "the largest's")} {level} % bootstrap interval is [{Pct(interval.Lower)}, {Pct(interval.Upper)}], {verdict}";
        }

        return text + ".";
    }

    private static string Frequency(FrequencyFinding zero)
    {
        if (!double.IsFinite(zero.PValue))
        {
            return $"At zero cost, {zero.FrequentSchedule} ({zero.Frequent}) and {zero.InfrequentSchedule} ({zero.Infrequent}) rebalancing could not be tested against each other (undefined Sharpe ratios), so nothing can be said about frequency.";
        }

        var text = $"At zero cost, {zero.FrequentSchedule} rebalancing ({zero.Frequent}) had a CAGR of {Pct(zero.FrequentCagr)} against {Pct(zero.InfrequentCagr)} for {zero.InfrequentSchedule} ({zero.Infrequent}); the Sharpe-ratio difference of {Signed(zero.SharpeDifference)} has Ledoit-Wolf p {P(zero.PValue)}";
        return text + (zero.PValue <= Alpha
            ? zero.SharpeDifference > 0
                ? ", significant at 5 %: more frequent rebalancing was better here at zero cost."
                : ", significant at 5 %: less frequent rebalancing was better here at zero cost."
            : ", not significant at 5 %: the data give no evidence that more frequent rebalancing was better, even at zero cost.");
    }

    private static string Caveats(FindingsInput input)
    {
        var text = $"Caveats: {Int(input.Returns)} {PeriodName(input.PeriodsPerYear)} returns is {(Years(input) < 30 ? "a short sample" : "a long sample but one history")}, so the tests have little power: a p-value above 0.05 is no evidence of a difference, not evidence that there is none.";
        if (input.PeriodsPerYear <= 12)
        {
            text += $" With {PeriodName(input.PeriodsPerYear)} data, what happens inside a period is not seen, and schedules more frequent than the data act as the data's own.";
        }

        text += $" The bootstrap and SPA p-values are seeded ({Int(input.Replicates)} replicates, seed {input.Seed}): reproducible, but with simulation error of about ±{(Math.Sqrt(0.25 / Math.Max(1, input.Replicates)) * 2).ToString("0.00", Invariant)}.";
        return text;
    }

    private static string Names(IReadOnlyList<PolicyFinding> p, int[] indices, double[] adjusted)
    {
        var shown = string.Join(", ", indices.Take(NamesShown).Select(i => $"{p[i].Name} (adjusted p {P(adjusted[i])})"));
        return indices.Length > NamesShown ? $"{shown} and {indices.Length - NamesShown} more" : shown;
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
