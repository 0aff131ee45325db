using System.Globalization;
using AksRunCommand.Http;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Polling;

/// <summary>The client's budgets, one pair (reads, writes) per subscription, shared by every operation of the client.</summary>
internal sealed class RequestBudgets
{
    private readonly ArmRequestBudget _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid, bool), TokenBucketLimiter> _buckets = [];

    public RequestBudgets(ArmRequestBudget settings, TimeProvider clock, ILogger logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
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
    public bool TryAdmit(Guid subscription, bool write, out TimeSpan retryAfter)
    {
        var bucket = For(subscription, write);
        if (!_settings.Enabled)
        {
            retryAfter = bucket.PausedFor() ?? TimeSpan.Zero;
            return retryAfter == TimeSpan.Zero;
        }

        using var lease = bucket.AttemptAcquire(1);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMilliseconds(100);
        return lease.IsAcquired;
    }

    /// <summary>Waits for a token (when the budget is on; a 429's pause in any case) before a request goes out.</summary>
    public async ValueTask SpendAsync(Guid subscription, bool write, CancellationToken cancellationToken) =>
        await SpendAsync(subscription, write, deadline: null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Waits for a token before a request goes out, but not past <paramref name="deadline"/> (a timestamp of the
    /// clock): false when the deadline came first (then nothing may be sent). No timer is made when none is needed.
    /// </summary>
    public async ValueTask<bool> SpendAsync(Guid subscription, bool write, long? deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAdmit(subscription, write, out var wait))
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

    /// <summary>Learns from an answer: the service's remaining budget, and a 429's Retry-After (which pauses the budget even when it is off).</summary>
    public void Learn(Guid subscription, bool write, ArmResponse response, TimeSpan? retryAfter)
    {
        var bucket = For(subscription, write);
        if (response.Status == 429)
        {
            var pause = retryAfter ?? TimeSpan.FromSeconds(1);
            bucket.Pause(pause);
            Diagnostics.RunCommandLog.BudgetPaused(_logger, write ? "writes" : "reads", subscription, pause);
            return;
        }

        var header = write ? "x-ms-ratelimit-remaining-subscription-writes" : "x-ms-ratelimit-remaining-subscription-reads";
        if (_settings.Enabled && int.TryParse(response.Header(header), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            bucket.Follow(remaining);
        }
    }
}
