using System.CommandLine;
using AksRunCommand.Cli.Fleet;
using Azure;

namespace AksRunCommand.Cli.Commands;

/// <summary>
/// <c>aks-run invoke</c>: start a command with one POST and wait for it (or print its id with <c>--no-wait</c>). When ARM
/// refuses the run request, one GET of the cluster adds why, if its state says (stopped, run command disabled, ...).
/// </summary>
internal static class InvokeCommand
{
    public static Command Create(CliHost host, SharedOptions shared)
    {
        var command = new Option<string>("--command", "-c") { Description = "The command line to run on the cluster, for example \"kubectl get pods -A\".", Required = true };
        var files = new Option<string[]>("--file", "-f") { Description = "Attach a file (flat, under its own name) or a folder (recursively, under its own name); '.' attaches the current folder recursively and cannot be combined. Repeatable." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the command id on stdout and exit 0 without waiting; get the result later with 'aks-run result'." };

        var invoke = new Command("invoke", "Run a command on an AKS cluster and wait for it; exits with the command's exit code.")
        {
            command, files, shared.ResourceGroup, shared.Name, shared.Subscription, shared.Endpoint, shared.ApiVersion, shared.Timeout, noWait, shared.Output, shared.Emulator, shared.Verbose,
        };
        invoke.SetAction((parse, ct) => FailureGuard.RunAsync(host, parse.GetValue(shared.Verbose), async () =>
        {
            var content = new RunCommandContent(parse.GetValue(command)!);
            if (parse.GetValue(files) is { Length: > 0 } paths)
            {
                content.Context = CommandContextBuilder.FromCliPaths(paths, host.WorkingDirectory).Build();
            }

            using var connection = ClusterConnection.Resolve(shared.Connection(parse), host);
            var status = new StatusReporter(host);
            RunCommandOperation operation;
            try
            {
                operation = await connection.Client.RunCommandAsync(WaitUntil.Started, connection.Cluster, content, ct);
            }
            catch (RunCommandStartCanceledException canceled)
            {
                throw new CliFailure(canceled.CommandMayHaveStarted
                    ? "cancelled while the run request was in flight: the command may or may not have started; it was not sent again."
                    : "cancelled before the run request was accepted (it was being throttled): the command was not started.");
            }
            catch (ArmRequestFailedException refused) when (!refused.CommandMayHaveStarted && refused.CommandId is null)
            {
                // ARM refused the run request (and only then): one GET of the cluster says whether its state explains it.
                // A run that went through never pays for it; a GET that fails leaves the refusal as it came.
                if (await ClusterSelection.ExplainRefusalAsync(connection.Client, connection.Cluster, ct) is not { } reason)
                {
                    throw;
                }

                throw new CliFailure($"{refused.Message} (the cluster cannot run commands: {reason})");
            }

            status.Started(operation.Id, connection.Cluster);
            if (parse.GetValue(noWait))
            {
                host.Out.WriteLine(operation.Id);
                return 0;
            }

            return await CommandWaiter.WaitAsync(host, connection, operation, status, parse.GetValue(shared.Timeout), parse.GetValue(shared.Output) == "json", ct);
        }));
        return invoke;
    }
}
