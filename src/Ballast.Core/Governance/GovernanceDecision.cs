using System.Diagnostics.CodeAnalysis;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The result of a pure governance decision: either the record to apply (and journal), with every number
/// computed, or the <see cref="Accounting.Rejection"/> that explains why nothing happens. Deciding never changes
/// state; only the owning state's <c>Apply</c> does.
/// </summary>
public sealed class GovernanceDecision<TRecord>
    where TRecord : class
{
    private GovernanceDecision(TRecord? record, Rejection? rejection)
    {
        Record = record;
        Rejection = rejection;
    }

    /// <summary>The accepted record, or null when rejected.</summary>
    public TRecord? Record { get; }

    /// <summary>The rejection, or null when accepted.</summary>
    public Rejection? Rejection { get; }

    /// <summary>Whether the decision accepted a record.</summary>
    [MemberNotNullWhen(true, nameof(Record))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Record is not null;

    /// <summary>An accepted decision.</summary>
    public static GovernanceDecision<TRecord> Accept(TRecord record) => new(record ?? throw new ArgumentNullException(nameof(record)), null);

    /// <summary>A rejected decision.</summary>
    public static GovernanceDecision<TRecord> Reject(Rejection rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));

#pragma warning disable CA2225 // Accept and Reject are the named alternatives
    /// <summary>Accepts <paramref name="record"/>.</summary>
    public static implicit operator GovernanceDecision<TRecord>(TRecord record) => Accept(record);

    /// <summary>Rejects with <paramref name="rejection"/>.</summary>
    public static implicit operator GovernanceDecision<TRecord>(Rejection rejection) => Reject(rejection);
#pragma warning restore CA2225

    /// <inheritdoc />
    public override string ToString() => IsAccepted ? $"accepted {Record}" : $"rejected {Rejection}";
}
