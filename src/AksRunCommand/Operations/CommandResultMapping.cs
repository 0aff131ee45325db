using AksRunCommand.Generated.Models;

namespace AksRunCommand.Operations;

// The one place the generated model becomes the facade's result, whichever answer carried it.
internal static class CommandResultMapping
{
    public static CommandResult? ToResult(string commandId, RunCommandResult? body)
    {
        if (body is null)
        {
            return null;
        }

        var p = body.Properties;
        return new CommandResult(commandId, p?.ProvisioningState ?? string.Empty, p?.ExitCode, p?.StartedAt, p?.FinishedAt, p?.Logs, p?.Reason);
    }
}
