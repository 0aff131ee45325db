namespace AksRunCommand.Diagnostics;

/// <summary>
/// The names under which the library traces and counts, for OpenTelemetry:
/// <c>.AddSource(AksRunCommandDiagnostics.ActivitySourceName)</c> and <c>.AddMeter(AksRunCommandDiagnostics.MeterName)</c>.
/// Spans carry no token and, unless <see cref="AksRunCommandDiagnosticsOptions.IncludeCommandText"/> is set, no command text.
/// </summary>
public static class AksRunCommandDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of runs, run requests, polls and fleet runs.</summary>
    public const string ActivitySourceName = "AksRunCommand";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of commands started and completed, durations, polls, throttling, retries and active operations.</summary>
    public const string MeterName = "AksRunCommand";

    /// <summary>The ActivitySource of the Kiota HTTP adapter: add it too, and its HTTP spans nest under the library's.</summary>
    public const string KiotaActivitySourceName = "Microsoft.Kiota.Http.HttpClientLibrary";
}
