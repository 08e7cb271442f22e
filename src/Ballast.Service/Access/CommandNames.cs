using System.Reflection;
using System.Text.Json.Serialization;
using Ballast.Protocol;

namespace Ballast.Service.Access;

/// <summary>The journal names of the protocol's commands (the <c>$type</c> discriminators of <see cref="ProtocolCommand"/>), read from the type's own declaration.</summary>
public static class CommandNames
{
    private static readonly Dictionary<Type, string> ByType = typeof(ProtocolCommand).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>Every command name the protocol declares.</summary>
    public static IEnumerable<string> All => ByType.Values;

    /// <summary>The journal name of <paramref name="command"/>, e.g. <c>deposit</c>.</summary>
    public static string Of(ProtocolCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ByType[command.GetType()];
    }
}
