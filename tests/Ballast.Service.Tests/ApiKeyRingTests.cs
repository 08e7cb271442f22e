using Ballast.Accounting;
using Ballast.Service.Access;

namespace Ballast.Service.Tests;

/// <summary>
/// <see cref="ApiKeyRing.Find"/> remembers the hash of a key it has seen (so a key sent again is not hashed again),
/// and still refuses a removed key at once; keys it does not know are not remembered.
/// </summary>
public sealed class ApiKeyRingTests
{
    private static readonly ApiPrincipal Alice = new(new AccountId("alice"), new HashSet<Role> { Role.Investor }, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The stored form of a key is the SHA-256 of its UTF-8 bytes as 64 lowercase hex digits (keys files and stored rows hold it): pinned on the FIPS 180-2 "abc" vector and a non-ASCII key.</summary>
    [Fact]
    public void Hash_IsTheLowercaseHexSha256OfTheUtf8Bytes()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyRing.Hash("abc"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("clé-€"u8)), ApiKeyRing.Hash("clé-€"));
    }

    [Fact]
    public void RememberedKey_IsRefusedOnceRemoved_AndFoundAgainOnceAdded()
    {
        var ring = new ApiKeyRing();
        var hash = ApiKeyRing.Hash("key-alice");
        ring.Add(hash, Alice);
        Assert.Same(Alice, ring.Find("key-alice"));
        Assert.Same(Alice, ring.Find("key-alice"));
        Assert.Equal(1, ring.RememberedHashes);

        Assert.True(ring.Remove(hash));
        Assert.Null(ring.Find("key-alice"));

        ring.Add(hash, Alice);
        Assert.Same(Alice, ring.Find("key-alice"));
    }

    [Fact]
    public void UnknownKeys_AreNotRemembered_AndTheMemoryIsBounded()
    {
        var ring = new ApiKeyRing();
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(ring.Find($"guess-{i}"));
        }

        Assert.Equal(0, ring.RememberedHashes);
        for (var i = 0; i < ApiKeyRing.HashCacheSize + 10; i++)
        {
            ring.Add(ApiKeyRing.Hash($"key-{i}"), Alice);
            Assert.Same(Alice, ring.Find($"key-{i}"));
        }

        Assert.InRange(ring.RememberedHashes, 1, ApiKeyRing.HashCacheSize);
    }
}
