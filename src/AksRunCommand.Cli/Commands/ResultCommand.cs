using System.CommandLine;

namespace AksRunCommand.Cli.Commands;

/// <summary><c>aks-run result</c>: wait for a command started earlier, from its id alone.</summary>
internal static class ResultCommand
{
    public static Command Create(CliHost host, SharedOptions shared)
    {
        var commandId = new Option<string>("--command-id") { Description = "The id 'aks-run invoke' printed (or named in its timeout message).", Required = true };
        var result = new Command("result", "Wait for a command started earlier and print its result; exits with the command's exit code.")
        {
            commandId, shared.ResourceGroup, shared.Name, shared.Subscription, shared.Endpoint, shared.ApiVersion, shared.Timeout, shared.Output, shared.Emulator, shared.Verbose,
        };
        result.SetAction((parse, ct) => FailureGuard.RunAsync(host, parse.GetValue(shared.Verbose), async () =>
        {
            using var connection = ClusterConnection.Resolve(shared.Connection(parse), host);
            var operation = connection.Client.GetRunCommandOperation(connection.Cluster, parse.GetValue(commandId)!);
            return await CommandWaiter.WaitAsync(host, connection, operation, new StatusReporter(host), parse.GetValue(shared.Timeout), parse.GetValue(shared.Output) == "json", ct);
        }));
        return result;
    }
}
