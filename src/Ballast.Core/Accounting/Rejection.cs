namespace Ballast.Accounting;

/// <summary>
/// Why a decision refused an operation: a stable machine-readable <paramref name="Code"/> (see
/// <see cref="Rejections"/>) and a human message. A rejection never changes state.
/// </summary>
/// <param name="Code">The stable kebab-case code, e.g. "vault-paused".</param>
/// <param name="Message">The human-readable reason, with the figures involved; its wording may change.</param>
public sealed record Rejection(string Code, string Message)
{
    /// <summary>
    /// When several actions are decided together and one is refused (a proposal's actions, see
    /// <c>IGovernanceTarget</c>), the 0-based index of that action; null for a rejection of a single operation.
    /// </summary>
    public int? ActionIndex { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}
