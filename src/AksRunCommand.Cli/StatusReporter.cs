using System.Globalization;
using Spectre.Console;

namespace AksRunCommand.Cli;

/// <summary>
/// Status on stderr: a live line (Spectre.Console) when stderr is a terminal; otherwise one plain line per
/// state change, with no control characters, for CI logs.
/// </summary>
internal sealed class StatusReporter : IProgress<RunCommandProgress>
{
    private readonly CliHost _host;
    private string? _lastState;
    private StatusContext? _live;

    public StatusReporter(CliHost host)
    {
        _host = host;
    }

    public void Started(string commandId, ClusterId cluster) =>
        _host.Error.WriteLine($"aks-run: command {commandId} started on cluster {cluster.ClusterName} (resource group {cluster.ResourceGroupName}).");

    public async Task<T> WatchAsync<T>(Func<Task<T>> wait)
    {
        if (!_host.ErrorIsTerminal)
        {
            return await wait();
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_host.Error), Interactive = InteractionSupport.Yes });
        return await console.Status().Spinner(Spinner.Known.Dots).StartAsync("waiting for the first poll", async context =>
        {
            _live = context;
            try
            {
                return await wait();
            }
            finally
            {
                _live = null;
            }
        });
    }

    public void Report(RunCommandProgress value)
    {
        if (_live is { } live)
        {
            live.Status(Markup.Escape($"{value.State} · {Format(value.Elapsed)} · command {value.CommandId}"));
        }
        else if (!string.Equals(value.State, _lastState, StringComparison.Ordinal) && !value.HasCompleted)
        {
            _host.Error.WriteLine($"aks-run: {value.State} after {Format(value.Elapsed)}.");
        }

        _lastState = value.State;
    }

    public void Finished(CommandResult result)
    {
        var times = result.StartedAt is { } s && result.FinishedAt is { } f
            ? string.Create(CultureInfo.InvariantCulture, $" (started {s:yyyy-MM-ddTHH:mm:ssZ}, finished {f:yyyy-MM-ddTHH:mm:ssZ}, {Format(f - s)})")
            : string.Empty;
        _host.Error.WriteLine(result.HasRun
            ? $"aks-run: {result.ProvisioningState}, exit code {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}{times}."
            : $"aks-run: {result.ProvisioningState}{(result.Reason is null ? string.Empty : $" ({result.Reason})")}{times}.");
        if (result.LogsLikelyTruncated)
        {
            _host.Error.WriteLine("aks-run: the output reached the service's 512 kB limit and was likely cut.");
        }
    }

    private static string Format(TimeSpan elapsed) => elapsed.TotalHours >= 1
        ? elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalSeconds} s");
}
