namespace Ballast.Policies;

/// <summary>
/// What a portfolio holds on one row, as a policy sees it: the one per-row input of a <see cref="PolicyStep"/>.
/// The backtester fills it from its simulated units, the keeper from a vault's exact holdings.
/// </summary>
public readonly ref struct HoldingsOnRow
{
    /// <summary>Holdings on <paramref name="row"/> before any trade there.</summary>
    /// <param name="row">The row of the step's table (its close is where trades execute).</param>
    /// <param name="weights">Value / NAV per asset, in the policy's universe order; they sum to 1 minus the cash weight.</param>
    /// <param name="nav">Net asset value before any trade on the row, in currency.</param>
    /// <param name="maxAbsDrift">The largest |weight − target in force| when the caller has it (lets an absolute band skip a pass); NaN when unknown.</param>
    public HoldingsOnRow(int row, ReadOnlySpan<double> weights, double nav, double maxAbsDrift = double.NaN)
    {
        Row = row;
        Weights = weights;
        Nav = nav;
        MaxAbsDrift = maxAbsDrift;
    }

    /// <summary>The row of the step's table.</summary>
    public int Row { get; }

    /// <summary>Value / NAV per asset before any trade on the row.</summary>
    public ReadOnlySpan<double> Weights { get; }

    /// <summary>Net asset value before any trade on the row.</summary>
    public double Nav { get; }

    /// <summary>The largest |weight − target in force|, or NaN when the caller has not computed it.</summary>
    public double MaxAbsDrift { get; }
}
