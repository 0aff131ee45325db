using AksRunCommand.Polling;

namespace AksRunCommand.Tests.Polling;

/// <summary>How a simulated service rounds the Retry-After of its 429s.</summary>
public enum RetryAfterRounding
{
    /// <summary>Whole seconds, rounded up (ARM's and the resource provider's header).</summary>
    WholeSeconds,

    /// <summary>Whole milliseconds, rounded up (<c>retry-after-ms</c>).</summary>
    Milliseconds,

    /// <summary>A second more than the whole seconds rounded up (a service that pads its answer).</summary>
    PaddedSeconds,
}

/// <summary>
/// A service that throttles as the resource provider does, in virtual time: one token bucket of <c>burst</c> tokens
/// refilled at <see cref="PerSecond"/>, shared by every client (full at first unless <c>tokens</c> says otherwise); an
/// empty bucket answers 429 with Retry-After = (1 - tokens) / rate, rounded as told. No remaining-budget header: a 429 is
/// all a client learns.
/// </summary>
internal sealed class ThrottledService(double burst, double perSecond, TimeProvider clock, RetryAfterRounding rounding = RetryAfterRounding.WholeSeconds, double? tokens = null)
{
    private readonly double _burst = burst;
    private double _tokens = tokens ?? burst;
    private long _at = clock.GetTimestamp();
    private double _perSecond = perSecond;

    /// <summary>Tokens added per second; a change takes effect from now.</summary>
    public double PerSecond
    {
        get => _perSecond;
        set
        {
            Refill();
            _perSecond = value;
        }
    }

    /// <summary>Takes a token: null when the request is served, else the Retry-After of its 429.</summary>
    public TimeSpan? Take()
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return null;
        }

        var seconds = (1 - _tokens) / _perSecond;
        return rounding switch
        {
            RetryAfterRounding.WholeSeconds => TimeSpan.FromSeconds(Math.Ceiling(seconds)),
            RetryAfterRounding.Milliseconds => TimeSpan.FromMilliseconds(Math.Ceiling(seconds * 1000)),
            _ => TimeSpan.FromSeconds(Math.Ceiling(seconds) + 1),
        };
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + ((now - _at) / (double)clock.TimestampFrequency * _perSecond));
        _at = now;
    }
}

/// <summary>One request a client sent: when, and whether the service refused it (and for how long).</summary>
internal readonly record struct SentRequest(long SentAt, long AnsweredAt, TimeSpan? RetryAfter)
{
    public bool Refused => RetryAfter is not null;
}

/// <summary>A client that always has a request to send: it sends whenever its <see cref="LearnedRate"/> allows.</summary>
internal sealed class SaturatedClient(LearnedRate learned)
{
    public LearnedRate Learned { get; } = learned;

    public List<SentRequest> Sent { get; } = [];

    /// <summary>Every rate the learner went through, with when (after each answer).</summary>
    public List<(long At, double Rate)> Rates { get; } = [];

    /// <summary>How many answers decreased the rate.</summary>
    public int Decreases { get; set; }

    internal long NextTry { get; set; }

    /// <summary>Requests the service served in [from, until), per second.</summary>
    public double ServedPerSecond(long from, long until, long frequency) =>
        Sent.Count(s => !s.Refused && s.SentAt >= from && s.SentAt < until) / ((until - from) / (double)frequency);

    /// <summary>429s among the requests sent in [from, until).</summary>
    public int RefusedBetween(long from, long until) => Sent.Count(s => s.Refused && s.SentAt >= from && s.SentAt < until);
}

/// <summary>
/// Saturated clients against one <see cref="ThrottledService"/> in virtual time on a FakeTimeProvider: answers come
/// back <c>latency</c> after a request left (the service decides when it arrives: at once); the clock jumps to the
/// next answer or the next time a client's learner has a token.
/// </summary>
internal sealed class ThrottlingSimulation(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, ThrottledService service, TimeSpan latency, params SaturatedClient[] clients)
{
    private readonly List<SaturatedClient> _clients = [.. clients];
    private readonly PriorityQueue<(SaturatedClient Client, int Index), (long At, long Sequence)> _answers = new();
    private long _sequence;

    public long Now => clock.GetTimestamp();

    public long Frequency => clock.TimestampFrequency;

    public long Ticks(TimeSpan span) => (long)(span.TotalSeconds * clock.TimestampFrequency);

    /// <summary>A client that starts sending now.</summary>
    public void Join(SaturatedClient client) => _clients.Add(client);

    /// <summary>A client that stops sending now (its answers on the wire still arrive).</summary>
    public void Leave(SaturatedClient client) => _clients.Remove(client);

    /// <summary>Runs until <paramref name="until"/> (a timestamp of the clock).</summary>
    public void RunUntil(long until)
    {
        var wire = Ticks(latency);
        while (true)
        {
            var now = clock.GetTimestamp();
            while (_answers.TryPeek(out _, out var due) && due.At <= now)
            {
                var (client, index) = _answers.Dequeue();
                var sent = client.Sent[index];
                if (sent.RetryAfter is { } retryAfter)
                {
                    if (client.Learned.Refused(sent.SentAt, retryAfter))
                    {
                        client.Decreases++;
                    }
                }
                else
                {
                    client.Learned.Answered();
                }

                client.Rates.Add((now, client.Learned.Rate));
            }

            if (now >= until)
            {
                return;
            }

            foreach (var client in _clients)
            {
                if (client.NextTry > now)
                {
                    continue;
                }

                TimeSpan wait;
                while (client.Learned.TryTake(out wait))
                {
                    var retryAfter = service.Take();
                    client.Sent.Add(new SentRequest(now, now + wire, retryAfter));
                    _answers.Enqueue((client, client.Sent.Count - 1), (now + wire, _sequence++));
                }

                client.NextTry = now + Ticks(wait);
            }

            var next = _clients.Min(c => c.NextTry);
            if (_answers.TryPeek(out _, out var answerAt))
            {
                next = Math.Min(next, answerAt.At);
            }

            clock.Advance(TimeSpan.FromTicks(Math.Max(0, (Math.Min(next, until) - now) * TimeSpan.TicksPerSecond / clock.TimestampFrequency)));
        }
    }
}
