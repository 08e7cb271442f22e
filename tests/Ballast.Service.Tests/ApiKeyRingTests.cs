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
