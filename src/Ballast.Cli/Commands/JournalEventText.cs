using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Io.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// One journal event as a person reads it: its kind (with the operation's own kind for wrapped events such as
/// <c>bank</c> or <c>simple-vault-operation</c>), and its scalar fields with amounts in asset units and the asset's
/// symbol (shares in whole shares, BANK in tokens) instead of base units. Nested lists are counted, long hashes
/// shortened, long texts (a policy's spec) left out; <c>journal show --json</c> prints the raw form. The decimals come
/// from the journal itself: feed every event through <see cref="Observe"/> in order, shown or not.
/// </summary>
internal sealed class JournalEventText
{
    // Amount fields by what they count; the rest are printed as they are.
    private static readonly HashSet<string> AssetFields = ["amount", "assets", "total_assets", "reported_assets", "nav_before", "nav_after", "flow_fees", "fixed_costs", "entry_fee", "exit_fee", "cost_budget_after", "escrowed", "fee", "costs", "paid"];
    private static readonly HashSet<string> BankFields = ["amount", "bias", "added", "proposal_threshold", "weight", "for_votes", "against_votes", "abstain_votes"];
    private static readonly HashSet<string> BankEventTypes = ["bank", "escrow", "governor", "gauge", "governance-initialized"];
    private static readonly HashSet<string> Omitted = ["at", "id", "text", "inputs_digest", "reports_seen", "slope"];

    private readonly Dictionary<string, int> _assetDecimals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Asset, int Offset)> _vaults = new(StringComparer.Ordinal);

    /// <summary>Learns assets' decimals and vaults' assets and share offsets from an event (every event, in journal order).</summary>
    public void Observe(string type, JsonElement payload)
    {
        switch (type)
        {
            case "asset-created" when payload.TryGetProperty("symbol", out var symbol) && payload.TryGetProperty("decimals", out var decimals):
                _assetDecimals[symbol.GetString()!] = decimals.GetInt32();
                break;
            case "simple-vault-created" or "composed-vault-created" when payload.TryGetProperty("vault", out var vault) && payload.TryGetProperty("spec", out var spec):
                _vaults[vault.GetString()!] = (spec.GetProperty("asset").GetString()!, spec.TryGetProperty("decimals_offset", out var offset) ? offset.GetInt32() : 6);
                break;
        }
    }

    /// <summary>The event's kind and fields, readably: <c>rebalanced  vault demo-mix, reason calendar annual, nav_before 1071101.058234 USD, …</c>.</summary>
    public (string Kind, string Fields) Describe(string type, JsonElement payload)
    {
        var kind = type;
        var body = payload;
        var wrapped = false;
        foreach (var wrapper in new[] { "operation", "command" })
        {
            if (payload.TryGetProperty(wrapper, out var inner) && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty("$type", out var innerType))
            {
                kind = $"{type} {innerType.GetString()}";
                body = inner;
                wrapped = true;
            }
        }

        var vault = payload.TryGetProperty("vault", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var symbol = payload.TryGetProperty("symbol", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var context = new Context(BankEventTypes.Contains(type), vault, symbol);
        var fields = new StringBuilder();
        if (wrapped && vault is not null)
        {
            fields.Append("vault ").Append(vault);
        }

        foreach (var field in body.EnumerateObject())
        {
            if (field.Name == "$type" || Omitted.Contains(field.Name) || Field(field.Name, field.Value, context) is not { } text)
            {
                continue;
            }

            if (fields.Length > 0)
            {
                fields.Append(", ");
            }

            fields.Append(field.Name).Append(' ').Append(text);
        }

        return (kind, fields.ToString());
    }

    private sealed record Context(bool Bank, string? Vault, string? Symbol);

    private string? Field(string name, JsonElement value, Context context) => value.ValueKind switch
    {
        JsonValueKind.String => Scalar(name, value.GetString()!, context),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => value.GetArrayLength() <= 10 && value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.String && e.GetRawText().Length <= 40)
            ? $"[{string.Join(", ", value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))}]"
            : $"({value.GetArrayLength()})",
        JsonValueKind.Object => null,
        _ => null,
    };

    private string? Scalar(string name, string text, Context context)
    {
        if (text.Length == 64 && text.All(char.IsAsciiHexDigit))
        {
            return text[..12];
        }

        if (text.Length > 80)
        {
            return null;
        }

        if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
        {
            return text;
        }

        if (context.Bank && BankFields.Contains(name))
        {
            return $"{GovernanceText.Format(units)} {(name is "bias" or "weight" or "for_votes" or "against_votes" or "abstain_votes" ? "veBANK" : "BANK")}";
        }

        var asset = context.Vault is { } vault && _vaults.TryGetValue(vault, out var held) ? held.Asset : context.Symbol ?? (_assetDecimals.Count == 1 ? _assetDecimals.Keys.Single() : null);
        if (asset is null || !_assetDecimals.TryGetValue(asset, out var decimals))
        {
            return text;
        }

        if (name == "shares" || name.EndsWith("_shares", StringComparison.Ordinal))
        {
            return context.Vault is { } shareVault && _vaults.TryGetValue(shareVault, out var spec) ? $"{SimRunner.Format(units, decimals + spec.Offset)} shares" : text;
        }

        return AssetFields.Contains(name) ? $"{SimRunner.Format(units, decimals)} {asset}" : text;
    }
}
