using Ballast.Io;

namespace Ballast.Cli.Commands;

/// <summary>
/// Shows progress on stderr for work longer than a second, only when stderr is a terminal (<see cref="CliIo.Interactive"/>:
/// <c>Console.IsErrorRedirected</c> in <c>Main</c>, set by tests); nothing at all otherwise, so a redirected stderr
/// gets no carriage returns. The counter's timer runs on <see cref="CliIo.Clock"/>.
/// </summary>
internal static class Progress
{
    /// <summary>Runs synchronous work (it completes before this returns).</summary>
    public static T Run<T>(CliIo io, int total, Func<IProgress<int>, T> work) =>
        RunAsync(io, total, progress => Task.FromResult(work(progress))).GetAwaiter().GetResult();

    /// <summary>
    /// Runs the work with a counter "LABEL: done/total UNIT" (by default "backtesting: done/total runs");
    /// <paramref name="total"/> is the first estimate, replaced by the job's own count when it plans its runs
    /// (<see cref="IRunCountProgress"/>: the twins and baselines included).
    /// </summary>
    public static async Task<T> RunAsync<T>(CliIo io, int total, Func<IProgress<int>, Task<T>> work, string label = "backtesting", string unit = "runs")
    {
        var reporter = new Reporter(total);
        if (!io.Interactive)
        {
            return await work(reporter);
        }

        var shown = false;
        using var timer = io.Clock.CreateTimer(
            _ =>
            {
                shown = true;
                io.Error.Write($"\r{label}: {Count(reporter.Done, reporter.Total)} {unit}");
                io.Error.Flush();
            },
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromMilliseconds(250));
        var result = await work(reporter);
        timer.Dispose();
        if (shown)
        {
            io.Error.WriteLine($"\r{label}: {Count(reporter.Total > 0 ? reporter.Total : reporter.Done, reporter.Total)} {unit}");
        }

        return result;
    }

    private static string Count(int done, int total) => total > 0 ? $"{done}/{total}" : done.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The events of <paramref name="events"/>, each counted into <paramref name="progress"/> as it passes.</summary>
    public static async IAsyncEnumerable<T> Counted<T>(IAsyncEnumerable<T> events, IProgress<int> progress, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var count = 0;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            progress.Report(++count);
            yield return e;
        }
    }

    /// <summary>The counter the timer reads: work done and the total planned.</summary>
    internal sealed class Reporter(int total) : IRunCountProgress
    {
        private int _done;
        private int _total = total;

        public int Done => Volatile.Read(ref _done);

        public int Total => Volatile.Read(ref _total);

        public void Report(int value) => Volatile.Write(ref _done, value);

        public void Planned(int runs) => Volatile.Write(ref _total, runs);
    }
}
