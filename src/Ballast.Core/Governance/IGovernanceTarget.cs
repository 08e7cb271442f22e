using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// What a proposal's actions act on (the vault protocol, gauges, a fake in tests). The governor calls
/// <see cref="DecideActions"/> once per execution with the proposal's whole action list; the target decides them in
/// order against a scratch copy of its state (each action sees the effects of the ones before), changes nothing, and
/// returns every record to apply, or the first refusal. <see cref="ChangeGovernanceParameters"/> actions belong to
/// the governor: a target accepts them and returns no record for them.
/// </summary>
/// <typeparam name="TRecord">The target's own record type (e.g. protocol events).</typeparam>
public interface IGovernanceTarget<TRecord>
{
    /// <summary>All the records the actions produce, in order, or the index of the first refused action and why.</summary>
    ActionsDecision<TRecord> DecideActions(IReadOnlyList<GovernanceAction> actions, long now);
}

/// <summary>A target's answer: <see cref="Records"/> when every action is accepted, else <see cref="RefusedIndex"/> and <see cref="Rejection"/>.</summary>
/// <typeparam name="TRecord">The target's own record type.</typeparam>
/// <param name="Records">Every record the actions produce, in order; empty when one was refused.</param>
/// <param name="RefusedIndex">The 0-based index of the first refused action, or -1 when all were accepted.</param>
/// <param name="Rejection">Why that action was refused; null when all were accepted.</param>
public sealed record ActionsDecision<TRecord>(IReadOnlyList<TRecord> Records, int RefusedIndex, Rejection? Rejection)
{
    /// <summary>Every action accepted, producing <paramref name="records"/>.</summary>
    public static ActionsDecision<TRecord> Accept(IReadOnlyList<TRecord> records) => new(records, -1, null);

    /// <summary>Action <paramref name="index"/> refused.</summary>
    public static ActionsDecision<TRecord> Refuse(int index, Rejection rejection) => new([], index, rejection);
}

/// <summary>An accepted execution: the governor's record and the target's records, to journal and apply together.</summary>
/// <typeparam name="TRecord">The target's own record type.</typeparam>
/// <param name="Executed">The governor's record of the execution.</param>
/// <param name="TargetRecords">The target's records for the proposal's actions, in order.</param>
public sealed record ProposalExecution<TRecord>(ProposalExecuted Executed, IReadOnlyList<TRecord> TargetRecords);
