using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// Writes a backtest's output directory as the backtest runs (an <see cref="IRunSink"/>): each policy's run, put back
/// in spec order with bounded buffering (<see cref="OrderedRunSink"/>), has its curves written (<see cref="CurveFiles"/>)
/// and its series released unless it is among the runs kept for the report and the best-K curves. Everything goes to a
/// staging directory beside the target, moved into place by <see cref="Complete"/>; disposing without completing
/// (a failed or cancelled run) deletes it, so a failure leaves nothing half-written.
/// </summary>
public sealed class ResultDirectoryWriter : IRunSink, IDisposable
{
    /// <summary>The most finished runs held back waiting for an earlier policy.</summary>
    public const int OrderCapacity = 64;

    private readonly OutputRequest _request;
    private readonly BacktestPlan _plan;
    private readonly string _target;
    private readonly string _staging;
    private readonly CurveFiles? _curves;
    private readonly OrderedRunSink _ordered;
    private readonly CurveSelection _selection;
    private readonly bool _keepAll;
    private readonly int _best;
    private readonly SortedSet<(double Score, int Index)> _ranking = new(Comparer<(double Score, int Index)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index)));
    private readonly Dictionary<int, PolicyRun> _retained = [];
    private bool _completed;

    /// <summary>Starts writing <paramref name="request"/>'s directory for the backtest <paramref name="plan"/> describes.</summary>
    /// <param name="request">The directory, files, formats and curves.</param>
    /// <param name="plan">The window and the policies (baseline included), from <see cref="BacktestJob"/>.</param>
    /// <param name="assets">Every series of the spec, in order (the columns of weights.csv).</param>
    /// <param name="orderCapacity">The most finished runs held back waiting for an earlier policy.</param>
    /// <param name="keepAllSeries">Keep every run's series to the end (statistics over every policy need them: memory then grows with the policy count).</param>
    public ResultDirectoryWriter(OutputRequest request, BacktestPlan plan, IReadOnlyList<string> assets, int orderCapacity = OrderCapacity, bool keepAllSeries = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(assets);
        _request = request;
        _plan = plan;
        var count = plan.Policies.Count;
        _selection = request.Curves ?? CurveSelection.Default(count);
        _keepAll = keepAllSeries || count <= CurveSelection.AllUpTo;
        _best = _selection.Best ?? CurveSelection.DefaultBest;
        _target = Guard(() => ResolveLinks(Path.GetFullPath(request.Directory)));
        _staging = StaleStaging.For(_target, Environment.ProcessId);
        Guard(() =>
        {
            StaleStaging.Remove(_target);
            if (Directory.Exists(_staging))
            {
                Directory.Delete(_staging, recursive: true);
            }

            Directory.CreateDirectory(_staging);
        });
        if (request.NeedsRecording && (request.Has(OutputFiles.Equity) || request.Has(OutputFiles.Weights) || request.Has(OutputFiles.Trades)))
        {
            _curves = Guard(() => new CurveFiles(_staging, request, plan.Table, assets));
        }

        _ordered = new OrderedRunSink(orderCapacity, Emit);
    }

    /// <summary>The output directory as the user named it.</summary>
    public string OutputDirectory => _request.Directory;

    /// <summary>Whose curves are written.</summary>
    public CurveSelection Curves => _selection;

    /// <summary>The most finished runs ever held back for ordering (at most the order capacity).</summary>
    public int MaxHeldForOrder => _ordered.MaxHeld;

    /// <summary>The most runs whose series were kept at once (for the report and the best-K curves).</summary>
    public int MaxRetained { get; private set; }

    /// <inheritdoc/>
    public void Add(int index, PolicyRun? run) => _ordered.Add(index, run);

    /// <summary>
    /// Writes metrics.json, the best-K curves and report.html, then moves the files into the target directory (which is
    /// created; result files of an earlier run there are replaced as a set: those this request does not write are
    /// removed). Returns the names of the files written.
    /// </summary>
    /// <param name="outcome">The backtest whose runs were added.</param>
    /// <param name="analysis">Its statistics (docs/statistics.md), written into metrics.json and, when the report shows every run, the report.</param>
    public IReadOnlyList<string> Complete(BacktestOutcome outcome, BacktestAnalysis? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _ordered.ThrowIfFaulted();
        Guard(() =>
        {
            if (_curves is not null)
            {
                if (_selection.Best is not null)
                {
                    foreach (var index in BestIndices())
                    {
                        _curves.Add(_retained[index]);
                    }
                }

                _curves.Finish();
            }

            if (_request.Has(OutputFiles.Metrics))
            {
                WriteFile("metrics.json", stream => ResultFiles.WriteMetricsJson(outcome, stream, analysis));
            }

            if (_request.Has(OutputFiles.Report))
            {
                // The analysis is indexed by the whole outcome's runs: the report shows it when it shows every run.
                var shown = ReportOutcome(outcome);
                var report = HtmlReport.Render(shown, Report with { Analysis = ReferenceEquals(shown, outcome) ? analysis : null, Whole = new ReportRun(outcome, analysis) });
                WriteFile("report.html", stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(report)));
            }

            Commit();
        });
        _completed = true;
        return _request.FileNames();
    }

    /// <summary>What the report ranks by and shows (<c>--by</c>, <c>--top</c>, <c>--heatmap</c>).</summary>
    public HtmlReportOptions Report { get; init; } = new();

    /// <summary>Deletes the staging directory unless the output was completed.</summary>
    public void Dispose()
    {
        _curves?.Dispose();
        if (!_completed && Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }

    private void Emit(int index, PolicyRun? run)
    {
        if (run is null)
        {
            return;
        }

        if (_curves is not null && _selection.Best is null)
        {
            _curves.Add(run);
        }

        var keep = _keepAll || index == _plan.BaselineIndex;
        if (index != _plan.BaselineIndex)
        {
            var score = run.Metrics.Sharpe is { } s && double.IsFinite(s) ? s : double.NegativeInfinity;
            _ranking.Add((score, index));
            keep |= _ranking.Count <= _best || _ranking.Max.Index != index;
            if (_ranking.Count > _best)
            {
                var worst = _ranking.Max;
                _ranking.Remove(worst);
                if (!_keepAll && _retained.Remove(worst.Index, out var dropped))
                {
                    dropped.ReleaseSeries();
                }
            }
        }

        if (keep)
        {
            _retained[index] = run;
            MaxRetained = Math.Max(MaxRetained, _retained.Count);
        }
        else
        {
            run.ReleaseSeries();
        }
    }

    /// <summary>The best-K policies by Sharpe and the baseline, in spec order.</summary>
    private IEnumerable<int> BestIndices() =>
        _ranking.Select(r => r.Index).Append(_plan.BaselineIndex).Where(i => i >= 0 && _retained.ContainsKey(i)).Distinct().Order();

    /// <summary>
    /// The outcome the report shows: the whole outcome when every run kept its series (at most
    /// <see cref="CurveSelection.AllUpTo"/> policies), otherwise the best-K policies and the baseline.
    /// </summary>
    private BacktestOutcome ReportOutcome(BacktestOutcome outcome)
    {
        if (_keepAll)
        {
            return outcome;
        }

        var indices = BestIndices().ToArray();
        var runs = indices.Select(i => outcome.Runs[i]).ToArray();
        // Twins and named baselines index the whole outcome's runs; the report's subset does not carry them.
        return outcome with { Runs = runs, BaselineIndex = Array.IndexOf(indices, outcome.BaselineIndex), Twins = [], Baselines = [] };
    }

    private void WriteFile(string name, Action<Stream> write)
    {
        using var stream = new FileStream(Path.Combine(_staging, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Moves the staged set into place. A new target is the staging directory renamed. An existing target is replaced
    /// whole, never file by file: the other files in it (not result files) are first copied into the staging
    /// directory, then the target is renamed aside to <c>.NAME.previous-PID</c>, the staging
    /// directory renamed onto it, and the previous one deleted. A run killed at any point leaves the old directory, the
    /// new one, or (between the two renames) none, with the old content in <c>.NAME.previous-PID</c>; never a mix.
    /// </summary>
    private void Commit()
    {
        if (!Directory.Exists(_target))
        {
            Directory.Move(_staging, _target);
            return;
        }

        var results = new HashSet<string>(OutputRequest.AllFileNames, StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(_target).EnumerateFileSystemInfos())
        {
            if (!results.Contains(entry.Name))
            {
                StaleStaging.Carry(entry, Path.Combine(_staging, entry.Name));
            }
        }

        var previous = StaleStaging.PreviousFor(_target, Environment.ProcessId);
        Directory.Move(_target, previous);
        Directory.Move(_staging, _target);
        Directory.Delete(previous, recursive: true);
    }

    /// <summary>
    /// The directory the results go into: <paramref name="target"/>, or where it leads when it is a symbolic link (to a
    /// directory, or dangling: the results then create the directory it names). Without this the commit's renames would
    /// move the link itself, leaving a plain directory in its place and the linked directory untouched.
    /// </summary>
    private static string ResolveLinks(string target)
    {
        var trimmed = target.Length > 1 ? target.TrimEnd(Path.DirectorySeparatorChar) : target;
        var info = new DirectoryInfo(trimmed);
        return info.LinkTarget is null ? trimmed : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? trimmed;
    }

    private void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BallastInputException(new InputLocation(_request.Directory, Field: "--out"), $"cannot write the results there: {e.Message}");
        }
    }
}
