using System.Diagnostics.CodeAnalysis;

namespace Ballast.Accounting;

/// <summary>
/// The result of a pure decision: either the operation to apply (and journal) or the rejection that explains why
/// nothing happens. Deciding never changes state; only <see cref="Vault.Apply(VaultOperation)"/> does.
/// </summary>
public sealed class Decision<TOperation>
    where TOperation : VaultOperation
{
    private Decision(TOperation? operation, Rejection? rejection)
    {
        Operation = operation;
        Rejection = rejection;
    }

    /// <summary>The accepted operation, or null when rejected.</summary>
    public TOperation? Operation { get; }

    /// <summary>The rejection, or null when accepted.</summary>
    public Rejection? Rejection { get; }

    /// <summary>Whether the decision accepted an operation.</summary>
    [MemberNotNullWhen(true, nameof(Operation))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Operation is not null;

    /// <summary>An accepted decision.</summary>
    public static Decision<TOperation> Accept(TOperation operation) => new(operation ?? throw new ArgumentNullException(nameof(operation)), null);

    /// <summary>A rejected decision.</summary>
    public static Decision<TOperation> Reject(Rejection rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));

#pragma warning disable CA2225 // Accept and Reject are the named alternatives
    /// <summary>Accepts <paramref name="operation"/>.</summary>
    public static implicit operator Decision<TOperation>(TOperation operation) => Accept(operation);

    /// <summary>Rejects with <paramref name="rejection"/>.</summary>
    public static implicit operator Decision<TOperation>(Rejection rejection) => Reject(rejection);
#pragma warning restore CA2225

    /// <inheritdoc />
    public override string ToString() => IsAccepted ? $"accepted {Operation}" : $"rejected {Rejection}";
}
