using Ballast.Io.Reports;

namespace Ballast.Io.Tests.Reports;

public sealed class OrderedRunSinkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void Runs_finishing_in_any_order_are_emitted_in_index_order_holding_at_most_the_capacity(int capacity)
    {
        // Four workers take indices in order (as Backtester.RunAll does with a sink) and finish after random delays.
        const int Count = 400;
        var emitted = new List<int>();
        var sink = new OrderedRunSink(capacity, (index, run) =>
        {
            Assert.Null(run);
            emitted.Add(index);
        });
        var next = -1;
        var workers = Enumerable.Range(0, 4).Select(w => new Thread(() =>
        {
            var random = new Random(w);
            for (var i = Interlocked.Increment(ref next); i < Count; i = Interlocked.Increment(ref next))
            {
                Thread.SpinWait(random.Next(0, 20_000));
                sink.Add(i, null);
            }
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromMinutes(2)), "a worker never finished: the sink deadlocked");
        }

        Assert.Equal(Enumerable.Range(0, Count), emitted);
        Assert.InRange(sink.MaxHeld, 0, capacity);
        Assert.Equal(Count, sink.Emitted);
    }

    [Fact]
    public void An_output_failure_is_kept_and_later_runs_still_pass_through()
    {
        var emitted = new List<int>();
        var sink = new OrderedRunSink(2, (index, _) =>
        {
            emitted.Add(index);
            if (index == 1)
            {
                throw new IOException("disk full");
            }
        });
        for (var i = 0; i < 5; i++)
        {
            sink.Add(i, null);
        }

        Assert.Equal([0, 1], emitted);
        Assert.Equal(5, sink.Emitted);
        Assert.Equal("disk full", Assert.Throws<IOException>(sink.ThrowIfFaulted).Message);
    }
}
