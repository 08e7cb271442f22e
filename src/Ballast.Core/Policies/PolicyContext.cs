using Ballast.Data;

namespace Ballast.Policies;

/// <summary>
/// What a policy sees when it decides on one row: the calendar of the history so far, the row, the current
/// (pre-trade) weights and when it last rebalanced. The backtester and the live engine build it the same way,
/// so the same decision comes out of the same inputs.
/// </summary>
public readonly ref struct PolicyContext
{
    /// <summary>The inputs of one decision; spans are borrowed, not copied, for the duration of the call.</summary>
    /// <param name="calendar">Dates of the history, with their calendar period starts.</param>
    /// <param name="row">The row being decided, an index into <paramref name="calendar"/>.</param>
    /// <param name="weights">Pre-trade weights per asset, value / NAV, in universe order.</param>
    /// <param name="nav">Net asset value before any trade on this row, in currency.</param>
    /// <param name="lastRebalanceRow">The row of the last rebalance (0 for the initial investment).</param>
    /// <param name="isLastRow">True on the last row of a backtest window, where nothing fires.</param>
    /// <param name="maxAbsDrift">The largest |weight − target| when already computed against this policy's targets; NaN when unknown.</param>
    /// <param name="targets">The targets in force set by a risk-based policy's last rebalance; empty for the policy's fixed targets.</param>
    /// <param name="prices">The price history with look-back rows, for estimators; null when the policy needs none.</param>
    /// <param name="state">What the policy carries from row to row (its volatility regime); null when it carries nothing.</param>
    /// <param name="periodsPerYear">Rows per year, for annualising volatility (default 252).</param>
    public PolicyContext(MarketCalendar calendar, int row, ReadOnlySpan<double> weights, double nav, int lastRebalanceRow, bool isLastRow, double maxAbsDrift = double.NaN, ReadOnlySpan<double> targets = default, PriceTable? prices = null, PolicyState? state = null, int periodsPerYear = 252)
    {
        State = state;
        PeriodsPerYear = periodsPerYear;
        MaxAbsDrift = maxAbsDrift;
        Targets = targets;
        Prices = prices;
        Calendar = calendar;
        Row = row;
        Weights = weights;
        Nav = nav;
        LastRebalanceRow = lastRebalanceRow;
        IsLastRow = isLastRow;
    }

    /// <summary>Dates of the history; <see cref="Row"/> indexes into it.</summary>
    public MarketCalendar Calendar { get; }

    /// <summary>The row being decided (its close is where trades execute).</summary>
    public int Row { get; }

    /// <summary>Current weights per asset (value / NAV, before any trade on this row); they sum to 1 minus the cash weight.</summary>
    public ReadOnlySpan<double> Weights { get; }

    /// <summary>Net asset value before any trade on this row, in currency.</summary>
    public double Nav { get; }

    /// <summary>The row of the last rebalance (the initial investment counts, at row 0).</summary>
    public int LastRebalanceRow { get; }

    /// <summary>True on the last row of a backtest window: nothing fires there (a trade would buy nothing but costs).</summary>
    public bool IsLastRow { get; }

    /// <summary>
    /// The largest |weight − target| over the assets, when the caller has computed it against this policy's targets
    /// (the backtester does, for its drift metrics); NaN when unknown. Lets an absolute band skip a second pass.
    /// </summary>
    public double MaxAbsDrift { get; }

    /// <summary>The date of <see cref="Row"/>.</summary>
    public DateOnly Date => Calendar.Dates[Row];

    /// <summary>
    /// The targets in force (set by the last rebalance of a risk-based policy); empty for the policy's own fixed
    /// targets. Drift is measured against these.
    /// </summary>
    public ReadOnlySpan<double> Targets { get; }

    /// <summary>The price history (with rows before the window for lookbacks), for estimators; null when not needed.</summary>
    public PriceTable? Prices { get; }

    /// <summary>What the policy carries from row to row (its volatility regime); null for a policy that carries nothing.</summary>
    public PolicyState? State { get; }

    /// <summary>Rows per year, for annualising realised volatility.</summary>
    public int PeriodsPerYear { get; }

    /// <summary>
    /// The covariance source of a risk-based scheme: null (the usual case) to estimate it from <see cref="Prices"/> by the
    /// policy's <c>covariance</c> block, or a matrix given from outside (<c>ballast weights --covariance</c>), in universe
    /// order, which the policy then solves from as is.
    /// </summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double>? GivenCovariance { get; init; }
}

/// <summary>
/// The little a policy remembers between rows: whether it is in its high-volatility regime, and the last realised
/// volatility it measured. Updated only by <see cref="RebalancePolicy.Observe"/>, once per row, so replaying the
/// rows rebuilds it exactly.
/// </summary>
public sealed class PolicyState
{
    /// <summary>A fresh state: normal regime, no volatility measured yet.</summary>
    public PolicyState()
    {
    }

    /// <summary>A state as recorded earlier (a vault's journal restores it this way).</summary>
    public PolicyState(bool highVolatility, double volatility)
    {
        HighVolatility = highVolatility;
        Volatility = volatility;
    }

    /// <summary>True while the policy is in its high-volatility regime.</summary>
    public bool HighVolatility { get; set; }

    /// <summary>The annualised realised volatility measured on the last observed row with a full window; NaN before one.</summary>
    public double Volatility { get; set; } = double.NaN;

    /// <summary>An independent copy.</summary>
    public PolicyState Copy() => new(HighVolatility, Volatility);
}

/// <summary>Why a rebalance fired, as recorded in trades.csv and the report. The text is built only when asked for.</summary>
public class TriggerReason
{
    private readonly Func<string>? _describe;
    private string? _text;

    /// <summary>A reason whose text is already known.</summary>
    /// <param name="kind">The trigger kind: calendar, drift or all.</param>
    /// <param name="text">The one-line explanation.</param>
    public TriggerReason(string kind, string text)
    {
        Kind = kind;
        _text = text;
    }

    /// <summary>A reason whose text is built by <paramref name="describe"/> on first use, then kept.</summary>
    /// <param name="kind">The trigger kind: calendar, drift or all.</param>
    /// <param name="describe">Builds the one-line explanation; called at most once.</param>
    public TriggerReason(string kind, Func<string> describe)
    {
        Kind = kind;
        _describe = describe;
    }

    /// <summary>For subclasses that build their text in <see cref="Describe"/> (no closure allocated per reason).</summary>
    protected TriggerReason(string kind)
    {
        Kind = kind;
    }

    /// <summary>calendar, drift or all.</summary>
    public string Kind { get; }

    /// <summary>A one-line explanation, e.g. "drift SPY +5.20pp outside ±5pp (absolute)".</summary>
    public string Text => _text ??= _describe is null ? Describe() : _describe();

    /// <summary>Builds the text when it is first asked for.</summary>
    protected virtual string Describe() => Kind;

    /// <summary>The one-line explanation, <see cref="Text"/>.</summary>
    /// <returns>The text, built on first use.</returns>
    public override string ToString() => Text;
}
