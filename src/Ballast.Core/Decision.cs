using System.Diagnostics.CodeAnalysis;
using Ballast.Accounting;

namespace Ballast;

/// <summary>
/// The result of a pure decision: either the operation to apply (and journal), with every number computed, or the
/// <see cref="Accounting.Rejection"/> that explains why nothing happens. Deciding never changes state; only the
/// owning state's <c>Apply</c> does. Vault operations, governance records (escrow, governor, gauges, the BANK
/// token) and a governance target's records for a proposal's actions are all decided this way.
/// </summary>
/// <typeparam name="T">What an accepted decision yields: a vault operation, a governance record, or a list of records.</typeparam>
public sealed class Decision<T>
    where T : class
{
    private Decision(T? operation, Rejection? rejection)
    {
        Operation = operation;
        Rejection = rejection;
    }

    /// <summary>
    /// The accepted operation, what to apply: a vault operation, a governance record, or a target's records for a
    /// proposal's actions; null when rejected.
    /// </summary>
    public T? Operation { get; }

    /// <summary>The rejection, or null when accepted.</summary>
    public Rejection? Rejection { get; }

    /// <summary>Whether the decision accepted an operation.</summary>
    [MemberNotNullWhen(true, nameof(Operation))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Operation is not null;

    /// <summary>An accepted decision.</summary>
    /// <param name="operation">What to apply.</param>
    public static Decision<T> Accept(T operation) => new(operation ?? throw new ArgumentNullException(nameof(operation)), null);

    /// <summary>A rejected decision.</summary>
    /// <param name="rejection">Why nothing happens.</param>
    public static Decision<T> Reject(Rejection rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));

#pragma warning disable CA2225 // Accept and Reject are the named alternatives
    /// <summary>Accepts <paramref name="operation"/>.</summary>
    public static implicit operator Decision<T>(T operation) => Accept(operation);

    /// <summary>Rejects with <paramref name="rejection"/>.</summary>
    public static implicit operator Decision<T>(Rejection rejection) => Reject(rejection);
#pragma warning restore CA2225

    /// <inheritdoc />
    public override string ToString() => IsAccepted ? $"accepted {Operation}" : $"rejected {Rejection}";
}
