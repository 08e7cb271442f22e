namespace Ballast.Accounting;

/// <summary>
/// A validated account identifier: 1 to 64 ASCII characters, letters, digits and <c>- _ . :</c>, starting with a
/// letter or digit. Compared and ordered ordinally, so ledgers list accounts in the same order everywhere.
/// </summary>
public readonly record struct AccountId : IComparable<AccountId>
{
    /// <summary>The longest identifier accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a valid identifier.</exception>
    public AccountId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            throw new ArgumentException(
                $"'{value}' is not an account id: use 1 to {MaxLength} ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit",
                nameof(value));
        }

        Value = value;
    }

    /// <summary>The identifier text.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="value"/> is a valid identifier.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public int CompareTo(AccountId other) => string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
