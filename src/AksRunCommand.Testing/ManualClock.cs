using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace AksRunCommand.Testing;

/// <summary>
/// Fake time a test drives: every timer the client starts is announced, and the test advances the clock by
/// exactly that much, so polling, backoff and Retry-After waits take no real time and each delay is seen.
/// Give it to <see cref="AksRunCommandClientOptions.TimeProvider"/> (and <see cref="FakeAksOptions.TimeProvider"/>).
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    // One outstanding read at a time: a read abandoned by an earlier drive must not swallow the next timer.
    private Task<TimeSpan>? _pendingRead;

    /// <summary>Each step the clock was advanced by, in order.</summary>
    public List<TimeSpan> Advanced { get; } = [];

    /// <summary>The total time advanced.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => _fake.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => _fake.TimestampFrequency;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _fake.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Moves time forward, firing the timers that fall due.</summary>
    public void Advance(TimeSpan by)
    {
        Advanced.Add(by);
        Elapsed += by;
        _fake.Advance(by);
    }

    /// <summary>Advances the clock through each delay the client asks for until <paramref name="task"/> ends.</summary>
    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan? stopAfter = null)
    {
        await DriveAsync(task, stopAfter);
        return await task;
    }

    /// <summary>Advances the clock through each delay the client asks for until <paramref name="task"/> ends.</summary>
    public async Task DriveAsync(Task task, TimeSpan? stopAfter = null)
    {
        var guard = TimeSpan.FromSeconds(30); // a real-time guard against a hung test, not a sleep
        while (!task.IsCompleted)
        {
            var next = _pendingRead ??= _timers.Reader.ReadAsync().AsTask();
            var first = await Task.WhenAny(task, next).WaitAsync(guard);
            if (first == task)
            {
                break;
            }

            _pendingRead = null;
            var due = await next;
            if (stopAfter is { } limit && Elapsed + due > limit)
            {
                break;
            }

            Advance(due);
        }
    }

    /// <summary>Waits (in real time, without sleeping) until the client starts its next timer.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        var next = _pendingRead ??= _timers.Reader.ReadAsync().AsTask();
        var due = await next.WaitAsync(TimeSpan.FromSeconds(30));
        _pendingRead = null;
        return due;
    }
}
