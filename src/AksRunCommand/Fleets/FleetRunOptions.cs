namespace AksRunCommand;

/// <summary>How <c>AksRunCommandClient.RunOnFleetAsync</c> runs one command on many clusters.</summary>
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

    private int _canary;
    private int? _waveSize;
    private IReadOnlyList<double>? _waves;
    private TimeSpan _wavePause;

    /// <summary>
    /// Before any run request, read each cluster (one GET, inside the read budget; none for clusters given with their
    /// <see cref="ManagedClusterInfo"/>) and skip those that cannot run a command (stopped, run command disabled, not in
    /// a usable provisioning state, gone): a <see cref="FleetOutcomeKind.Skipped"/> outcome with the reason, nothing
    /// sent. Default false (the CLI's fleet turns it on). A skip is decided again by every run, never recorded.
    /// </summary>
    public bool Preflight { get; set; }

    /// <summary>Count a skipped cluster as a failure (for <see cref="FailureBudget"/> and <see cref="FleetSummary.AllSucceeded"/>); default false.</summary>
    public bool SkippedIsFailure { get; set; }

    /// <summary>
    /// The first this many clusters (in the order given) run alone, as a canary; the rest start only if every one of
    /// them succeeded. 0 (the default): no canary. 0 to 1,000.
    /// </summary>
    public int Canary
    {
        get => _canary;
        set => _canary = value is >= 0 and <= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Canary), value, "Canary must be 0 to 1,000 clusters.");
    }

    /// <summary>
    /// After the canary, the clusters run in waves of this many; a wave starts when the one before finished and
    /// <see cref="WavePause"/> passed (<see cref="MaxParallel"/> still caps each). Null (the default): one wave. 1 to
    /// 100,000; not together with <see cref="Waves"/>.
    /// </summary>
    public int? WaveSize
    {
        get => _waveSize;
        set
        {
            if (value is not null && (value < 1 || value > 100_000))
            {
                throw new ArgumentOutOfRangeException(nameof(WaveSize), value, "WaveSize must be 1 to 100,000 clusters, or null for one wave.");
            }

            if (value is not null && _waves is not null)
            {
                throw new ArgumentException("WaveSize and Waves both divide the clusters into waves: set one of them.", nameof(WaveSize));
            }

            _waveSize = value;
        }
    }

    /// <summary>
    /// After the canary, the waves as cumulative percentages of the remaining clusters, for example 10, 30, 100: the
    /// first wave takes the first 10 %, the second up to 30 %, the last the rest (each wave at least one cluster).
    /// Ascending, each more than 0 and at most 100, the last 100. Not together with <see cref="WaveSize"/>.
    /// </summary>
    public IReadOnlyList<double>? Waves
    {
        get => _waves;
        set
        {
            if (value is not null)
            {
                if (value.Count == 0 || value[^1] != 100 || value.Any(p => p is <= 0 or > 100) || value.Zip(value.Skip(1)).Any(p => p.Second <= p.First))
                {
                    throw new ArgumentException($"Waves must be ascending cumulative percentages, each more than 0 and at most 100, the last 100 (for example 10, 30, 100); got {string.Join(", ", value)}.", nameof(Waves));
                }

                if (_waveSize is not null)
                {
                    throw new ArgumentException("WaveSize and Waves both divide the clusters into waves: set one of them.", nameof(Waves));
                }
            }

            _waves = value is null ? null : [.. value];
        }
    }

    /// <summary>The pause between a wave's end and the next wave's start (the canary counts as a wave); default zero, at most a day.</summary>
    public TimeSpan WavePause
    {
        get => _wavePause;
        set => _wavePause = value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WavePause), value, "WavePause must be zero to one day.");
    }

    /// <summary>
    /// Once more clusters than this failed (this run's outcomes; see <see cref="FleetFailureBudget"/>), nothing new
    /// starts: running commands are waited for, the rest are reported not started. Null (the default): no limit.
    /// </summary>
    public FleetFailureBudget? FailureBudget { get; set; }
}
