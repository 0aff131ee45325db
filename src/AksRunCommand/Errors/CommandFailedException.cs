namespace AksRunCommand;

/// <summary>Raised by <see cref="CommandResult.EnsureSuccess"/>: the command could not run, or exited non-zero.</summary>
public class CommandFailedException : AksRunCommandException
{
    /// <summary>Creates the exception for a result.</summary>
    public CommandFailedException(CommandResult result)
        : base(Describe(result ?? throw new ArgumentNullException(nameof(result))))
    {
        Result = result;
        CommandId = result.CommandId;
    }

    /// <summary>The result that failed.</summary>
    public CommandResult Result { get; }

    private static string Describe(CommandResult result) => result.HasRun
        ? $"Command {result.CommandId} ran and exited with code {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; its logs are in Result.Logs."
        : $"Command {result.CommandId} could not run: provisioning state '{result.ProvisioningState}', reason '{result.Reason ?? "(none given)"}'. Check that the cluster can schedule and pull the run-command pod within about 60 s.";
}
