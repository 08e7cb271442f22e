using Ballast.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// The journal's clock as a writing <c>gov</c> command meets it: commands are decided in time order, so a command
/// dated by the system clock on a journal that lives in the past (a simulation's years) would move the journal's time
/// to today for good. Such a step of more than a day is refused unless asked for (<c>--at</c> or <c>--now</c>), and a
/// refusal for time order says where the journal's time is and how to continue.
/// </summary>
internal static class JournalTimeGuard
{
    /// <summary>The largest step forward a command dated by the system clock may take without <c>--now</c>.</summary>
    public static readonly TimeSpan MaxImplicitStep = TimeSpan.FromDays(1);

    /// <summary>Refuses (bad input) a system-clock time more than <see cref="MaxImplicitStep"/> after the journal's last event.</summary>
    public static void CheckSystemClockStep(DateTimeOffset? lastEvent, DateTimeOffset now)
    {
        if (lastEvent is { } last && now - last > MaxImplicitStep)
        {
            throw new BallastInputException(
                $"without --at this command would be dated now ({JournalClock.Format(now)}), {Days(now - last)} after the journal's last event ({JournalClock.Format(last)}), " +
                $"and afterwards no command could be dated earlier; pass --at TIME to act in the journal's own time (e.g. --at {JournalClock.Format(last)}), or --now to date it now");
        }
    }

    /// <summary>The line after a time-order refusal: the journal's time and the options that continue from it.</summary>
    public static string HowToContinue(DateTimeOffset lastEvent, bool usedSystemClock) =>
        $"note: the journal's time is its last event, {JournalClock.Format(lastEvent)}; continue with --at {JournalClock.Format(lastEvent)} or later{(usedSystemClock ? " (this command had no --at, so it was dated by the system clock)" : string.Empty)}";

    private static string Days(TimeSpan span) => span.TotalDays >= 2 ? $"{(long)span.TotalDays} days" : $"{span.TotalHours:0} hours";
}
