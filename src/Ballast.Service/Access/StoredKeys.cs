using Ballast.Accounting;
using Ballast.Io.Storage;

namespace Ballast.Service.Access;

/// <summary>
/// API keys created over HTTP, kept by hash in the journal's database (<see cref="IApiKeyStore"/>, table
/// <c>journal_api_keys</c>) so they survive a restart: loaded into the <see cref="ApiKeyRing"/> at start, written
/// before the new key is answered.
/// </summary>
public static class StoredKeys
{
    /// <summary>Registers every stored key in <paramref name="ring"/> but those whose hash it holds already (from the keys file), then removes every revoked key; returns the change in the ring's size.</summary>
    /// <exception cref="Ballast.Protocol.Journal.JournalCorruptedException">A stored row is not a key this service could have written.</exception>
    public static async Task<int> LoadAsync(IApiKeyStore store, ApiKeyRing ring, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ring);
        var registered = 0;
        foreach (var key in await store.ApiKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            var principal = Principal(key);
            if (!ring.Contains(key.Sha256))
            {
                ring.Add(key.Sha256, principal);
                registered++;
            }
        }

        // Revoked keys stay revoked, whether they came from the table or the keys file (loaded before).
        foreach (var revoked in await store.RevokedApiKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ring.Remove(revoked))
            {
                registered--;
            }
        }

        return registered;
    }

    /// <summary>The row for a key of <paramref name="principal"/> with hash <paramref name="sha256"/>, created by <paramref name="createdBy"/> at <paramref name="created"/>.</summary>
    public static StoredApiKey Row(string sha256, ApiPrincipal principal, DateTimeOffset created, AccountId createdBy)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new StoredApiKey(sha256, principal.Account.Value, [.. principal.Roles.Select(RoleNames.Of).Order(StringComparer.Ordinal)], [.. principal.ReporterOf.Order(StringComparer.Ordinal)], created, createdBy.Value);
    }

    private static ApiPrincipal Principal(StoredApiKey key)
    {
        if (!AccountId.IsValid(key.Account) || key.Sha256.Length != 64)
        {
            throw new Ballast.Protocol.Journal.JournalCorruptedException($"journal_api_keys: the row {key.Sha256} has account '{key.Account}'; not a key this service wrote", null);
        }

        var roles = new HashSet<Role>();
        foreach (var name in key.Roles)
        {
            roles.Add(RoleNames.TryParse(name, out var role)
                ? role
                : throw new Ballast.Protocol.Journal.JournalCorruptedException($"journal_api_keys: the key {key.Sha256} has an unknown role '{name}'", null));
        }

        return new ApiPrincipal(new AccountId(key.Account), roles, key.ReporterOf.ToHashSet(StringComparer.Ordinal));
    }
}
