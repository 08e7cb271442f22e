using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// Puts the runs of a parallel backtest back in spec order with bounded buffering: runs that finish early wait in a
/// buffer of at most <see cref="Capacity"/> runs, and a worker whose run is further ahead than that waits before adding
/// it. Each run goes to <c>emit</c> exactly once, in index order, one at a time (a failed policy's index as null).
/// </summary>
/// <remarks>
/// Deadlock-free with <c>Backtester.RunAll</c>, which starts policies in index order: the run with the lowest
/// index not yet emitted is always within the window, so its worker never waits. An exception from <c>emit</c> is
/// kept (<see cref="ThrowIfFaulted"/>) and later runs are skipped, so the workers never stall on a broken output.
/// </remarks>
public sealed class OrderedRunSink : IRunSink
{
    private readonly Action<int, PolicyRun?> _emit;
    private readonly Dictionary<int, PolicyRun?> _buffer = [];
    private readonly object _gate = new();
    private int _next;
    private Exception? _fault;

    /// <summary>A sink that emits in index order, holding at most <paramref name="capacity"/> out-of-order runs.</summary>
    public OrderedRunSink(int capacity, Action<int, PolicyRun?> emit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(emit);
        Capacity = capacity;
        _emit = emit;
    }

    /// <summary>The most runs held back at once.</summary>
    public int Capacity { get; }

    /// <summary>The most runs that were ever held back at once (at most <see cref="Capacity"/>).</summary>
    public int MaxHeld { get; private set; }

    /// <summary>How many indices have been emitted so far (0 .. that count - 1).</summary>
    public int Emitted
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <inheritdoc/>
    public void Add(int index, PolicyRun? run)
    {
        lock (_gate)
        {
            while (index >= _next + Capacity)
            {
                Monitor.Wait(_gate);
            }

            if (index != _next)
            {
                _buffer.Add(index, run);
                MaxHeld = Math.Max(MaxHeld, _buffer.Count);
                return;
            }

            Emit(index, run);
            while (_buffer.Remove(_next, out var held))
            {
                Emit(_next, held);
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Rethrows the first exception the output raised, if any.</summary>
    public void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_fault).Throw();
        }
    }

    private void Emit(int index, PolicyRun? run)
    {
        _next = index + 1;
        if (_fault is not null)
        {
            run?.ReleaseSeries();
            return;
        }

        try
        {
            _emit(index, run);
        }
#pragma warning disable CA1031 // Kept and rethrown by ThrowIfFaulted once the backtest is over.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _fault = e;
            run?.ReleaseSeries();
        }
    }
}
