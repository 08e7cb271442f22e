namespace Ballast.Accounting;

/// <summary>
/// Why a decision refused an operation: a stable machine-readable <paramref name="Code"/> (see
/// <see cref="Rejections"/>) and a human message. A rejection never changes state.
/// </summary>
public sealed record Rejection(string Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}
