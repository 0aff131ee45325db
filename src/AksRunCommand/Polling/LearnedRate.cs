namespace AksRunCommand.Polling;

/// <summary>
/// The request rate one subscription really allows, learned from the service's answers as TCP learns a path's
/// capacity: the resource provider throttles below ARM (AKS documents 60 burst and 1 per second for "all other APIs")
/// and tells nothing but a 429 with Retry-After. A subscription not heard from yet starts small and doubles its rate
/// each second of answers (slow start), so an unknown low limit costs a handful of 429s, not a burst of them (reaching
/// the configured ceiling unthrottled, it lets ARM's own buckets be the limit, bursts included); past the
/// first 429, each answer adds a little (additive increase: <see cref="IncreasePerSecond"/> a second, scaled down while
/// rounds serve fewer than <see cref="AnswersPerRound"/> answers, so a small share of a limit costs few 429s; doubled for every
/// <see cref="ProbeAfter"/> without a 429, so a limit that rose is found again in minutes) and a 429 takes it down to
/// <see cref="Decrease"/> of itself, or half when the round before was refused too (a limit far below the rate is
/// reached in a few rounds), once per round: a 429 of a request sent before the last decrease changes nothing, it
/// belongs to the round already answered. Never above the configured ceiling. Two clients of one principal, each
/// learning alone, converge to sharing the limit. A token bucket on the learned rate paces the requests; the 429's
/// Retry-After pauses it. Not thread-safe: <see cref="RequestBudgets"/> guards it.
/// </summary>
internal sealed class LearnedRate
{
    /// <summary>The rate a subscription not heard from yet starts at: 2 a second.</summary>
    public const double InitialRate = 2;

    /// <summary>The burst a subscription not heard from yet may send at once: 4.</summary>
    public const double InitialBurst = 4;

    /// <summary>What a 429 leaves of the rate: 0.8 (gentler than TCP's half: the service's limit moves little).</summary>
    public const double Decrease = 0.8;

    /// <summary>What a 429 leaves of the rate when the round before was refused too: half.</summary>
    public const double SteepDecrease = 0.5;

    /// <summary>Additive increase once past slow start, in requests a second per second of answers (scaled down while rounds are short).</summary>
    public const double IncreasePerSecond = 0.001;

    /// <summary>The time without a 429 after which the additive increase doubles (and again after each as long).</summary>
    public static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(60);

    // Rounds refused one after the other (the second within this time of the first) decrease steeply.
    private static readonly TimeSpan RoundAfterRound = TimeSpan.FromSeconds(5);

    /// <summary>The answers a round (from one decrease to the next) should serve: 100, a 429 in about 100 requests.</summary>
    public const int AnswersPerRound = 100;

    // The least the additive increase is scaled to.
    private const double MinimumIncreaseScale = 1.0 / 256;

    /// <summary>The lowest rate: one request in 20 seconds.</summary>
    public const double MinimumRate = 0.05;

    private readonly TimeProvider _clock;
    private readonly double _ceiling;
    private readonly double _ceilingBurst;
    private long _doubledAt;
    private double _tokens = InitialBurst;
    private long _refilledAt;
    private long _pausedUntil;
    private long _decreasedAt = long.MinValue / 2; // far in the past, with room to subtract from now
    private long _roundEndedAt = long.MinValue / 2; // when the pause the last decrease began ended (or ends)
    private double _threshold = double.PositiveInfinity;
    private bool _oneAtResume;
    private double _increaseScale = 1; // answers a round (smoothed) / AnswersPerRound, at most 1
    private long _answersThisRound;
    private double _roundAnswers; // answers a round, smoothed

    /// <param name="ceiling">The configured rate it never goes above (ARM's documented reads and writes a second).</param>
    /// <param name="ceilingBurst">The burst allowed once slow start reached the ceiling unthrottled (ARM's documented buckets): there, ARM's own buckets are the limit.</param>
    /// <param name="clock">The client's clock.</param>
    public LearnedRate(double ceiling, double ceilingBurst, TimeProvider clock)
    {
        _ceiling = Math.Max(MinimumRate, ceiling);
        _ceilingBurst = Math.Max(InitialBurst, ceilingBurst);
        _clock = clock;
        Rate = Math.Min(InitialRate, _ceiling);
        _refilledAt = clock.GetTimestamp();
        _doubledAt = _refilledAt;
    }

    /// <summary>The rate it allows now, in requests a second.</summary>
    public double Rate { get; private set; }

    /// <summary>True until the first 429 (or the ceiling): the rate doubles each second of answers.</summary>
    public bool SlowStart => Rate < _threshold;

    /// <summary>True once a 429 was heard.</summary>
    public bool Throttled { get; private set; }

    /// <summary>Takes a token now if there is one; else false with the wait until there is.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        var now = _clock.GetTimestamp();
        Refill(now);

        if (now < _pausedUntil)
        {
            retryAfter = WholeMilliseconds((_pausedUntil - now) / (double)_clock.TimestampFrequency); // one goes at once when it ends
            return false;
        }

        if (_tokens >= 1 - 1e-9) // a token up to rounding: a wait shorter than a tick would never end
        {
            _tokens = Math.Max(0, _tokens - 1);
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = WholeMilliseconds((1 - _tokens) / Rate);
        return false;
    }

    /// <summary>Gives back a token taken for a request that was not sent after all.</summary>
    public void GiveBack() => _tokens = Math.Min(Burst, _tokens + 1);

    /// <summary>An answer that was not a 429 came: the rate grows (doubling per second in slow start, additively after).</summary>
    /// <returns>True when the rate crossed a tenth of itself since it was last reported (for a Debug line).</returns>
    public bool Answered()
    {
        var before = Rate;
        _answersThisRound++;
        if (SlowStart)
        {
            // Doubles once per second of answers (a round): answers that come back at once must not grow it past what
            // a second of the service's limit has shown.
            var now = _clock.GetTimestamp();
            if (now - _doubledAt >= _clock.TimestampFrequency / 2)
            {
                Rate = Math.Min(_ceiling, Rate * 2);
                _doubledAt = now;
            }
        }
        else
        {
            // A round already longer than the smoothed ones (other learners left, the limit rose) counts as it goes.
            var scale = Math.Max(_increaseScale, Math.Min(1, _answersThisRound / (double)AnswersPerRound));
            var quiet = (_clock.GetTimestamp() - _decreasedAt) / (double)_clock.TimestampFrequency;
            var probing = Math.Pow(2, Math.Min(10, Math.Floor(quiet * scale / ProbeAfter.TotalSeconds)));
            Rate = Math.Min(_ceiling, Rate + (IncreasePerSecond * probing * scale / Rate)); // at Rate answers a second: + increase a second
        }

        return Math.Floor(Math.Log(Rate, 1.1)) != Math.Floor(Math.Log(before, 1.1));
    }

    /// <summary>A 429 for a request sent at <paramref name="sentAt"/>: a pause for its Retry-After, and a decrease once per round.</summary>
    /// <returns>True when the rate decreased (the first 429 of a round).</returns>
    public bool Refused(long sentAt, TimeSpan retryAfter)
    {
        var now = _clock.GetTimestamp();
        Refill(now);
        _pausedUntil = Math.Max(_pausedUntil, now + (long)(retryAfter.TotalSeconds * _clock.TimestampFrequency));
        Throttled = true;
        if (sentAt <= _decreasedAt)
        {
            return false; // sent before the last decrease: its round was answered already
        }

        // Refused again within a little of the end of the last round's pause (not of its decrease: a Retry-After of 5 s or more
        // would always exceed that): the limit is far below, halve. Slow start overshoots up to twice.
        var steep = SlowStart || now - _roundEndedAt < RoundAfterRound.TotalSeconds * _clock.TimestampFrequency;
        if (!steep)
        {
            // A round that served few answers before its 429 increased too fast for the share this learner has (a low
            // limit, or many learners on one): the increase, and the minute after which it doubles, scale with the answers
            // rounds serve (smoothed; full from AnswersPerRound). Learners sharing a limit see rounds alike, so they keep
            // alike increases and still converge to equal shares (a scale each learner drives on its own, toward exactly
            // AnswersPerRound, drifted apart: shares of 94 and 6 %).
            _roundAnswers = _roundAnswers is 0 ? _answersThisRound : (0.75 * _roundAnswers) + (0.25 * _answersThisRound);
            _increaseScale = Math.Clamp(_roundAnswers / AnswersPerRound, MinimumIncreaseScale, 1);
        }

        _answersThisRound = 0;
        _decreasedAt = now;
        _roundEndedAt = _pausedUntil;
        Rate = Math.Max(MinimumRate, Rate * (steep ? SteepDecrease : Decrease));
        _threshold = Rate; // slow start ends here for good
        _tokens = Math.Min(_tokens, 0); // the service's bucket is empty: after the pause, one request at once, then the new rate
        _oneAtResume = true;
        return true;
    }

    // A second's worth of tokens at the learned rate (at least the initial burst): what may go out at once; ARM's bursts
    // once slow start reached the ceiling without a 429.
    private double Burst => !Throttled && Rate >= _ceiling ? _ceilingBurst : Math.Max(InitialBurst, Rate);

    private void Refill(long now)
    {
        if (now <= _refilledAt)
        {
            return;
        }

        var from = Math.Max(_refilledAt, _pausedUntil);
        if (now >= _pausedUntil && _oneAtResume)
        {
            _tokens = Math.Max(_tokens, 1); // the request that waited out the Retry-After goes at once (TCP's one segment after a timeout)
            _oneAtResume = false;
        }

        if (now > from)
        {
            _tokens = Math.Min(Burst, _tokens + ((now - from) / (double)_clock.TimestampFrequency * Rate));
        }

        _refilledAt = now;
    }

    // Whole milliseconds, at least one, rounded up: a timer's unit (a shorter wait completes at once, and would spin).
    private static TimeSpan WholeMilliseconds(double seconds) => TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(seconds * 1000)));
}
