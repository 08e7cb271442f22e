using System.Text.Json.Serialization;

namespace Ballast.Accounting;

/// <summary>
/// A validated asset symbol: 1 to 16 ASCII characters, letters, digits and <c>- _ . :</c>, starting with a letter or
/// digit (the rules of an <see cref="AccountId"/>, at most <see cref="MaxLength"/> long). Compared and ordered
/// ordinally. In JSON it is the bare symbol text, so the journal bytes are those of the plain string.
/// </summary>
[JsonConverter(typeof(TextIdentityJsonConverter<AssetSymbol>))]
public readonly record struct AssetSymbol : IComparable<AssetSymbol>, ITextIdentity<AssetSymbol>
{
    /// <summary>The longest symbol accepted.</summary>
    public const int MaxLength = 16;

    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <param name="value">The symbol text, e.g. <c>USDC</c>.</param>
    /// <exception cref="ArgumentException">The value is not a valid symbol.</exception>
    public AssetSymbol(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            throw new ArgumentException(Problem(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The symbol text.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="value"/> is a valid symbol.</summary>
    /// <param name="value">The text to check.</param>
    /// <returns>True when <paramref name="value"/> can be an <see cref="AssetSymbol"/>.</returns>
    public static bool IsValid(string? value) => AccountId.IsValid(value) && value!.Length <= MaxLength;

    /// <summary>Why <paramref name="value"/> is not a valid symbol, for error messages.</summary>
    /// <param name="value">The text refused.</param>
    /// <returns>The message naming the value and the rule.</returns>
    public static string Problem(string? value) =>
        $"'{value}' is not a valid asset symbol (1 to {MaxLength} ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit)";

    /// <inheritdoc />
    public int CompareTo(AssetSymbol other) => string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public static string Described => "an asset symbol";

    /// <inheritdoc />
    public static AssetSymbol FromValid(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
