using System.Globalization;
using System.Numerics;
using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Io.Protocol;

/// <summary>The governance CLI's texts: durations, BANK amounts, quorum fractions and accounts.</summary>
public static class GovernanceText
{
    /// <summary>10¹⁸: BANK and veBANK base units per token.</summary>
    public static readonly UInt128 Token = ExactMath.Pow10(BankToken.Decimals);

    /// <summary>A duration in seconds: a whole number with an optional suffix s, m, h, d or w (<c>7d</c>, <c>52w</c>; no suffix = seconds).</summary>
    public static long Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var unit = t.Length > 0 ? t[^1] switch { 's' => 1L, 'm' => 60L, 'h' => 3_600L, 'd' => 86_400L, 'w' => 604_800L, _ => 0L } : 0L;
        var digits = unit == 0 ? t : t[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > GovernanceParameters.MaxDuration)
        {
            throw new BallastInputException($"cannot read duration '{text}'; expected a whole number with s, m, h, d or w (e.g. 7d, 52w), at most ten years");
        }

        var seconds = n * (unit == 0 ? 1 : unit);
        return seconds <= GovernanceParameters.MaxDuration * 2 ? seconds : throw new BallastInputException($"duration '{text}' is too long");
    }

    /// <summary>A BANK amount in tokens (up to 18 decimals, e.g. <c>1000</c> or <c>0.5</c>) as base units.</summary>
    public static UInt128 Bank(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? t : t[..dot];
        var fraction = dot < 0 ? string.Empty : t[(dot + 1)..];
        if (whole.Length == 0 || fraction.Length > BankToken.Decimals || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) || (dot >= 0 && fraction.Length == 0))
        {
            throw new BallastInputException($"cannot read BANK amount '{text}'; expected tokens such as 1000 or 0.5 (at most 18 decimals)");
        }

        var units = BigInteger.Parse(whole + fraction.PadRight(BankToken.Decimals, '0'), CultureInfo.InvariantCulture);
        return units <= (BigInteger)BankToken.MaxSupply ? (UInt128)units : throw new BallastInputException($"BANK amount '{text}' is more than the supply cap (2,100,000,000)");
    }

    /// <summary>A yes/no setting: <c>true</c> or <c>false</c>.</summary>
    public static bool Flag(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new BallastInputException($"expected true or false, found '{text}'"),
    };

    /// <summary>A quorum: a fraction 0..1 (<c>0.1</c>) or a percentage (<c>10%</c>), in whole basis points.</summary>
    public static int QuorumBps(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var percent = t.EndsWith('%');
        if (!decimal.TryParse(percent ? t[..^1] : t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new BallastInputException($"cannot read quorum '{text}'; expected a fraction such as 0.1 or a percentage such as 10%");
        }

        var bps = value * (percent ? 100m : 10_000m);
        return bps <= 10_000m && bps == decimal.Truncate(bps)
            ? (int)bps
            : throw new BallastInputException($"quorum '{text}' must be from 0 to 1 (0% to 100%) in whole basis points");
    }

    /// <summary>A validated account id.</summary>
    public static AccountId Account(string text) =>
        AccountId.IsValid(text) ? new AccountId(text) : throw new BallastInputException($"'{text}' is not an account id: use 1 to 64 ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit");

    /// <summary>Base units as tokens: the shortest exact decimal text (<c>1000</c>, <c>0.5</c>).</summary>
    public static string Format(UInt128 units)
    {
        var whole = units / Token;
        var fraction = (units % Token).ToString(CultureInfo.InvariantCulture).PadLeft(BankToken.Decimals, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole.ToString(CultureInfo.InvariantCulture) : $"{whole.ToString(CultureInfo.InvariantCulture)}.{fraction}";
    }
}
