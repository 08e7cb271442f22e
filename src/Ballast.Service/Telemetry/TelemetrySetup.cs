using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Ballast.Service.Telemetry;

/// <summary>
/// Wires the service's metrics (<see cref="ServiceMetrics"/>) into OpenTelemetry. The exporter is chosen by the
/// configuration key <c>Ballast:Metrics:Exporter</c> (environment variable <c>Ballast__Metrics__Exporter</c>):
/// <c>none</c> (the default: the meter is still there for <c>dotnet-counters</c> or an exporter a host adds),
/// <c>console</c>, or <c>otlp</c> (endpoint and protocol from the standard <c>OTEL_EXPORTER_OTLP_*</c> variables;
/// the export interval from <c>OTEL_METRIC_EXPORT_INTERVAL</c>). Logs are Microsoft.Extensions.Logging; the JSON
/// console format is <c>Logging__Console__FormatterName=json</c>. See docs/service.md, Operations.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The configuration key naming the metrics exporter.</summary>
    public const string ExporterKey = "Ballast:Metrics:Exporter";

    /// <summary>Registers <see cref="ServiceMetrics"/> and the OpenTelemetry meter provider with the exporter the configuration names.</summary>
    /// <exception cref="BallastInputException">The exporter named is none of <c>none</c>, <c>console</c>, <c>otlp</c>.</exception>
    public static WebApplicationBuilder AddBallastTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exporter = (builder.Configuration[ExporterKey] ?? "none").Trim().ToLowerInvariant();
        if (exporter is not ("none" or "" or "console" or "otlp"))
        {
            throw new BallastInputException($"{ExporterKey} (Ballast__Metrics__Exporter) is '{exporter}'; expected none, console or otlp");
        }

        builder.Services.AddSingleton(sp => new ServiceMetrics(sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("ballast"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceMetrics.MeterName);
                if (exporter == "console")
                {
                    metrics.AddConsoleExporter();
                }
                else if (exporter == "otlp")
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }
}
