using System.Threading.RateLimiting;

namespace AksRunCommand.Polling;

/// <summary>
/// A token bucket on System.Threading.RateLimiting's <see cref="RateLimiter"/> that keeps its time on an
/// injected <see cref="TimeProvider"/> (the framework's TokenBucketRateLimiter replenishes on a real timer and
/// Stopwatch, so fake time cannot drive it). Refilled lazily on every call; it also learns from the service:
/// <see cref="Follow"/> lowers the tokens to what the service says is left, <see cref="Pause"/> empties it for a
/// Retry-After and resumes at half the rate for a while.
/// </summary>
internal sealed class TokenBucketLimiter : RateLimiter
{
    private static readonly TimeSpan GentleFor = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private readonly double _perSecond;
    private double _tokens;
    private long _refilledAt;
    private long _pausedUntil;
    private long _gentleUntil;
    private long _granted;
    private bool _oneWhenResumed;

    public TokenBucketLimiter(int capacity, double perSecond, TimeProvider clock)
    {
        _capacity = capacity;
        _perSecond = perSecond;
        _clock = clock;
        _tokens = capacity;
        _refilledAt = clock.GetTimestamp();
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <summary>The tokens there are now (after the refill that is due).</summary>
    public double Available
    {
        get
        {
            lock (_gate)
            {
                Refill(_clock.GetTimestamp());
                return _tokens;
            }
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            Refill(_clock.GetTimestamp());
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens, TotalSuccessfulLeases = _granted };
        }
    }

    /// <summary>How long a 429's pause still holds, in whole milliseconds rounded up (a timer's unit: a shorter delay would complete at once); null when it does not.</summary>
    public TimeSpan? PausedFor()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            return now < _pausedUntil ? TimeSpan.FromMilliseconds(Math.Ceiling((_pausedUntil - now) * 1000.0 / _clock.TimestampFrequency)) : null;
        }
    }

    /// <summary>The service says <paramref name="remaining"/> requests are left in its bucket: never spend its last ones.</summary>
    public void Follow(int remaining)
    {
        lock (_gate)
        {
            Refill(_clock.GetTimestamp());
            var reserve = Math.Max(1, _capacity / 10);
            _tokens = Math.Min(_tokens, Math.Max(0, remaining - reserve));
        }
    }

    /// <summary>The service throttled: nothing goes out until <paramref name="retryAfter"/> has passed, then the refill runs at half speed for 30 s.</summary>
    public void Pause(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            Refill(now);
            _tokens = 0;
            _oneWhenResumed = true; // the request that waited out the Retry-After goes at once; the rest refill slowly
            _pausedUntil = Math.Max(_pausedUntil, now + Ticks(retryAfter));
            _gentleUntil = _pausedUntil + Ticks(GentleFor);
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            Refill(now);
            if (now >= _pausedUntil && _tokens >= permitCount)
            {
                _tokens -= permitCount;
                _granted++;
                return Lease.Granted;
            }

            return new Lease(false, WaitFor(permitCount, now));
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lease = AttemptAcquireCore(permitCount);
            if (lease.IsAcquired || !lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
            {
                return lease;
            }

            await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Refill(long now)
    {
        if (now <= _refilledAt)
        {
            return;
        }

        var from = Math.Max(_refilledAt, _pausedUntil);
        if (now >= _pausedUntil && _oneWhenResumed)
        {
            _tokens = Math.Max(_tokens, 1);
            _oneWhenResumed = false;
        }

        if (now > from)
        {
            var rate = now < _gentleUntil ? _perSecond / 2 : _perSecond;
            _tokens = Math.Min(_capacity, _tokens + ((now - from) / (double)_clock.TimestampFrequency * rate));
        }

        _refilledAt = now;
    }

    private TimeSpan WaitFor(int permitCount, long now)
    {
        var pause = now < _pausedUntil ? (_pausedUntil - now) / (double)_clock.TimestampFrequency : 0;
        var rate = now < _gentleUntil ? _perSecond / 2 : _perSecond;
        var atResume = _oneWhenResumed && now < _pausedUntil ? Math.Max(_tokens, 1) : _tokens; // the one token a pause's end gives at once
        var refill = Math.Max(0, permitCount - atResume) / rate;
        // Whole milliseconds, at least one, rounded up: a timer's unit (a shorter delay would complete at once and spin).
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(Math.Min(pause + refill, 3600) * 1000)));
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
