using System.Diagnostics.Metrics;
using BitrixRetailCrm.Telemetry;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;

namespace BitrixRetailCrm.Functions;

/// <summary>
/// Forwards the "BitrixRetailCrm" meter to Application Insights custom metrics (customMetrics table), with the
/// instrument's tags as dimensions; the Application Insights 2.x SDK does not collect System.Diagnostics.Metrics itself.
/// </summary>
public sealed class MetricsForwarder(TelemetryClient telemetry) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Track(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Track(i, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void Track(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Every instrument of ours has at most two tags; a fixed shape keeps GetMetric's dimension caps simple.
        switch (tags.Length)
        {
            case 0:
                telemetry.GetMetric(instrument.Name).TrackValue(value);
                break;
            case 1:
                telemetry.GetMetric(instrument.Name, tags[0].Key).TrackValue(value, tags[0].Value?.ToString());
                break;
            default:
                telemetry.GetMetric(instrument.Name, tags[0].Key, tags[1].Key)
                    .TrackValue(value, tags[0].Value?.ToString(), tags[1].Value?.ToString());
                break;
        }
    }
}
