using System.Globalization;
using AksRunCommand.Http;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Polling;

/// <summary>
/// The client's request budgets per subscription, shared by every operation of the client: ARM's documented token
/// buckets for reads and for writes (the configured ceilings, which follow ARM's remaining-budget headers down), and
/// under them one <see cref="LearnedRate"/> per subscription for both kinds (the resource provider documents one bucket
/// for "all other APIs": run requests and polls alike), learned from the service's answers. A request goes out when both
/// its kind's bucket and the learned rate have a token.
/// </summary>
internal sealed class RequestBudgets
{
    private const string ReadsHeader = "x-ms-ratelimit-remaining-subscription-reads";
    private const string WritesHeader = "x-ms-ratelimit-remaining-subscription-writes";

    private readonly ArmRequestBudget _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid, bool), TokenBucketLimiter> _buckets = [];
    private readonly Dictionary<Guid, LearnedRate> _learned = [];

    public RequestBudgets(ArmRequestBudget settings, TimeProvider clock, ILogger logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
        Diagnostics.Telemetry.Observe(this);
    }

    /// <summary>The rate learned for each subscription heard from, in requests a second (the request-rate metric).</summary>
    public IReadOnlyList<(Guid Subscription, double Rate)> LearnedRates
    {
        get
        {
            lock (_gate)
            {
                return [.. _learned.Select(l => (l.Key, l.Value.Rate))];
            }
        }
    }

    /// <summary>True once the service throttled <paramref name="subscription"/>: requests, not time, are what its work is short of.</summary>
    public bool LimitedByService(Guid subscription)
    {
        lock (_gate)
        {
            return _learned.TryGetValue(subscription, out var learned) && learned.Throttled;
        }
    }

    /// <summary>The rate learned for <paramref name="subscription"/>; null before it was heard from or with the budget off.</summary>
    public double? RateOf(Guid subscription)
    {
        lock (_gate)
        {
            return _learned.TryGetValue(subscription, out var learned) ? learned.Rate : null;
        }
    }

    public bool Enabled => _settings.Enabled;

    public TokenBucketLimiter For(Guid subscription, bool write)
    {
        lock (_gate)
        {
            if (!_buckets.TryGetValue((subscription, write), out var bucket))
            {
                bucket = write
                    ? new TokenBucketLimiter(_settings.WriteCapacity, _settings.WritesPerSecond, _clock)
                    : new TokenBucketLimiter(_settings.ReadCapacity, _settings.ReadsPerSecond, _clock);
                _buckets[(subscription, write)] = bucket;
            }

            return bucket;
        }
    }

    /// <summary>
    /// Takes a token now if there is one (the loop's admission, which never waits): false with the wait until the
    /// next one. With the budget off, only a 429's pause holds a request back.
    /// </summary>
    public bool TryAdmit(Guid subscription, RequestKind kind, out TimeSpan retryAfter)
    {
        var bucket = For(subscription, write: kind == RequestKind.Run);
        if (!_settings.Enabled)
        {
            retryAfter = bucket.PausedFor() ?? TimeSpan.Zero;
            return retryAfter == TimeSpan.Zero;
        }

        lock (_gate)
        {
            var learned = kind == RequestKind.ClusterRead ? null : Learned(subscription);
            if (learned?.TryTake(out retryAfter) == false)
            {
                return false;
            }

            using var lease = bucket.AttemptAcquire(1);
            if (!lease.IsAcquired)
            {
                learned?.GiveBack();
                retryAfter = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMilliseconds(100);
                return false;
            }

            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>Waits for a token (when the budget is on; a 429's pause in any case) before a request goes out.</summary>
    public async ValueTask SpendAsync(Guid subscription, RequestKind kind, CancellationToken cancellationToken) =>
        await SpendAsync(subscription, kind, deadline: null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Waits for a token before a request goes out, but not past <paramref name="deadline"/> (a timestamp of the
    /// clock): false when the deadline came first (then nothing may be sent). No timer is made when none is needed.
    /// </summary>
    public async ValueTask<bool> SpendAsync(Guid subscription, RequestKind kind, long? deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAdmit(subscription, kind, out var wait))
            {
                return true;
            }

            if (deadline is { } last)
            {
                var left = TimeSpan.FromSeconds((last - _clock.GetTimestamp()) / (double)_clock.TimestampFrequency);
                if (left <= wait)
                {
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left, _clock, cancellationToken).ConfigureAwait(false);
                    }

                    return false;
                }
            }

            await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Learns from the answer to a request sent at <paramref name="sentAt"/> (a timestamp of the clock): ARM's remaining
    /// budget of its kind; a 429 pauses for its Retry-After and decreases the learned rate (once per round); any other
    /// answer but a 5xx grows it. With the budget off, only a 429's pause is kept, of that kind.
    /// </summary>
    public void Learn(Guid subscription, RequestKind kind, ArmResponse response, TimeSpan? retryAfter, long sentAt)
    {
        var write = kind == RequestKind.Run;
        var learns = kind != RequestKind.ClusterRead && _settings.Enabled;
        var bucket = For(subscription, write);
        int? remaining = int.TryParse(response.Header(write ? WritesHeader : ReadsHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var left) ? left : null;
        if (response.Status == 429)
        {
            var pause = retryAfter ?? TimeSpan.FromSeconds(1);
            if (!_settings.Enabled || remaining == 0)
            {
                bucket.Pause(pause); // ARM's own bucket of this kind is empty (or there is no budget but this pause)
                Diagnostics.RunCommandLog.BudgetPaused(_logger, write ? "writes" : "reads", subscription, pause);
            }

            if (learns)
            {
                bool first, decreased;
                double rate;
                lock (_gate)
                {
                    var learned = Learned(subscription);
                    first = !learned.Throttled;
                    decreased = learned.Refused(sentAt, pause);
                    rate = learned.Rate;
                }

                if (first)
                {
                    Diagnostics.RunCommandLog.FirstThrottle(_logger, subscription, pause, rate);
                }
                else if (decreased)
                {
                    Diagnostics.RunCommandLog.RateDecreased(_logger, subscription, rate, pause);
                }
            }

            return;
        }

        if (!_settings.Enabled)
        {
            return;
        }

        if (remaining is { } r)
        {
            bucket.Follow(r);
        }

        if (learns && response.Status < 500)
        {
            double rate;
            bool moved;
            lock (_gate)
            {
                var learned = Learned(subscription);
                moved = learned.Answered();
                rate = learned.Rate;
            }

            if (moved)
            {
                Diagnostics.RunCommandLog.RateIncreased(_logger, subscription, rate);
            }
        }
    }

    // Under the lock.
    private LearnedRate Learned(Guid subscription)
    {
        if (!_learned.TryGetValue(subscription, out var learned))
        {
            _learned[subscription] = learned = new LearnedRate(_settings.ReadsPerSecond + _settings.WritesPerSecond, _settings.ReadCapacity + _settings.WriteCapacity, _clock);
        }

        return learned;
    }
}
