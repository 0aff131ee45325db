namespace AksRunCommand.Polling;

/// <summary>
/// One operation as the poll loop keeps it: one explicit <see cref="State"/>, its generation (bumped whenever its
/// schedule changes, so stale queue entries and answers are recognised), its due time, its waiters. Read and
/// changed only under the loop's lock, by <see cref="PollTransitions"/>.
/// </summary>
internal sealed class PolledOperation
{
    public PolledOperation(IPolledCommand command, Guid subscription, string commandId, long startedAt, long firstDueAt)
    {
        Command = command;
        Subscription = subscription;
        CommandId = commandId;
        StartedAt = startedAt;
        LastPolledAt = startedAt;
        DueAt = firstDueAt;
    }

    public IPolledCommand Command { get; }

    /// <summary>The subscription whose read budget its polls spend.</summary>
    public Guid Subscription { get; }

    public string CommandId { get; }

    public PollState State { get; set; } = PollState.Idle;

    public int Generation { get; set; }

    /// <summary>When its next poll (or retry) falls due: a timestamp of the loop's clock. Kept while Idle, so a new waiter resumes the schedule (a Retry-After included).</summary>
    public long DueAt { get; set; }

    /// <summary>When the operation started (accepted, or resumed), for the priority of its polls.</summary>
    public long StartedAt { get; }

    /// <summary>When its last poll went out.</summary>
    public long LastPolledAt { get; set; }

    public List<PollWaiter> Waiters { get; } = [];

    /// <summary>Transient faults in a row; reset by any other answer.</summary>
    public int Transients { get; set; }

    /// <summary>The backoff formula's state across one series of retries.</summary>
    public double BackoffSeries { get; set; }

    /// <summary>Cancels the poll in flight (nobody waits any more); null when none is.</summary>
    public CancellationTokenSource? InFlight { get; set; }

    /// <summary>The result, once a poll found the command finished (state Done).</summary>
    public CommandResult? Finished { get; set; }

    /// <summary>What the poll that found it finished reported.</summary>
    public RunCommandProgress? FinalProgress { get; set; }

    /// <summary>What a waiter of <paramref name="kind"/> gets of a finished command.</summary>
    public object Result(PollWaiterKind kind) => kind == PollWaiterKind.UntilDone ? Finished! : FinalProgress!;

    /// <summary>True while it counts as an active operation (somebody waits, the command has not finished).</summary>
    public bool Active { get; set; }
}
