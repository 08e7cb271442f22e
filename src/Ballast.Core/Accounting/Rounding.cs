namespace Ballast.Accounting;

/// <summary>Which way an exact quotient is rounded to an integer. Both directions are for non-negative values.</summary>
public enum Rounding
{
    /// <summary>Towards zero: the largest integer not above the exact value.</summary>
    Floor,

    /// <summary>Away from zero: the smallest integer not below the exact value.</summary>
    Ceiling,
}
