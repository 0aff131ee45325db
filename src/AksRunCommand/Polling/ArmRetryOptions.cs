namespace AksRunCommand;

/// <summary>
/// How ARM requests are retried: every transient fault of a poll (429, 500, 502, 503, 504, timeouts, broken
/// connections, unreadable bodies), and of the run request only a 429, the one answer that proves the command
/// was not accepted. A <c>Retry-After</c> in any form is a floor.
/// </summary>
public sealed class ArmRetryOptions
{
    /// <summary>Default <see cref="MaxRetries"/>: 5.</summary>
    public const int DefaultMaxRetries = 5;

    private int _maxRetries = DefaultMaxRetries;
    private TimeSpan _delay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxDelay = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one request before its fault ends the operation; 0 to 20, default 5.</summary>
    public int MaxRetries
    {
        get => _maxRetries;
        set => _maxRetries = value is >= 0 and <= 20
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRetries), value, "MaxRetries must be 0 to 20.");
    }

    /// <summary>The median of the first backoff, doubled on each retry and jittered (Polly's exponential backoff); 0 to 1 minute, default 1 s.</summary>
    public TimeSpan Delay
    {
        get => _delay;
        set => _delay = value >= TimeSpan.Zero && value <= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Delay), value, "Delay must be 0 to 1 minute.");
    }

    /// <summary>The largest backoff (a longer Retry-After is still honoured, up to 10 minutes); 0 to 10 minutes, default 30 s.</summary>
    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        set => _maxDelay = value >= TimeSpan.Zero && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDelay), value, "MaxDelay must be 0 to 10 minutes.");
    }
}
