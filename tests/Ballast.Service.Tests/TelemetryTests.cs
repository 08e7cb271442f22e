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

        // The keeper may still be committing (its timer on the fake clock fired too): the gauge is read between these two heads.
        var headBefore = h.Service.Writer.Head.Sequence;
        Assert.True(h.Service.App.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        var headAfter = h.Service.Writer.Head.Sequence;
        var commands = Latest(exported, "ballast.commands");
        Assert.Equal(1, Sum(commands, "transfer-asset", "applied"));
        Assert.Equal(1, Sum(commands, "transfer-asset", "rejected"));
        Assert.Equal(h.Children.Count, Sum(commands, "report-nav", "applied"));
        Assert.True(Sum(commands, "create-asset", "applied") >= 1, "the set-up's commands are counted");

        var latency = Latest(exported, "ballast.command.duration");
        Assert.Equal("s", latency.Unit);
        Assert.Equal(1, Sum(latency, "transfer-asset", "applied", p => p.GetHistogramCount()));
        Assert.Equal(1, Sum(latency, "transfer-asset", "rejected", p => p.GetHistogramCount()));
        Assert.Equal(h.Children.Count, Sum(latency, "report-nav", "applied", p => p.GetHistogramCount()));
        foreach (var point in latency.MetricPoints)
        {
            Assert.True(point.GetHistogramSum() >= 0);
        }

        var head = Latest(exported, "ballast.journal.head");
        var observed = Assert.Single(head.MetricPoints).GetGaugeLastValueLong();
        Assert.InRange(observed, headBefore, headAfter);

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

    private static long Sum(MetricSnapshot metric, string command, string outcome) => Sum(metric, command, outcome, p => p.GetSumLong());

    private static long Sum(MetricSnapshot metric, string command, string outcome, Func<MetricPoint, long> value)
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
                sum += value(point);
            }
        }

        return sum;
    }
}

/// <summary>Tests that must not run beside any other (see <see cref="TelemetryTests"/>).</summary>
[CollectionDefinition(TelemetryTests.Alone, DisableParallelization = true)]
public sealed class MetricsAloneCollection;
