using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// A validated vault id: 1 to <see cref="MaxLength"/> characters, none a control character, with no leading or
/// trailing white space. A simple vault's id may be any such text (a data column's name, e.g.
/// <c>Long/Short Equity</c>); a composed vault's id also names its account <c>vault:ID</c>, so it must satisfy
/// <see cref="CanNameAccount"/> as well. Compared and ordered ordinally. In JSON it is the bare id text (as a value
/// and as a property name), so the journal bytes are those of the plain string.
/// </summary>
[JsonConverter(typeof(TextIdentityJsonConverter<VaultId>))]
public readonly record struct VaultId : IComparable<VaultId>, ITextIdentity<VaultId>
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = AccountId.MaxLength;

    /// <summary>The prefix of the account a vault's holdings are booked to (<c>vault:ID</c>).</summary>
    public const string AccountPrefix = "vault:";

    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <param name="value">The id text, e.g. <c>demo-mix</c>.</param>
    /// <exception cref="ArgumentException">The value is not a valid vault id.</exception>
    public VaultId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            throw new ArgumentException(Problem(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The id text.</summary>
    public string Value { get; }

    /// <summary>
    /// Whether this id can also name an account (<c>vault:ID</c>, the rules of an <see cref="AccountId"/>: ASCII
    /// letters, digits and <c>- _ . :</c>, at most <see cref="MaxLength"/> characters with the prefix), as a composed
    /// vault's id must.
    /// </summary>
    public bool CanNameAccount => CanBeComposed(Value);

    /// <summary>The account the vault's holdings are booked to, <c>vault:ID</c>.</summary>
    /// <exception cref="InvalidOperationException">The id cannot name an account (see <see cref="CanNameAccount"/>).</exception>
    public AccountId Account => CanNameAccount
        ? new AccountId(AccountPrefix + Value)
        : throw new InvalidOperationException(ComposedProblem(Value));

    /// <summary>Whether <paramref name="value"/> is a valid vault id.</summary>
    /// <param name="value">The text to check.</param>
    /// <returns>True when <paramref name="value"/> can be a <see cref="VaultId"/>.</returns>
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.Any(char.IsControl) && value.Trim() == value;

    /// <summary>Wraps <paramref name="value"/> when it is a valid vault id.</summary>
    /// <param name="value">The text to read.</param>
    /// <param name="id">The id, or default when <paramref name="value"/> is not valid.</param>
    /// <returns>True when <paramref name="value"/> is a valid vault id.</returns>
    public static bool TryParse(string? value, out VaultId id)
    {
        id = IsValid(value) ? new VaultId(value!) : default;
        return id.Value is not null;
    }

    /// <summary>Whether <paramref name="value"/> is a valid composed vault id: a vault id that also names the account <c>vault:ID</c>.</summary>
    /// <param name="value">The text to check.</param>
    /// <returns>True when <paramref name="value"/> can be a composed vault's id.</returns>
    public static bool CanBeComposed(string? value) => !string.IsNullOrEmpty(value) && AccountId.IsValid(AccountPrefix + value);

    /// <summary>Why <paramref name="value"/> is not a valid vault id, for error messages.</summary>
    /// <param name="value">The text refused.</param>
    /// <returns>The message naming the value and the rule.</returns>
    public static string Problem(string? value) =>
        $"'{value}' is not a valid vault id (1 to {MaxLength} printable characters, no leading or trailing space)";

    /// <summary>Why <paramref name="value"/> is not a valid composed vault id, for error messages.</summary>
    /// <param name="value">The text refused.</param>
    /// <returns>The message naming the value and the rule.</returns>
    public static string ComposedProblem(string? value) =>
        $"'{value}' is not a valid composed vault id (letters, digits, - _ . :; it names the account {AccountPrefix}{value})";

    /// <inheritdoc />
    public int CompareTo(VaultId other) => string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public static string Described => "a vault id";

    /// <inheritdoc />
    public static VaultId FromValid(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
