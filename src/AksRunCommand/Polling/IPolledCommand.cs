using System.Diagnostics;

namespace AksRunCommand.Polling;

/// <summary>What the poll loop needs of a command: one poll request, classified, and the exceptions its waiters get.</summary>
internal interface IPolledCommand
{
    /// <summary>Sends one poll request and classifies its answer; never schedules, never retries (the loop does both).</summary>
    /// <param name="retry">0 for a scheduled poll; n for the n-th retry after transient faults.</param>
    /// <param name="cancellationToken">Cancelled when nobody waits any more.</param>
    Task<PollAnswer> PollOnceAsync(int retry, CancellationToken cancellationToken);

    /// <summary>What a waiter gets when its wait stops (its maximum wait elapsed, or its caller cancelled).</summary>
    Exception Stopped(bool maxWaitElapsed, CancellationToken cancellationToken);

    /// <summary>The library's exception family, with the command id, for any fault.</summary>
    Exception Failure(Exception fault);

    /// <summary>The span polls and retries are recorded under (the waiter's), if any.</summary>
    Activity? TraceParent { get; }

    /// <summary>Counts a retry of a poll (the operation's retry count).</summary>
    void Retried();
}
