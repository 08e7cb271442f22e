using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ballast.Hashing;

namespace Ballast.Service.Access;

/// <summary>
/// The API keys the service accepts, kept only as the SHA-256 of each key (lower-case hex of its UTF-8 bytes): a key
/// is looked up by hashing what the client sent, so the keys themselves are never stored. Keys come from the keys
/// file (<see cref="KeysFile"/>), from the operator (<c>POST /api/keys</c>, kept by hash in the journal's database:
/// <see cref="StoredKeys"/>) or from the demo (in memory only). Safe for concurrent use.
/// </summary>
public sealed class ApiKeyRing
{
    /// <summary>The prefix of keys this service generates (any non-empty text is accepted from a keys file).</summary>
    public const string KeyPrefix = "bk_";

    /// <summary>The most presented keys whose hashes <see cref="Find"/> remembers; when full, it starts again empty.</summary>
    internal const int HashCacheSize = 4096;

    private readonly ConcurrentDictionary<string, ApiPrincipal> _byHash = new(StringComparer.Ordinal);

    // Presented key -> its SHA-256 (a pure function of the key, so never stale): a key sent again is not hashed
    // again. Only keys that were registered when first seen are remembered (random unknown keys cannot fill it), and
    // the principal is always looked up in _byHash, so a revoked key is refused at its next request.
    private readonly ConcurrentDictionary<string, string> _hashOf = new(StringComparer.Ordinal);

    /// <summary>How many keys are registered.</summary>
    public int Count => _byHash.Count;

    /// <summary>The SHA-256 of <paramref name="key"/>'s UTF-8 bytes, lower-case hex: what a keys file stores.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Sha256Digest.OfUtf8(key).ToHex();
    }

    /// <summary>Registers a key by its hash; a hash already registered is replaced.</summary>
    public void Add(string sha256Hex, ApiPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        ArgumentNullException.ThrowIfNull(principal);
        _byHash[sha256Hex.ToLowerInvariant()] = principal;
    }

    /// <summary>Whether a key with this hash is registered.</summary>
    public bool Contains(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return _byHash.ContainsKey(sha256Hex.ToLowerInvariant());
    }

    /// <summary>Removes the key with this hash (revoked): refused from the next request on. False when it was not registered.</summary>
    public bool Remove(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return _byHash.TryRemove(sha256Hex.ToLowerInvariant(), out _);
    }

    /// <summary>Every registered key: its hash and principal, ordered by account then hash.</summary>
    public IReadOnlyList<(string Sha256, ApiPrincipal Principal)> All() =>
        [.. _byHash.Select(p => (p.Key, p.Value)).OrderBy(p => p.Value.Account.Value, StringComparer.Ordinal).ThenBy(p => p.Key, StringComparer.Ordinal)];

    /// <summary>Creates a new random key for <paramref name="principal"/>, registers its hash and returns the key (shown once).</summary>
    public string Create(ApiPrincipal principal)
    {
        var key = NewKey();
        Add(Hash(key), principal);
        return key;
    }

    /// <summary>A new random key (192 bits, base64url, prefixed <see cref="KeyPrefix"/>), not registered.</summary>
    public static string NewKey() => KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>The principal of <paramref name="key"/>, or null when the key is unknown (or revoked).</summary>
    /// <remarks>
    /// A key's hash is computed once and remembered (for up to <see cref="HashCacheSize"/> keys that were registered
    /// when presented); the principal is looked up by hash every time, so a key removed from the ring is refused from
    /// the next request on.
    /// </remarks>
    public ApiPrincipal? Find(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (_hashOf.TryGetValue(key, out var known))
        {
            return _byHash.GetValueOrDefault(known);
        }

        var hash = Hash(key);
        var principal = _byHash.GetValueOrDefault(hash);
        if (principal is not null)
        {
            if (_hashOf.Count >= HashCacheSize)
            {
                _hashOf.Clear();
            }

            _hashOf[key] = hash;
        }

        return principal;
    }

    /// <summary>How many presented keys have their hash remembered (tests).</summary>
    internal int RememberedHashes => _hashOf.Count;
}
