using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// What a proposal's actions act on (the vault protocol, gauges, a fake in tests). The governor calls
/// <see cref="DecideActions"/> once per execution with the proposal's whole action list; the target decides them in
/// order against a scratch copy of its state (each action sees the effects of the ones before), changes nothing, and
/// returns every record to apply, or the first refusal (a <see cref="Rejection"/> whose
/// <see cref="Rejection.ActionIndex"/> says which action was refused). <see cref="ChangeGovernanceParameters"/> actions belong to
/// the governor: a target accepts them and returns no record for them.
/// </summary>
/// <typeparam name="TRecord">The target's own record type (e.g. protocol events).</typeparam>
public interface IGovernanceTarget<TRecord>
{
    /// <summary>All the records the actions produce, in order, or why the first refused action was refused (with its <see cref="Rejection.ActionIndex"/>).</summary>
    Decision<IReadOnlyList<TRecord>> DecideActions(IReadOnlyList<GovernanceAction> actions, long now);
}

/// <summary>An accepted execution: the governor's record and the target's records, to journal and apply together.</summary>
/// <typeparam name="TRecord">The target's own record type.</typeparam>
/// <param name="Executed">The governor's record of the execution.</param>
/// <param name="TargetRecords">The target's records for the proposal's actions, in order.</param>
public sealed record ProposalExecution<TRecord>(ProposalExecuted Executed, IReadOnlyList<TRecord> TargetRecords);
