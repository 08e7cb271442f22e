using System.Text.Json;

namespace Ballast.Io.Storage;

/// <summary>
/// An API key of <c>ballast serve</c> as a store keeps it: the SHA-256 of the key (never the key), the account it
/// acts as, its role names, the vaults it reports (reporter role), when and by whom it was created.
/// </summary>
/// <param name="Sha256">The SHA-256 of the key's UTF-8 bytes, 64 lower-case hex digits.</param>
/// <param name="Account">The account the key acts as.</param>
/// <param name="Roles">Role names (operator, reporter, investor, voter).</param>
/// <param name="ReporterOf">The vaults whose NAV the key may report.</param>
/// <param name="Created">When it was created (the service's clock).</param>
/// <param name="CreatedBy">The operator account that created it.</param>
public sealed record StoredApiKey(string Sha256, string Account, IReadOnlyList<string> Roles, IReadOnlyList<string> ReporterOf, DateTimeOffset Created, string CreatedBy)
{
    /// <summary>A list as stored in one text column: a JSON array of strings.</summary>
    internal static string JoinList(IReadOnlyList<string> items) => JsonSerializer.Serialize(items);

    /// <summary>The list <see cref="JoinList"/> wrote.</summary>
    internal static IReadOnlyList<string> SplitList(string text) => JsonSerializer.Deserialize<string[]>(text) ?? [];
}

/// <summary>
/// Where the service keeps the API keys an operator creates over HTTP, in the same database as the journal (the
/// table <c>journal_api_keys</c>), so they survive a restart. Keys are access control, not protocol state: they are
/// outside the hash chain and not part of the journal export. <see cref="DbJournalStore"/> implements it.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Stores <paramref name="key"/>; false (nothing written) when a key with the same hash is stored already.</summary>
    Task<bool> PutApiKeyAsync(StoredApiKey key, CancellationToken cancellationToken = default);

    /// <summary>Every stored key, oldest first.</summary>
    Task<IReadOnlyList<StoredApiKey>> ApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that the key with hash <paramref name="sha256"/> is revoked (table <c>journal_api_key_revocations</c>); false when it was already.</summary>
    Task<bool> RevokeApiKeyAsync(string sha256, DateTimeOffset revoked, string revokedBy, CancellationToken cancellationToken = default);

    /// <summary>The hashes of every revoked key (keys file or stored alike).</summary>
    Task<IReadOnlyList<string>> RevokedApiKeysAsync(CancellationToken cancellationToken = default);
}
