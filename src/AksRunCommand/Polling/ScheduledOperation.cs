namespace AksRunCommand.Polling;

/// <summary>What the poll scheduler knows of one operation: when it polls next, who waits, whether a poll is in flight.</summary>
internal sealed class ScheduledOperation
{
    private readonly Func<ScheduledOperation, CancellationToken, Task<PollStep>> _poll;
    private readonly Func<bool, CancellationToken, Exception> _canceled;
    private readonly Func<Exception, Exception> _failure;
    private CancellationTokenSource? _pollCancellation;

    public ScheduledOperation(Guid subscription, string commandId, long startedAt, long nextPollAt, Func<ScheduledOperation, CancellationToken, Task<PollStep>> poll, Func<bool, CancellationToken, Exception> canceled, Func<Exception, Exception> failure)
    {
        Subscription = subscription;
        CommandId = commandId;
        StartedAt = startedAt;
        LastPolledAt = startedAt;
        NextPollAt = nextPollAt;
        _poll = poll;
        _canceled = canceled;
        _failure = failure;
    }

    public string CommandId { get; }

    /// <summary>The subscription whose read budget its polls spend.</summary>
    public Guid Subscription { get; }

    /// <summary>When the operation started (a timestamp of the scheduler's clock).</summary>
    public long StartedAt { get; }

    /// <summary>When its last poll started (its start, before the first).</summary>
    public long LastPolledAt { get; set; }

    /// <summary>True when the scheduler already took the read token of the poll it starts.</summary>
    public bool Paid { get; set; }

    /// <summary>The waiters; read and changed only under the scheduler's lock.</summary>
    public List<PollWaiter> Waiters { get; } = [];

    /// <summary>The timestamp (of the scheduler's clock) at which the next poll falls due.</summary>
    public long NextPollAt { get; set; }

    public bool InFlight { get; set; }

    /// <summary>True while this operation's poll waits out a retry's backoff (no request of it is on the network).</summary>
    public bool InBackoff { get; private set; }

    /// <summary>Set by the scheduler: tells it that something it plans with changed.</summary>
    public Action? Changed { get; set; }

    public void SetInBackoff(bool inBackoff)
    {
        InBackoff = inBackoff;
        Changed?.Invoke();
    }

    public bool PollingStopped => _pollCancellation?.IsCancellationRequested == true;

    public void StopPolling() => _pollCancellation?.Cancel();

    public async Task<PollStep> PollAsync()
    {
        using var cancellation = new CancellationTokenSource();
        _pollCancellation = cancellation;
        InBackoff = false;
        try
        {
            return await _poll(this, cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            _pollCancellation = null;
            InBackoff = false;
        }
    }

    /// <summary>What a waiter gets when its wait stops: the maximum wait elapsed, or its caller cancelled.</summary>
    public Exception Canceled(bool maxWaitElapsed, CancellationToken cancellationToken) => _canceled(maxWaitElapsed, cancellationToken);

    /// <summary>What waiters get when a poll failed: the library's exception family, carrying the command id.</summary>
    public Exception Failure(Exception fault) => _failure(fault);
}
