using System.Runtime.InteropServices;
using AksRunCommand.Cli;

using var cancellation = new CancellationTokenSource();

// Ctrl+C and SIGTERM (what CI sends to a cancelled job) both stop waiting: the tool reports what it knows (the
// command ids, how to resume), writes what a fleet's journal owes, and exits; the commands keep running on their
// clusters. A second signal is not intercepted, so a stuck tool can still be stopped.
Console.CancelKeyPress += (_, e) => e.Cancel = Stop();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = Stop());

return await AksRunApp.RunAsync(args, CliHost.FromConsole(), cancellation.Token);

bool Stop()
{
    if (cancellation.IsCancellationRequested)
    {
        return false;
    }

    cancellation.Cancel();
    return true;
}
