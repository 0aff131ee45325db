using System.Diagnostics;
using AksRunCommand.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AksRunCommand.Cli.Telemetry;

/// <summary>
/// The tool's traces and metrics: exported over OTLP (OpenTelemetry's exporter) when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, printed on stderr with <c>--verbose</c>, nothing otherwise. One invocation
/// is one trace: a root span <c>aks-run {command}</c> with the library's spans under it. Disposing flushes the exporters.
/// </summary>
internal sealed class CliTelemetry : IDisposable
{
    public const string SourceName = "aks-run";

    private static readonly ActivitySource Source = new(SourceName, ToolVersion.Tool);

    private readonly TracerProvider? _tracing;
    private readonly MeterProvider? _metrics;
    private readonly SpanPrinter? _printer;
    private readonly Activity? _root;

    private CliTelemetry(TracerProvider? tracing, MeterProvider? metrics, SpanPrinter? printer, string command)
    {
        _tracing = tracing;
        _metrics = metrics;
        _printer = printer;
        _root = Source.StartActivity($"{SourceName} {command}", ActivityKind.Internal);
        _root?.SetTag("aks.runcommand.tool.version", ToolVersion.Tool);
        if (_printer is not null && _root is not null)
        {
            _printer.Trace = _root.TraceId;
        }
    }

    /// <summary>Starts what the environment and <paramref name="verbose"/> ask for; the root span becomes the current one.</summary>
    public static CliTelemetry Start(CliHost host, bool verbose, string command)
    {
        TracerProvider? tracing = null;
        MeterProvider? metrics = null;
        var endpoint = host.Environment("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint is { Length: > 0 } && !IsHttpUrl(endpoint))
        {
            // Telemetry must not fail the job it observes: say so, and run without exporting.
            host.Error.WriteLine($"aks-run: warning: OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an absolute http or https URL; traces and metrics are not exported.");
        }
        else if (endpoint is { Length: > 0 })
        {
            // Read through the host (tests give the tool its environment); the exporter's own reading of the process
            // environment would not see it. Set programmatically, an http/protobuf endpoint is the signal's full URL.
            var protocol = string.Equals(host.Environment("OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            var headers = host.Environment("OTEL_EXPORTER_OTLP_HEADERS");
            var service = host.Environment("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : SourceName;
            void Configure(OtlpExporterOptions options, string signal)
            {
                options.Protocol = protocol;
                options.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? endpoint.TrimEnd('/') + "/v1/" + signal : endpoint);
                if (!string.IsNullOrEmpty(headers))
                {
                    options.Headers = headers;
                }
            }

            try
            {
                tracing = Sdk.CreateTracerProviderBuilder()
                    .ConfigureResource(r => r.AddService(service, serviceVersion: ToolVersion.Tool))
                    .AddSource(SourceName, AksRunCommandDiagnostics.ActivitySourceName, AksRunCommandDiagnostics.KiotaActivitySourceName)
                    .AddOtlpExporter(o => Configure(o, "traces"))
                    .Build();
                metrics = Sdk.CreateMeterProviderBuilder()
                    .ConfigureResource(r => r.AddService(service, serviceVersion: ToolVersion.Tool))
                    .AddMeter(AksRunCommandDiagnostics.MeterName)
                    .AddOtlpExporter(o => Configure(o, "metrics"))
                    .Build();
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                tracing?.Dispose();
                tracing = null;
                host.Error.WriteLine($"aks-run: warning: the OTLP exporter could not be set up ({e.Message.TrimEnd('.')}); traces and metrics are not exported.");
            }
        }

        return new CliTelemetry(tracing, metrics, verbose ? new SpanPrinter(host.Error) : null, command);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Records how the invocation ended on its root span.</summary>
    public void Ended(int exitCode)
    {
        _root?.SetTag("process.exit.code", exitCode);
        if (exitCode == FailureGuard.OwnFailure)
        {
            _root?.SetStatus(ActivityStatusCode.Error, "aks-run failed (exit 255)");
        }
    }

    public void Dispose()
    {
        _root?.Stop();
        _root?.Dispose();
        _tracing?.Dispose(); // flushes: the spans leave before the process does
        _metrics?.Dispose();
        _printer?.Dispose();
    }
}
