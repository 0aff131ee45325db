using System.Text.Json;

namespace AksRunCommand.Cli.Commands;

/// <summary>Waits for one command, prints its logs or JSON, and turns the result into the exit status.</summary>
internal static class CommandWaiter
{
    public static async Task<int> WaitAsync(CliHost host, ClusterConnection connection, RunCommandOperation operation, StatusReporter status, int? timeoutSeconds, bool json, CancellationToken cancellationToken)
    {
        CommandResult result;
        try
        {
            var options = new RunCommandWaitOptions { Progress = status, MaxWait = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null };
            result = await status.WatchAsync(() => operation.WaitForCompletionAsync(options, cancellationToken));
        }
        catch (RunCommandWaitCanceledException stopped)
        {
            var why = stopped.MaxWaitElapsed ? $"--timeout {timeoutSeconds} s elapsed" : "cancelled";
            throw new CliFailure($"stopped waiting for command {stopped.CommandId} ({why}); it keeps running on the cluster.{ResumeLine(connection, stopped.CommandId)}");
        }
        catch (AksRunCommandException failed) when (failed.CommandId is { } id)
        {
            // The library says how to resume in its own terms; a CLI user gets the command that does it.
            var message = failed.Message.Replace(LibraryResumeHint(id), " The command keeps running on the cluster.", StringComparison.Ordinal);
            throw new CliFailure($"{message}{ResumeLine(connection, id)}");
        }

        status.Finished(result);
        if (json)
        {
            host.Out.WriteLine(JsonSerializer.Serialize(JsonResult.From(result), CliJsonContext.Default.JsonResult));
        }
        else
        {
            host.Out.Write(result.Logs);
        }

        if (!result.HasRun)
        {
            throw new CliFailure($"command {result.CommandId} could not run: {result.ProvisioningState}{(result.Reason is null ? string.Empty : $" ({result.Reason})")}.");
        }

        return result.ExitCode is { } code ? ExitStatus.ForRemote(code) : throw new CliFailure($"command {result.CommandId} ran but the service gave no exit code.");
    }

    private static string ResumeLine(ClusterConnection connection, string commandId) =>
        $" Resume with: aks-run result --command-id {commandId} {connection.ResumeTarget}{(connection.IsEmulator ? " (the embedded emulator keeps nothing between runs)" : string.Empty)}";

    private static string LibraryResumeHint(string commandId) =>
        $" The command keeps running on the cluster; resume the wait with GetRunCommandOperation(cluster, \"{commandId}\").";
}
