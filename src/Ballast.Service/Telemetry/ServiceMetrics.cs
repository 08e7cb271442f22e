using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ballast.Service.Telemetry;

/// <summary>
/// The service's metrics, on the <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/>:
/// commands decided (a counter by command name and outcome), command latency (a histogram, seconds, from queueing
/// to the outcome, commit included), batch size (commands per group commit), keeper lag (a histogram, seconds, from
/// the first NAV report applied after a keeper round to the end of the next round), the journal head and the time
/// since the keeper's last round (observable gauges). Exported by OpenTelemetry when an exporter is configured
/// (<see cref="TelemetrySetup"/>); recording costs next to nothing when nobody listens.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>The meter's name (what an OpenTelemetry exporter subscribes to).</summary>
    public const string MeterName = "Ballast.Service";

    private readonly Meter _meter;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _latency;
    private readonly Histogram<long> _batch;
    private readonly Histogram<double> _keeperLag;

    /// <summary>The instruments on a meter from <paramref name="meters"/> (the host's), or on a meter of their own when null.</summary>
    public ServiceMetrics(IMeterFactory? meters)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _commands = _meter.CreateCounter<long>("ballast.commands", "{command}", "Commands decided, by command name and outcome (applied, replayed, unchanged, rejected, key-reused, failed, stopping).");
        _latency = _meter.CreateHistogram<double>("ballast.command.duration", "s", "Time from a command's queueing to its outcome (the group commit included).");
        _batch = _meter.CreateHistogram<long>("ballast.batch.size", "{command}", "Commands decided in one batch (one transaction: group commit).");
        _keeperLag = _meter.CreateHistogram<double>("ballast.keeper.lag", "s", "Time from the first NAV report applied after a keeper round to the end of the keeper's next round.");
    }

    /// <summary>Records one decided command: its journal name, outcome and latency from <paramref name="queuedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void CommandDecided(string command, string outcome, long queuedAt)
    {
        var tags = new TagList { { "command", command }, { "outcome", outcome } };
        _commands.Add(1, tags);
        if (_latency.Enabled)
        {
            _latency.Record(Stopwatch.GetElapsedTime(queuedAt).TotalSeconds, tags);
        }
    }

    /// <summary>Records the size of one batch.</summary>
    public void BatchDecided(int commands) => _batch.Record(commands);

    /// <summary>Records the keeper's lag behind a NAV report (<paramref name="reportedAt"/> is a <see cref="Stopwatch"/> timestamp).</summary>
    public void KeeperCaughtUp(long reportedAt) => _keeperLag.Record(Stopwatch.GetElapsedTime(reportedAt).TotalSeconds);

    /// <summary>Publishes the journal head (the last committed sequence) as the gauge <c>ballast.journal.head</c>.</summary>
    public void ObserveJournalHead(Func<long> head) =>
        _meter.CreateObservableGauge("ballast.journal.head", head, "{event}", "The sequence of the last event committed to the journal.");

    /// <summary>Publishes the time since the keeper's last round as the gauge <c>ballast.keeper.since_last_round</c>.</summary>
    public void ObserveKeeper(Func<double> secondsSinceLastRound) =>
        _meter.CreateObservableGauge("ballast.keeper.since_last_round", secondsSinceLastRound, "s", "Seconds (real time) since the keeper's last round ended (since start before the first).");
}
