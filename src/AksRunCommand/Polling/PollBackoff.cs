namespace AksRunCommand.Polling;

/// <summary>
/// The wait before a poll is retried after a transient fault: exponential backoff with decorrelated jitter (the
/// formula Polly v8 uses for its jittered exponential backoff, credited there to George Polevoy; Polly applies it
/// inside a pipeline that waits, and here the loop must do the waiting, so the formula is a function of its own).
/// Its median is about <see cref="ArmRetryOptions.Delay"/> doubled each retry, capped at <see cref="ArmRetryOptions.MaxDelay"/>.
/// A Retry-After is a floor with at most 10 % jitter on top, so many throttled operations do not return in lockstep.
/// </summary>
internal static class PollBackoff
{
    private const double RetryAfterJitter = 0.1;
    private const double Smoothing = 4.0; // smooths the first delays of the series
    private const double ToWholeSeconds = 1 / 1.4; // scales the medians near 1, 2, 4, ... times the base delay

    /// <summary>The delay before retry <paramref name="retry"/> (1 for the first); <paramref name="series"/> carries the formula's state between retries of one series (0 before the first).</summary>
    public static TimeSpan Delay(int retry, TimeSpan? retryAfter, ArmRetryOptions options, Func<double> randomizer, ref double series)
    {
        var exponent = retry - 1 + randomizer();
        var next = Math.Pow(2, exponent) * Math.Tanh(Math.Sqrt(Smoothing * exponent));
        var step = Math.Max(0, next - series);
        series = next;
        var backoff = TimeSpan.FromTicks((long)Math.Min(step * ToWholeSeconds * options.Delay.Ticks, options.MaxDelay.Ticks));
        return retryAfter is { } floor && floor >= backoff ? floor + (floor * (RetryAfterJitter * randomizer())) : backoff;
    }
}
