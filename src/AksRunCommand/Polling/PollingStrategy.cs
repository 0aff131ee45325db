namespace AksRunCommand;

/// <summary>
/// Decides how long to wait before the next poll of a running command. A <c>Retry-After</c> sent by the
/// service is a floor on top of it. Derive from this class to plug in a schedule of your own.
/// </summary>
public abstract class PollingStrategy
{
    /// <summary>The longest delay <see cref="GetDelay"/> may return: 1 hour. A longer or negative one ends the wait with an error that carries the command id.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>
    /// The default: every 1 s for the first 30 s (typical commands finish within that, so the caller learns
    /// of it within a second), every 2 s up to 60 s, every 3 s up to 120 s, then every 5 s.
    /// </summary>
    public static PollingStrategy Default { get; } = new SteppedPollingStrategy();

    /// <summary>A fixed delay between polls (the Azure CLI uses 5 s).</summary>
    /// <param name="interval">The delay; zero or more.</param>
    public static PollingStrategy Fixed(TimeSpan interval) => new SequencePollingStrategy([interval]);

    /// <summary>The given delays in turn, the last one repeated (Azure.Core's ARM schedule is 1,1,1,2,4,8,16,32 s).</summary>
    /// <param name="delays">One or more delays, each zero or more.</param>
    public static PollingStrategy Sequence(params TimeSpan[] delays) => new SequencePollingStrategy(delays);

    /// <summary>The delay before the next poll: 0 to <see cref="MaxDelay"/>.</summary>
    /// <param name="pollCount">How many polls were made so far (0 before the first).</param>
    /// <param name="elapsed">Time since the operation started.</param>
    public abstract TimeSpan GetDelay(int pollCount, TimeSpan elapsed);

    private sealed class SteppedPollingStrategy : PollingStrategy
    {
        public override TimeSpan GetDelay(int pollCount, TimeSpan elapsed) => elapsed.TotalSeconds switch
        {
            < 30 => TimeSpan.FromSeconds(1),
            < 60 => TimeSpan.FromSeconds(2),
            < 120 => TimeSpan.FromSeconds(3),
            _ => TimeSpan.FromSeconds(5),
        };
    }

    private sealed class SequencePollingStrategy : PollingStrategy
    {
        private readonly TimeSpan[] _delays;

        public SequencePollingStrategy(TimeSpan[] delays)
        {
            ArgumentNullException.ThrowIfNull(delays);
            if (delays.Length == 0 || Array.Exists(delays, d => d < TimeSpan.Zero || d > MaxDelay))
            {
                throw new ArgumentException("delays must hold at least one delay, each 0 to 1 hour (PollingStrategy.MaxDelay).", nameof(delays));
            }

            _delays = (TimeSpan[])delays.Clone();
        }

        public override TimeSpan GetDelay(int pollCount, TimeSpan elapsed) => _delays[Math.Min(pollCount, _delays.Length - 1)];
    }
}
