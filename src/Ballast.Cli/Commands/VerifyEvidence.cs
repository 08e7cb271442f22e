using Ballast.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// What <c>verify --data</c> says about evidence claims that were journaled <c>data-unknown</c> and that this run
/// re-ran on the data it was given: each one that holds, and each one that does not (a failure, naming the proposal,
/// the action and every differing field).
/// </summary>
internal static class VerifyEvidence
{
    /// <summary>
    /// Prints the re-run claims (those that hold to <paramref name="verified"/>: standard output, or standard error
    /// when standard output carries JSON); false when one of them does not hold (verification fails).
    /// </summary>
    public static bool Report(CliIo io, ReplayReport report, TextWriter verified)
    {
        var holds = true;
        foreach (var claim in report.FalseClaims)
        {
            io.Error.WriteLine($"verification FAILED: the evidence of proposal {claim.ProposalId} action {claim.ActionIndex + 1}, journaled data-unknown, does not hold on the data given: {string.Join("; ", claim.Mismatches.Select(m => $"{m.Field} claimed {m.Claimed ?? "(absent)"}, re-run gives {m.Recomputed ?? "(absent)"}"))}");
            holds = false;
        }

        if (!holds)
        {
            io.Error.WriteLine($"({report.EventsChecked} events checked; the journal itself is consistent: it records that the claim was not re-run when proposed)");
            return false;
        }

        foreach (var claim in report.EvidenceRerun)
        {
            verified.WriteLine($"evidence of proposal {claim.ProposalId} action {claim.ActionIndex + 1}, journaled data-unknown, re-run on the data given: verified");
        }

        return true;
    }
}
