namespace Ballast.Service.Access;

/// <summary>The text names of <see cref="Role"/>: lower case in keys files, tokens, the key table and responses.</summary>
public static class RoleNames
{
    /// <summary>The name of <paramref name="role"/>, e.g. <c>investor</c>.</summary>
    public static string Of(Role role) => role.ToString().ToLowerInvariant();

    /// <summary>The role named <paramref name="name"/> (case ignored); false for anything else, numbers included.</summary>
    public static bool TryParse(string? name, out Role role)
    {
        role = default;
        return !string.IsNullOrEmpty(name) && !char.IsDigit(name[0]) && name[0] != '-' && Enum.TryParse(name, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}
