using System.Diagnostics;
using System.Globalization;
using AksRunCommand.Diagnostics;

namespace AksRunCommand.Cli.Telemetry;

/// <summary>
/// <c>--verbose</c>: each span of this invocation (the tool's and the library's; Kiota's HTTP spans are left out) is
/// printed on stderr when it ends, indented under its parent, with its duration and attributes. Spans hold no token
/// and no command text.
/// </summary>
internal sealed class SpanPrinter : IDisposable
{
    private readonly TextWriter _error;
    private readonly ActivityListener _listener;
    private readonly Lock _gate = new();

    public SpanPrinter(TextWriter error)
    {
        _error = error;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AksRunCommandDiagnostics.ActivitySourceName or CliTelemetry.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Print,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The trace of this invocation: spans of other traces in the process (tests run many) are not printed.</summary>
    public ActivityTraceId? Trace { get; set; }

    public void Dispose() => _listener.Dispose();

    /// <summary>One span as one line: <c>aks-run: span {indent}{name} {duration} ms [error] key=value ...</c>.</summary>
    public static string Format(Activity span)
    {
        var depth = 0;
        for (var parent = span.Parent; parent is not null; parent = parent.Parent)
        {
            depth++;
        }

        var tags = span.TagObjects
            .Where(t => t.Key != "az.namespace")
            .Select(t => $"{t.Key}={Convert.ToString(t.Value, CultureInfo.InvariantCulture)}");
        var events = span.Events.Select(e => $"[{e.Name} {string.Join(" ", e.Tags.Select(t => $"{t.Key}={Convert.ToString(t.Value, CultureInfo.InvariantCulture)}"))}]");
        var status = span.Status == ActivityStatusCode.Error ? " ERROR" : string.Empty;
        return $"aks-run: span {new string(' ', depth * 2)}{span.DisplayName} {span.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms{status} {string.Join(" ", tags.Concat(events))}".TrimEnd();
    }

    private void Print(Activity span)
    {
        if (Trace is not { } trace || span.TraceId != trace)
        {
            return;
        }

        var line = Format(span);
        lock (_gate)
        {
            _error.WriteLine(line);
        }
    }
}
