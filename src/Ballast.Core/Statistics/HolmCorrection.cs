namespace Ballast.Statistics;

/// <summary>
/// Holm's (1979) step-down correction of m p-values for the family-wise error rate: the distribution-free companion
/// of <see cref="StepwiseMultipleTesting"/>, for tests that report only their p-values.
/// </summary>
public static class HolmCorrection
{
    /// <summary>
    /// Holm's step-down adjusted p-values, in input order: sort ascending, p̃₍ᵢ₎ = max over j ≤ i of
    /// min(1, (m − j + 1) p₍ⱼ₎). An undefined (NaN) p-value stays NaN and does not count among the m tests.
    /// </summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var order = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = Enumerable.Repeat(double.NaN, pValues.Count).ToArray();
        var running = 0.0;
        for (var k = 0; k < order.Length; k++)
        {
            running = Math.Max(running, Math.Min(1, (order.Length - k) * pValues[order[k]]));
            adjusted[order[k]] = running;
        }

        return adjusted;
    }
}
