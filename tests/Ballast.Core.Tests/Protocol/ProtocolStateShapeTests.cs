using System.Reflection;
using Ballast.Protocol;

namespace Ballast.Core.Tests.Protocol;

/// <summary>The protocol state is read-only to callers: only the engine's Apply changes it.</summary>
public class ProtocolStateShapeTests
{
    public static TheoryData<Type> StateTypes => [typeof(ProtocolState), typeof(SimpleVaultState), typeof(ComposedVaultState)];

    [Theory]
    [MemberData(nameof(StateTypes))]
    public void StateTypes_HaveNoPublicSetters(Type type)
    {
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name)
            .ToList();
        Assert.True(settable.Count == 0, $"{type.Name} has public setters: {string.Join(", ", settable)}");
    }

    [Theory]
    [MemberData(nameof(StateTypes))]
    public void StateTypes_ExposeNoMutableCollections(Type type)
    {
        var mutable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() is var g && (g == typeof(Dictionary<,>) || g == typeof(List<>)))
            .Select(p => p.Name)
            .ToList();
        Assert.True(mutable.Count == 0, $"{type.Name} exposes mutable collections: {string.Join(", ", mutable)}");
    }

    [Fact]
    public void ProtocolState_HoldsNoCompiledPolicies()
    {
        var cache = typeof(ProtocolState).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericArguments().Any(a => a.Name == "RebalancePolicy"))
            .Select(p => p.Name)
            .ToList();
        Assert.True(cache.Count == 0, $"ProtocolState holds compiled policies: {string.Join(", ", cache)}");
    }
}
