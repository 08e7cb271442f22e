using System.Net;
using Ballast.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Ballast.Service.Tests;

/// <summary>
/// The service's OpenTelemetry metrics, read through the in-memory exporter: commands counted by name and outcome,
/// their latency, the journal head, and the keeper's lag behind a NAV report. Alone (not in parallel with other
/// tests): an exporter subscribes to the meter by name, so it would also see the other services in this process.
/// </summary>
[Collection(TelemetryTests.Alone)]
public sealed class TelemetryTests
{
    /// <summary>The collection of tests run alone.</summary>
    public const string Alone = "metrics-alone";

    [Fact]
    public async Task Metrics_RecordCommandsLatencyHeadAndKeeperLag()
    {
        var exported = new List<MetricSnapshot>();
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, configure: b => b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));

        using (var applied = await h.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "t-1"))
        using (var refused = await h.PostAsync("eve", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "t-2"))
        {
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        var rounds = h.Service.Keeper!.Rounds;
        await h.ReportAllAsync(1.01, "telemetry-report");
        await h.EventuallyAsync(_ => h.Service.Keeper.Rounds > rounds, "a keeper round after the NAV reports");
        await h.SettledAsync();

        Assert.True(h.Service.App.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        var commands = Latest(exported, "ballast.commands");
        Assert.Equal(1, Sum(commands, "transfer-asset", "applied"));
        Assert.Equal(1, Sum(commands, "transfer-asset", "rejected"));
        Assert.Equal(h.Children.Count, Sum(commands, "report-nav", "applied"));
        Assert.True(Sum(commands, "create-asset", "applied") >= 1, "the set-up's commands are counted");

        var latency = Latest(exported, "ballast.command.duration");
        Assert.Equal("s", latency.Unit);
        long timed = 0;
        foreach (var point in latency.MetricPoints)
        {
            timed += point.GetHistogramCount();
            Assert.True(point.GetHistogramSum() >= 0);
        }

        long counted = 0;
        foreach (var point in commands.MetricPoints)
        {
            counted += point.GetSumLong();
        }

        Assert.True(counted == timed, $"{counted} commands counted, {timed} timed; exported: {string.Join("; ", exported.Where(m => m.Name == "ballast.command.duration").Select(m => $"{m.MetricType} {m.MetricPoints.Count} points"))}");

        var head = Latest(exported, "ballast.journal.head");
        Assert.Equal(h.Service.Writer.Head.Sequence, Assert.Single(head.MetricPoints).GetGaugeLastValueLong());

        var lag = Latest(exported, "ballast.keeper.lag");
        var lagPoint = Assert.Single(lag.MetricPoints);
        Assert.True(lagPoint.GetHistogramCount() >= 1);
        Assert.True(lagPoint.GetHistogramSum() > 0);
        Assert.Contains(exported, m => m.Name == "ballast.keeper.since_last_round");
        Assert.Contains(exported, m => m.Name == "ballast.batch.size");
        Assert.All(exported, m => Assert.Equal(ServiceMetrics.MeterName, m.MeterName));
    }

    private static MetricSnapshot Latest(List<MetricSnapshot> exported, string name) =>
        exported.LastOrDefault(m => m.Name == name) ?? throw new Xunit.Sdk.XunitException($"no metric {name}; exported: {string.Join(", ", exported.Select(m => m.Name).Distinct())}");

    private static long Sum(MetricSnapshot metric, string command, string outcome)
    {
        long sum = 0;
        foreach (var point in metric.MetricPoints)
        {
            string? c = null, o = null;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "command")
                {
                    c = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    o = tag.Value as string;
                }
            }

            if (c == command && o == outcome)
            {
                sum += point.GetSumLong();
            }
        }

        return sum;
    }
}

/// <summary>Tests that must not run beside any other (see <see cref="TelemetryTests"/>).</summary>
[CollectionDefinition(TelemetryTests.Alone, DisableParallelization = true)]
public sealed class MetricsAloneCollection;
