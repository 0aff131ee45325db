using System.Diagnostics;
using AksRunCommand.Diagnostics;
using AksRunCommand.Polling;

namespace AksRunCommand.Tests.Polling;

/// <summary>
/// A command for the poll loop alone (no wire): each poll asks <see cref="Answer"/> for what to answer, counts
/// itself, and, as the real poller does, opens its span through the library's telemetry (so a listener sees it).
/// </summary>
internal sealed class ScriptedCommand(ClusterId cluster, string commandId, Func<int, CancellationToken, Task<PollAnswer>> answer) : IPolledCommand
{
    private int _polls;
    private int _retries;

    public ClusterId Cluster { get; } = cluster;

    public string CommandId { get; } = commandId;

    public int Polls => Volatile.Read(ref _polls);

    public int Retries => Volatile.Read(ref _retries);

    public Activity? TraceParent => null;

    public async Task<PollAnswer> PollOnceAsync(int retry, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polls);
        using var span = Telemetry.Start(Telemetry.PollSpan, Cluster, CommandId);
        return await answer(retry, cancellationToken);
    }

    public Exception Stopped(bool maxWaitElapsed, CancellationToken cancellationToken) => new RunCommandWaitCanceledException(Cluster, CommandId, maxWaitElapsed, cancellationToken);

    public Exception Failure(Exception fault) => fault as AksRunCommandException ?? new AksRunCommandException($"Polling command {CommandId} failed: {fault.Message}", fault) { CommandId = CommandId };

    public void Retried() => Interlocked.Increment(ref _retries);

    public static RunCommandProgress Progress(string id, bool done, TimeSpan next) => new(id, done ? "Succeeded" : "Running", TimeSpan.Zero, 1, done, next);
}
