using System.Globalization;
using Spectre.Console;

namespace AksRunCommand.Cli.Fleet;

/// <summary>Status on stderr: live counts by state on a terminal (Spectre.Console); otherwise one plain line per finished cluster.</summary>
/// <param name="host">Where the lines go.</param>
/// <param name="resumeFlags">The flags of <c>aks-run result</c> (after <c>--command-id</c>) that resume a wait on a cluster; null when nothing can be resumed.</param>
internal sealed class FleetStatus(CliHost host, Func<ClusterId, string?>? resumeFlags = null) : IProgress<FleetProgress>
{
    private readonly Lock _gate = new();
    private StatusContext? _live;
    private int _done;

    public async Task WatchAsync(Func<Task> run)
    {
        if (!host.ErrorIsTerminal)
        {
            await run();
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(host.Error), Interactive = InteractionSupport.Yes });
        await console.Status().Spinner(Spinner.Known.Dots).StartAsync("starting", async context =>
        {
            _live = context;
            try
            {
                await run();
            }
            finally
            {
                _live = null;
            }
        });
    }

    public void Report(FleetProgress value)
    {
        _live?.Status(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{value.Total} clusters: {value.Waiting} waiting · {value.Starting} starting · {value.Running} running · {value.Succeeded} succeeded · {value.Failed} failed · {value.Skipped} skipped")));
    }

    public void Finished(FleetOutcome outcome, int total)
    {
        int done;
        lock (_gate)
        {
            done = ++_done;
        }

        var what = outcome.Kind switch
        {
            FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit => string.Create(CultureInfo.InvariantCulture, $"{outcome.Kind}, exit code {outcome.ExitCode}"),
            FleetOutcomeKind.WaitStopped when outcome.CommandId is { } stopped && resumeFlags?.Invoke(outcome.Cluster) is { } flags =>
                $"{outcome.Kind}: stopped waiting (--timeout, or the run was stopped); the command keeps running on the cluster. Resume with: aks-run result --command-id {stopped} {flags}",
            _ => $"{outcome.Kind}: {outcome.ErrorLine}",
        };
        var id = outcome.CommandId is null ? string.Empty : $" [command {outcome.CommandId}]";
        var line = string.Create(CultureInfo.InvariantCulture, $"aks-run: [{done}/{total}] {outcome.Cluster.ClusterName} ({outcome.Cluster.ResourceGroupName}): {what}{id}{(outcome.FromJournal ? " (from the journal)" : string.Empty)}");
        if (_live is null)
        {
            host.Error.WriteLine(line);
        }
        else
        {
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(host.Error) }).MarkupLine(Markup.Escape(line));
        }
    }

    /// <summary>The counts, and when the rollout stopped, why and how to go on.</summary>
    public void Summary(FleetSummary summary, string? journal)
    {
        host.Error.WriteLine($"aks-run: {summary}.");
        if (summary.SkippedIsFailure && summary.Count(FleetOutcomeKind.Skipped) is > 0 and var skipped)
        {
            host.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aks-run: --strict: the {skipped} skipped cluster(s) count as failures."));
        }

        if (summary.StopReason is not null)
        {
            var unsent = summary.Count(FleetOutcomeKind.NotStarted);
            host.Error.WriteLine(journal is null
                ? $"aks-run: {unsent} cluster(s) were sent nothing. Fix the cause, then run them again (with --journal, a rerun starts only what was never started)."
                : $"aks-run: {unsent} cluster(s) were sent nothing. Fix the cause, then run the same command again with --journal {journal}: it starts only what was never started, and runs nothing twice.");
        }
    }

    /// <summary>After Ctrl+C or SIGTERM: what keeps running, what was not sent, and how to go on.</summary>
    public void Stopped(FleetSummary summary, string? journal)
    {
        var running = summary.Count(FleetOutcomeKind.WaitStopped);
        var unsent = summary.Count(FleetOutcomeKind.NotStarted);
        var unsure = summary.Count(FleetOutcomeKind.MayHaveStarted);
        var what = string.Create(CultureInfo.InvariantCulture, $"{running} command(s) keep running on their clusters (ids above), {unsent} cluster(s) were sent nothing, {unsure} may have started");
        host.Error.WriteLine(journal is null
            ? $"aks-run: stopped (cancelled): {what}. Wait for one with 'aks-run result --command-id ID ...'; a run with --journal can be resumed as a whole."
            : $"aks-run: stopped (cancelled): {what}. Resume: run the same command again with --journal {journal} (it waits for the started ones and sends nothing twice).");
    }
}
