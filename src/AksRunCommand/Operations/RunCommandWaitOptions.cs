namespace AksRunCommand;

/// <summary>How to wait for a command.</summary>
public sealed class RunCommandWaitOptions
{
    private TimeSpan? _maxWait;

    /// <summary>
    /// Stop waiting after this long (the command keeps running on the cluster); null (the default) waits
    /// until the command finishes or the caller cancels. More than zero.
    /// </summary>
    public TimeSpan? MaxWait
    {
        get => _maxWait;
        set => _maxWait = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxWait), value, "MaxWait must be more than zero, or null to wait without limit.");
    }

    /// <summary>Told of each poll: state, elapsed time, next delay.</summary>
    public IProgress<RunCommandProgress>? Progress { get; set; }
}
