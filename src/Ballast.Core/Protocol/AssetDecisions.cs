using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Protocol;

/// <summary>
/// The assets-and-wallets aggregate: creating an asset, issuing it, transferring it between wallets, and the rule
/// that system accounts (<c>vault:</c>, <c>escrow:</c>, <c>gauge:</c>) move only by the protocol's own events.
/// </summary>
internal static class AssetDecisions
{
    /// <summary>Whether <paramref name="account"/> is one the protocol itself holds.</summary>
    internal static bool IsSystemAccount(AccountId account) =>
        account.Value is { } v && (v.StartsWith(VaultId.AccountPrefix, StringComparison.Ordinal) || v.StartsWith("escrow:", StringComparison.Ordinal) || v.StartsWith(GaugeId.AccountPrefix, StringComparison.Ordinal));

    /// <summary>
    /// System accounts (a composed vault's idle cash, the veBANK escrow, gauge reward pools) move only by the
    /// protocol's own events: nobody acts as them or sends them anything. The refusal, or null.
    /// </summary>
    internal static CommandOutcome? ReservedAccount(ProtocolCommand command)
    {
        var recipient = command switch
        {
            IssueAsset c => c.To,
            TransferAsset c => c.To,
            MintBank c => c.To,
            TransferBank c => c.To,
            _ => (AccountId?)null,
        };
        if (IsSystemAccount(command.Actor) || (recipient is { } to && IsSystemAccount(to)))
        {
            return CommandOutcome.Reject(AssetRejections.ReservedAccount, $"{(IsSystemAccount(command.Actor) ? command.Actor : recipient)} is a system account (vault:, escrow:, gauge:); it cannot act or be sent to directly");
        }

        return null;
    }

    /// <summary>Decides <see cref="CreateAsset"/>, <see cref="IssueAsset"/> and <see cref="TransferAsset"/>.</summary>
    internal static CommandOutcome Decide(ProtocolState state, ProtocolCommand command) => command switch
    {
        CreateAsset c => DecideCreate(state, c),
        IssueAsset c => DecideIssue(state, c),
        TransferAsset c => DecideTransfer(state, c),
        _ => throw new ArgumentException($"no asset rule decides {command.GetType().Name}", nameof(command)),
    };

    /// <summary>Applies <see cref="AssetCreated"/>, <see cref="AssetIssued"/> and <see cref="AssetTransferred"/>.</summary>
    internal static void Apply(ProtocolState state, ProtocolEvent e)
    {
        switch (e)
        {
            case AssetCreated a:
                state.AssetsMutable.Add(a.Symbol, (new Asset(a.Symbol, a.Decimals), a.Issuer));
                break;
            case AssetIssued i:
                state.IssuedMutable[i.Symbol] = checked(state.Issued.GetValueOrDefault(i.Symbol) + i.Amount);
                state.Credit(i.Symbol, i.To, i.Amount);
                break;
            case AssetTransferred t:
                state.Debit(t.Symbol, t.From, t.Amount);
                state.Credit(t.Symbol, t.To, t.Amount);
                break;
            default:
                throw new ArgumentException($"no asset rule applies {e.GetType().Name}", nameof(e));
        }
    }

    private static CommandOutcome DecideCreate(ProtocolState state, CreateAsset c)
    {
        if (!AssetSymbol.IsValid(c.Symbol.Value))
        {
            return CommandOutcome.Reject(AssetRejections.InvalidSymbol, AssetSymbol.Problem(c.Symbol.Value));
        }

        if (c.Decimals is < 0 or > Asset.MaxDecimals)
        {
            return CommandOutcome.Reject(AssetRejections.InvalidDecimals, $"decimals must be 0..{Asset.MaxDecimals}, got {c.Decimals}");
        }

        return state.Assets.ContainsKey(c.Symbol)
            ? CommandOutcome.Reject(AssetRejections.AssetExists, $"asset '{c.Symbol}' already exists")
            : CommandOutcome.Of(new AssetCreated(c.Symbol, c.Decimals, c.Actor));
    }

    private static CommandOutcome DecideIssue(ProtocolState state, IssueAsset c)
    {
        if (!state.Assets.TryGetValue(c.Symbol, out var asset))
        {
            return UnknownAsset(c.Symbol);
        }

        if (asset.Issuer != c.Actor)
        {
            return CommandOutcome.Reject(AssetRejections.NotIssuer, $"{c.Actor} is not the issuer of {c.Symbol}");
        }

        if (c.Amount == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the amount must be more than zero");
        }

        // The issued total stays within UInt128, so no wallet or sum of wallets of issued units can overflow.
        var issued = state.Issued.GetValueOrDefault(c.Symbol);
        return c.Amount > UInt128.MaxValue - issued
            ? CommandOutcome.Reject(ProtocolRejections.Supply(c.Symbol, issued, c.Amount))
            : CommandOutcome.Of(new AssetIssued(c.Symbol, c.To, c.Amount));
    }

    private static CommandOutcome DecideTransfer(ProtocolState state, TransferAsset c)
    {
        if (!state.Assets.ContainsKey(c.Symbol))
        {
            return UnknownAsset(c.Symbol);
        }

        if (c.Amount == 0)
        {
            return CommandOutcome.Reject(Rejections.ZeroAmount, "the amount must be more than zero");
        }

        var have = state.Balance(c.Symbol, c.Actor);
        return have < c.Amount
            ? CommandOutcome.Reject(ProtocolRejections.InsufficientBalance, $"{c.Actor} holds {ProtocolEngine.Text(have)} {c.Symbol}, not {ProtocolEngine.Text(c.Amount)}")
            : CommandOutcome.Of(new AssetTransferred(c.Symbol, c.Actor, c.To, c.Amount));
    }

    /// <summary>The refusal of a command that names an asset nobody created.</summary>
    internal static CommandOutcome UnknownAsset(AssetSymbol symbol) => CommandOutcome.Reject(AssetRejections.UnknownAsset, $"no asset '{symbol}'");
}

/// <summary>Rejection codes of the assets-and-wallets rules (the codes are journaled and tested: never change them).</summary>
public static class AssetRejections
{
    /// <summary>A command acts as, or sends to, a system account (<c>vault:</c>, <c>escrow:</c>, <c>gauge:</c>).</summary>
    public const string ReservedAccount = "reserved-account";

    /// <summary>The asset symbol is missing (a default <see cref="AssetSymbol"/>, e.g. a JSON body without one) or not valid.</summary>
    public const string InvalidSymbol = "invalid-symbol";

    /// <summary>The decimals are out of 0..<see cref="Asset.MaxDecimals"/>.</summary>
    public const string InvalidDecimals = "invalid-decimals";

    /// <summary>An asset with this symbol exists already.</summary>
    public const string AssetExists = "asset-exists";

    /// <summary>No asset has this symbol.</summary>
    public const string UnknownAsset = "unknown-asset";

    /// <summary>Only an asset's issuer issues it.</summary>
    public const string NotIssuer = "not-issuer";
}
