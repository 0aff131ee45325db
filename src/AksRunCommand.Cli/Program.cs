using AksRunCommand.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop waiting, report how to resume, exit; the command keeps running on the cluster
    cancellation.Cancel();
};

return await AksRunApp.RunAsync(args, CliHost.FromConsole(), cancellation.Token);
