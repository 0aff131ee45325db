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
    /// A JSON Lines file that records the intent before each run request and the command id after it, flushed
    /// to disk before the next step; null (the default) keeps no journal. A run with an existing journal resumes:
    /// it waits for the commands started before and sends run requests only for clusters never attempted.
    /// </summary>
    public string? JournalPath { get; set; }

    /// <summary>
    /// With a journal: send the run request again for a cluster whose earlier request may have been accepted
    /// (it got no definitive answer). Default false: such a cluster is reported as possibly started, not resent.
    /// </summary>
    public bool ResendPossiblyStarted { get; set; }

    /// <summary>Stop waiting for a cluster's command this long after it started (it keeps running there); null (default) waits until it finishes. More than zero.</summary>
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
