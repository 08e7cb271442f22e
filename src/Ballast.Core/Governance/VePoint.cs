namespace Ballast.Governance;

/// <summary>
/// A checkpoint of voting power (Curve's <c>Point</c>): power <paramref name="Bias"/> at <paramref name="Ts"/>
/// (unix seconds), decreasing by <paramref name="Slope"/> per second. Signed as in Curve; never negative here.
/// </summary>
public readonly record struct VePoint(Int128 Bias, Int128 Slope, long Ts)
{
    /// <summary>The power at <paramref name="t"/> ≥ <see cref="Ts"/> with no slope change in between, floored at 0.</summary>
    public Int128 BiasAt(long t)
    {
        var bias = checked(Bias - (Slope * (t - Ts)));
        return bias > 0 ? bias : 0;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"({Bias},{Slope},{Ts})");
}
