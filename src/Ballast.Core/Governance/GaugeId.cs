using System.Text.Json.Serialization;
using Ballast.Accounting;
using Ballast.Protocol;

namespace Ballast.Governance;

/// <summary>
/// A validated gauge id. A gauge is added for a composed vault and named by its id, so a gauge id follows the
/// composed-vault rule (<see cref="VaultId.CanBeComposed"/>: ASCII letters, digits and <c>- _ . :</c>, naming the
/// account <c>vault:ID</c>); the gauge's BANK is booked to the account <c>gauge:ID</c> (<see cref="Account"/>),
/// which the same rule makes valid. Whether the vault exists is the state's question, decided when a gauge is added.
/// Compared and ordered ordinally. In JSON it is the bare id text (as a value and as a property name), so the
/// journal bytes are those of the plain string.
/// </summary>
[JsonConverter(typeof(TextIdentityJsonConverter<GaugeId>))]
public readonly record struct GaugeId : IComparable<GaugeId>, ITextIdentity<GaugeId>
{
    /// <summary>The prefix of the account a gauge's emissions are minted to and claimed from (<c>gauge:ID</c>).</summary>
    public const string AccountPrefix = "gauge:";

    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <param name="value">The id text: the composed vault's id, e.g. <c>demo-mix</c>.</param>
    /// <exception cref="ArgumentException">The value is not a valid gauge id.</exception>
    public GaugeId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValid(value))
        {
            throw new ArgumentException(Problem(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The gauge of composed vault <paramref name="vault"/>.</summary>
    /// <param name="vault">The composed vault.</param>
    /// <exception cref="ArgumentException">The vault's id cannot be a composed vault's (see <see cref="VaultId.CanNameAccount"/>).</exception>
    public GaugeId(VaultId vault)
        : this(vault.Value ?? throw new ArgumentException("the default vault id names no gauge", nameof(vault)))
    {
    }

    /// <summary>The id text.</summary>
    public string Value { get; }

    /// <summary>The composed vault the gauge is for (the default vault id for the default gauge id, which names no vault).</summary>
    public VaultId Vault => Value is null ? default : new VaultId(Value);

    /// <summary>The account the gauge's emissions are minted to and claimed from, <c>gauge:ID</c>.</summary>
    /// <exception cref="InvalidOperationException">This is the default gauge id, which names no account.</exception>
    public AccountId Account => Value is null
        ? throw new InvalidOperationException("the default gauge id names no account")
        : new AccountId(AccountPrefix + Value);

    /// <summary>Whether <paramref name="value"/> is a valid gauge id (a valid composed vault id).</summary>
    /// <param name="value">The text to check.</param>
    /// <returns>True when <paramref name="value"/> can be a <see cref="GaugeId"/>.</returns>
    public static bool IsValid(string? value) => VaultId.CanBeComposed(value);

    /// <summary>Wraps <paramref name="value"/> when it is a valid gauge id.</summary>
    /// <param name="value">The text to read.</param>
    /// <param name="id">The id, or default when <paramref name="value"/> is not valid.</param>
    /// <returns>True when <paramref name="value"/> is a valid gauge id.</returns>
    public static bool TryParse(string? value, out GaugeId id)
    {
        id = IsValid(value) ? new GaugeId(value!) : default;
        return id.Value is not null;
    }

    /// <summary>Why <paramref name="value"/> is not a valid gauge id, for error messages.</summary>
    /// <param name="value">The text refused.</param>
    /// <returns>The message naming the value and the rule.</returns>
    public static string Problem(string? value) =>
        $"'{value}' is not a valid gauge id (a gauge is named by its composed vault's id: letters, digits, - _ . :; it names the account {AccountPrefix}{value})";

    /// <inheritdoc />
    public int CompareTo(GaugeId other) => string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public static string Described => "a gauge id";

    /// <inheritdoc />
    public static GaugeId FromValid(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
