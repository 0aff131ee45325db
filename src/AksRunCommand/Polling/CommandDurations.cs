namespace AksRunCommand.Polling;

/// <summary>
/// How long the commands of one fleet run took, as they finish: they are the same command, so their durations are
/// alike, and a running one most likely finishes where the others did. From them, where to aim a running command's
/// next poll when requests are what the run is short of. With fewer than <see cref="MinimumSamples"/> finished beyond a
/// command's age, there is nothing to learn for it: the default schedule applies. Thread-safe.
/// </summary>
internal sealed class CommandDurations
{
    /// <summary>Finished durations beyond a command's age needed to aim its poll: 3.</summary>
    public const int MinimumSamples = 3;

    /// <summary>Where a poll is aimed: at this quantile of the durations longer than the command's age (so most are found finished).</summary>
    public const double AimQuantile = 0.9;

    private static readonly TimeSpan ShortestAim = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly List<double> _seconds = []; // sorted

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seconds.Count;
            }
        }
    }

    /// <summary>A command of the run finished after about <paramref name="duration"/>.</summary>
    public void Record(TimeSpan duration)
    {
        var seconds = Math.Max(0, duration.TotalSeconds);
        lock (_gate)
        {
            var at = _seconds.BinarySearch(seconds);
            _seconds.Insert(at < 0 ? ~at : at, seconds);
        }
    }

    /// <summary>
    /// The delay until the next poll of a command running for <paramref name="age"/>: to the
    /// <see cref="AimQuantile"/> of the durations longer than its age (at least a second); null when fewer than
    /// <see cref="MinimumSamples"/> lasted longer (a command running far past what was seen keeps the default schedule).
    /// </summary>
    public TimeSpan? Aim(TimeSpan age)
    {
        lock (_gate)
        {
            var from = FirstLonger(age.TotalSeconds);
            var longer = _seconds.Count - from;
            if (longer < MinimumSamples)
            {
                return null;
            }

            var target = _seconds[from + (int)Math.Min(longer - 1, Math.Ceiling(AimQuantile * longer) - 1)];
            var delay = TimeSpan.FromSeconds(target - age.TotalSeconds);
            return delay > ShortestAim ? delay : ShortestAim;
        }
    }

    // Under the lock: the index of the first duration longer than seconds.
    private int FirstLonger(double seconds)
    {
        var at = _seconds.BinarySearch(seconds);
        if (at < 0)
        {
            return ~at;
        }

        while (at < _seconds.Count && _seconds[at] <= seconds)
        {
            at++;
        }

        return at;
    }
}
