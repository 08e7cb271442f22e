using System.Text.Json;
using Ballast.Accounting;

namespace Ballast.Service.Access;

/// <summary>
/// Reads a keys file: JSON of the form
/// <c>{"keys": [{"account": "alice", "sha256": "HEX", "roles": ["investor", "voter"]},
/// {"account": "reporter", "sha256": "HEX", "roles": ["reporter"], "reporter_of": ["equity"]}]}</c>.
/// <c>sha256</c> is the SHA-256 of the key's UTF-8 bytes in hex (<c>printf %s "$KEY" | sha256sum</c>), so the file
/// holds no key; <c>reporter_of</c> is required with the reporter role and allowed only with it. Every mistake is
/// bad input naming the file and the member (e.g. <c>keys[1].roles[0]</c>).
/// </summary>
public static class KeysFile
{
    private static readonly string[] EntryKeys = ["account", "sha256", "roles", "reporter_of"];

    /// <summary>Reads <paramref name="path"/> into <paramref name="ring"/>; returns how many keys it held.</summary>
    /// <exception cref="BallastInputException">The file is missing, not JSON, or an entry is wrong.</exception>
    public static int Load(string path, ApiKeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ring);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BallastInputException(new InputLocation(path), $"cannot read the keys file: {e.Message}");
        }

        return Parse(text, path, ring);
    }

    /// <summary>Reads keys-file text (named <paramref name="source"/> in messages) into <paramref name="ring"/>.</summary>
    public static int Parse(string text, string source, ApiKeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ring);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new BallastInputException(new InputLocation(source, (int?)e.LineNumber + 1, (int?)e.BytePositionInLine + 1), $"the keys file is not JSON: {e.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw Bad(source, "keys", "expected an object with a 'keys' array: {\"keys\": [{\"account\": ..., \"sha256\": ..., \"roles\": [...]}]}");
            }

            var entries = new List<(string Hash, ApiPrincipal Principal)>();
            var i = 0;
            foreach (var entry in keys.EnumerateArray())
            {
                entries.Add(Entry(entry, $"keys[{i}]", source));
                i++;
            }

            var duplicate = entries.GroupBy(e => e.Hash, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw Bad(source, "keys", $"the key with sha256 {duplicate.Key} is listed {duplicate.Count()} times");
            }

            foreach (var (hash, principal) in entries)
            {
                ring.Add(hash, principal);
            }

            return entries.Count;
        }
    }

    private static (string, ApiPrincipal) Entry(JsonElement entry, string at, string source)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, at, "expected an object with account, sha256 and roles");
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (!EntryKeys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Bad(source, $"{at}.{property.Name}", $"unknown member; expected one of {string.Join(", ", EntryKeys)}");
            }
        }

        var account = Text(entry, "account", at, source);
        if (!AccountId.IsValid(account))
        {
            throw Bad(source, $"{at}.account", $"'{account}' is not a valid account id");
        }

        var hash = Text(entry, "sha256", at, source);
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
        {
            throw Bad(source, $"{at}.sha256", "expected the SHA-256 of the key as 64 hex digits (printf %s \"$KEY\" | sha256sum)");
        }

        if (!entry.TryGetProperty("roles", out var rolesNode) || rolesNode.ValueKind != JsonValueKind.Array || rolesNode.GetArrayLength() == 0)
        {
            throw Bad(source, $"{at}.roles", "expected a non-empty array of roles (operator, reporter, investor, voter)");
        }

        var roles = new HashSet<Role>();
        var r = 0;
        foreach (var role in rolesNode.EnumerateArray())
        {
            if (role.ValueKind != JsonValueKind.String || !Enum.TryParse<Role>(role.GetString(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(role.GetString()![0]))
            {
                throw Bad(source, $"{at}.roles[{r}]", $"unknown role {role}; expected operator, reporter, investor or voter");
            }

            roles.Add(parsed);
            r++;
        }

        var reporterOf = new HashSet<string>(StringComparer.Ordinal);
        if (entry.TryGetProperty("reporter_of", out var vaults))
        {
            if (!roles.Contains(Role.Reporter))
            {
                throw Bad(source, $"{at}.reporter_of", "only a key with the reporter role names vaults to report");
            }

            if (vaults.ValueKind != JsonValueKind.Array)
            {
                throw Bad(source, $"{at}.reporter_of", "expected an array of vault ids");
            }

            var v = 0;
            foreach (var vault in vaults.EnumerateArray())
            {
                if (vault.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(vault.GetString()))
                {
                    throw Bad(source, $"{at}.reporter_of[{v}]", "expected a vault id");
                }

                reporterOf.Add(vault.GetString()!);
                v++;
            }
        }

        if (roles.Contains(Role.Reporter) && reporterOf.Count == 0)
        {
            throw Bad(source, $"{at}.reporter_of", "a reporter key must name the vaults it reports (reporter_of: [\"VAULT\", ...])");
        }

        return (hash.ToLowerInvariant(), new ApiPrincipal(new AccountId(account), roles, reporterOf));
    }

    private static string Text(JsonElement entry, string name, string at, string source) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Bad(source, $"{at}.{name}", "expected a non-empty string");

    private static BallastInputException Bad(string source, string field, string message) => new(new InputLocation(source, Field: field), message);
}
