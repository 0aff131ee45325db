using System.CommandLine;
using AksRunCommand.Cli.Commands;
using AksRunCommand.Cli.Telemetry;

namespace AksRunCommand.Cli;

/// <summary>
/// The <c>aks-run</c> command line (System.CommandLine): <c>invoke</c>, <c>result</c> and <c>fleet</c>. Exit status:
/// the remote command's exit code when it ran (<c>fleet</c>: 0 when all ran and exited 0, 1 otherwise); 255 for
/// every failure of the tool's own, told in one line on stderr.
/// </summary>
internal static class AksRunApp
{
    public const int OwnFailure = FailureGuard.OwnFailure;

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken)
    {
        if (args is ["--version"])
        {
            host.Out.Write(ToolVersion.Text); // more than System.CommandLine's version line: what a bug report needs
            return 0;
        }

        var root = BuildCommandLine(host);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command == root ? "aks-run" : $"aks-run {parsed.CommandResult.Command.Name}";
            host.Error.WriteLine($"aks-run: error: {parsed.Errors[0].Message} (see '{command} --help').");
            return OwnFailure;
        }

        var verbose = args.Contains("--verbose");
        using var telemetry = CliTelemetry.Start(host, verbose, parsed.CommandResult.Command.Name);
        int exitCode;
        try
        {
            exitCode = await parsed.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception e)
        {
            exitCode = FailureGuard.Report(host, verbose, $"unexpected failure ({e.GetType().Name}): {e.Message}", e);
        }

        telemetry.Ended(exitCode);
        return exitCode;
    }

    private static RootCommand BuildCommandLine(CliHost host)
    {
        var shared = new SharedOptions();
        return new RootCommand("aks-run: run a command on an Azure Kubernetes Service cluster through ARM and exit with its exit code.\n"
            + "Credentials: AKS_RUN_ACCESS_TOKEN (a bearer token, used as is) or DefaultAzureCredential.")
        {
            InvokeCommand.Create(host, shared), ResultCommand.Create(host, shared), FleetCommand.Create(host, shared),
        };
    }
}
