namespace AksRunCommand;

/// <summary>How <see cref="AksRunCommandClient.RunOnFleetAsync"/> runs one command on many clusters.</summary>
public sealed class FleetRunOptions
{
    /// <summary>Default <see cref="MaxParallel"/>: 20.</summary>
    public const int DefaultMaxParallel = 20;

    private int _maxParallel = DefaultMaxParallel;
    private TimeSpan? _maxWait;

    /// <summary>
    /// At most this many commands in flight at once (started and not yet seen finished), as <c>xargs -P</c>: a
    /// drain rolls through the clusters a few at a time. 1 to 1,000, default 20. The run requests also stay
    /// within the client's write budget.
    /// </summary>
    public int MaxParallel
    {
        get => _maxParallel;
        set => _maxParallel = value is >= 1 and <= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxParallel), value, "MaxParallel must be 1 to 1,000.");
    }

    /// <summary>
    /// A JSON Lines file that records the intent before each run request and its answer (the command id) after
    /// it, flushed to disk before the next step; null (the default) keeps no journal. The run holds it
    /// exclusively (a second run on it, in any process, fails before sending anything). A run with an existing
    /// journal resumes: it waits for the commands started before, reports what finished or was refused for good,
    /// and sends run requests only for clusters never attempted, refused in a retryable way (429, 401, retry
    /// later) or not sent.
    /// </summary>
    public string? JournalPath { get; set; }

    /// <summary>
    /// With a journal: send the run request again for a cluster whose earlier request got no answer at all (a 5xx, a
    /// timeout, a broken connection, a crash), so it may have been accepted. Default false: such a cluster is reported
    /// as possibly started, not resent. A request ARM accepted (2xx, with or without a usable id) is never resent.
    /// </summary>
    public bool ResendPossiblyStarted { get; set; }

    /// <summary>
    /// Give each cluster at most this long from its turn: its run request (which may wait for the write budget) and
    /// the wait for its result. When it elapses before the request was sent, nothing is sent (NotStarted); after,
    /// the command keeps running and its id is in the outcome (WaitStopped). Null (default): no limit. More than zero.
    /// </summary>
    public TimeSpan? MaxWait
    {
        get => _maxWait;
        set => _maxWait = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxWait), value, "MaxWait must be more than zero, or null to wait without limit.");
    }

    /// <summary>Told of every change: how many clusters wait, start, run, and have finished each way.</summary>
    public IProgress<FleetProgress>? Progress { get; set; }
}
