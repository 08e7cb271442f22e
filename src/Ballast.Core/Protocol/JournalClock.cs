using System.Globalization;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>
/// The protocol's clock rule and how its times are written: commands are decided in time order, never dated before
/// the journal's last event; times in messages are ISO 8601 UTC, as <c>--at</c> takes them and the CLI prints them.
/// </summary>
public static class JournalClock
{
    /// <summary>
    /// A time as the journal's tools write it: ISO 8601 UTC to the second (<c>2024-03-01T00:00:00Z</c>), with the
    /// fraction only when there is one (<c>2024-03-01T00:00:00.5Z</c>), so two different times never print alike.
    /// </summary>
    public static string Format(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a command is governance's (BANK, veBANK, proposals, gauges), so its refusals say so.</summary>
    public static bool IsGovernance(ProtocolCommand command) => command is InitGovernance or MintBank or TransferBank or CreateLock
        or IncreaseLockAmount or IncreaseUnlockTime or WithdrawLock or Propose or CastVote or QueueProposal or ExecuteProposal
        or CancelProposal or VoteGauge or DistributeEmission or ClaimGaugeReward;

    /// <summary>The refusal of a command dated before the journal's last event (code <see cref="Rejections.TimeRegression"/>).</summary>
    internal static Rejection TimeWentBack(ProtocolCommand command, DateTimeOffset now, DateTimeOffset last) => new(
        Rejections.TimeRegression,
        IsGovernance(command)
            ? $"governance refuses a command dated {Format(now)}: the journal's last event is at {Format(last)}, and commands are decided in time order; date it {Format(last)} or later"
            : $"time {Format(now)} is before the journal's last event at {Format(last)}; the protocol decides commands in time order, so date it {Format(last)} or later");
}
