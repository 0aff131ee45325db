using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace AksRunCommand.Testing;

/// <summary>
/// Fake time a test drives: every timer the client starts is announced, and <see cref="DriveAsync"/> advances
/// the clock to the earliest deadline of the timers still pending (not in the order they were made), so
/// polling, backoff, Retry-After waits and maximum waits take no real time and each delay is seen.
/// Give it to <see cref="AksRunCommandClientOptions.TimeProvider"/> (and <see cref="FakeAksOptions.TimeProvider"/>).
/// </summary>
public sealed class ManualClock : TimeProvider
{
    // When timers are pending but none was announced after an advance (the fired timer started no new one),
    // wait this long in real time before advancing again; a wait for a result, never a sleep.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _fake = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
    private readonly Lock _gate = new();
    private readonly List<TrackedTimer> _pending = [];

    // Held while a timer is made or changed and while time moves: a timer is tracked, announced and registered
    // with the fake clock as one step, so time never moves past a timer that is announced but not yet registered.
    // A monitor, so a timer made by a callback that an advance fires (on the same thread) may enter again.
    private readonly object _timeGate = new();

    // One outstanding read at a time: a read abandoned by an earlier drive must not swallow the next timer.
    private Task<TimeSpan>? _pendingRead;

    // One driver at a time (DriveAsync, RunAsync, NextTimerAsync): two would share the read above and race for timers.
    private int _driving;
    private int _requestsInFlight;
    private TaskCompletionSource _quiet = NewQuiet(completed: true);
    private int _stuck;

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
        ArgumentNullException.ThrowIfNull(callback);
        lock (_timeGate)
        {
            var timer = new TrackedTimer(this);
            timer.Schedule(dueTime, period);
            timer.Inner = _fake.CreateTimer(
                s =>
                {
                    timer.Fired();
                    callback(s);
                },
                state,
                dueTime,
                period);
            return timer;
        }
    }

    /// <summary>
    /// A transport (give it to <see cref="AksRunCommandClientOptions.Transport"/>) that holds this clock while a
    /// request is on the network: <see cref="DriveAsync"/> moves time only when no answer is on its way, so many
    /// concurrent operations see time as they would in production. <see cref="FakeAks.CreateClient"/> uses it
    /// when the fake runs on a <see cref="ManualClock"/>.
    /// </summary>
    public HttpMessageHandler HoldDuringRequests(HttpMessageHandler? inner = null) => new RequestHold(this, inner ?? new SocketsHttpHandler { AllowAutoRedirect = false });

    /// <summary>Moves time forward, firing the timers that fall due.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_timeGate)
        {
            Advanced.Add(by);
            Elapsed += by;
            _fake.Advance(by);
        }
    }

    /// <summary>Advances the clock through each delay the client asks for until <paramref name="task"/> ends.</summary>
    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan? stopAfter = null)
    {
        await DriveAsync(task, stopAfter);
        return await task;
    }

    /// <summary>
    /// Advances the clock until <paramref name="task"/> ends: each time the client starts a timer, to the earliest
    /// deadline pending; <paramref name="stopAfter"/> stops before a step would pass that much time in all.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another drive (or <see cref="NextTimerAsync"/>) of this clock has not ended.</exception>
    public async Task DriveAsync(Task task, TimeSpan? stopAfter = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var driving = Drive();
        var advancedWithoutAnnouncement = true; // timers already pending (announced to an earlier drive) are not announced again
        while (!task.IsCompleted)
        {
            var next = _pendingRead ??= _timers.Reader.ReadAsync().AsTask();
            var wait = advancedWithoutAnnouncement && HasPending ? Settle : Guard;
            var first = await Task.WhenAny(task, next, Task.Delay(wait));
            if (first == task)
            {
                break;
            }

            if (first == next)
            {
                _pendingRead = null;
                await next;
                while (_timers.Reader.TryRead(out _))
                {
                }
            }
            else if (!HasPending)
            {
                throw new TimeoutException($"ManualClock: the driven task did not finish and started no timer within {Guard.TotalSeconds:0} s of real time.");
            }

            await WhenNoRequestInFlightAsync(task);
            await Task.Yield(); // let work that started alongside announce its own timers first
            switch (AdvanceToEarliest(stopAfter))
            {
                case Step.Nothing:
                    advancedWithoutAnnouncement = false;
                    break;
                case Step.Stop:
                    return;
                default:
                    advancedWithoutAnnouncement = true;
                    break;
            }
        }
    }

    private static TaskCompletionSource NewQuiet(bool completed)
    {
        var quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            quiet.SetResult();
        }

        return quiet;
    }

    private async Task WhenNoRequestInFlightAsync(Task driven)
    {
        while (true)
        {
            Task quiet;
            lock (_gate)
            {
                if (_requestsInFlight == 0)
                {
                    return;
                }

                quiet = _quiet.Task;
            }

            if (await Task.WhenAny(quiet, driven, Task.Delay(Guard)) != quiet)
            {
                return;
            }
        }
    }

    private void RequestStarted()
    {
        lock (_gate)
        {
            if (_requestsInFlight++ == 0)
            {
                _quiet = NewQuiet(completed: false);
            }
        }
    }

    private void RequestEnded()
    {
        lock (_gate)
        {
            if (--_requestsInFlight == 0)
            {
                _quiet.TrySetResult();
            }
        }
    }

    private enum Step
    {
        Nothing,
        Advanced,
        Stop,
    }

    // Under the time gate: no timer can be made between finding the earliest deadline and moving to it.
    private Step AdvanceToEarliest(TimeSpan? stopAfter)
    {
        lock (_timeGate)
        {
            if (EarliestDue() is not { } due)
            {
                return Step.Nothing;
            }

            if (due <= TimeSpan.Zero)
            {
                _fake.Advance(TimeSpan.Zero); // fire what is due now; time does not move
                if (EarliestDue() is { } still && still <= TimeSpan.Zero && ++_stuck > 1000)
                {
                    throw new InvalidOperationException("ManualClock: a timer is due but does not fire.");
                }

                return Step.Advanced;
            }

            _stuck = 0;

            if (stopAfter is { } limit && Elapsed + due > limit)
            {
                return Step.Stop;
            }

            Advance(due);
            return Step.Advanced;
        }
    }

    /// <summary>Waits (in real time, without sleeping) until the client starts its next timer.</summary>
    /// <exception cref="InvalidOperationException">A drive of this clock has not ended.</exception>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var driving = Drive();
        var next = _pendingRead ??= _timers.Reader.ReadAsync().AsTask();
        var due = await next.WaitAsync(Guard);
        _pendingRead = null;
        return due;
    }

    private DriveScope Drive() =>
        Interlocked.Exchange(ref _driving, 1) == 0
            ? new DriveScope(this)
            : throw new InvalidOperationException("ManualClock: the clock is already being driven (DriveAsync, RunAsync or NextTimerAsync has not ended); drive it from one place at a time.");

    private bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0;
            }
        }
    }

    // The time from now to the earliest pending deadline; null when no timer is pending.
    private TimeSpan? EarliestDue()
    {
        lock (_gate)
        {
            return _pending.Count == 0 ? null : _pending.Min(t => t.DueAt) - _fake.GetUtcNow();
        }
    }

    // A disposed timer is never tracked again: a Change after (or racing) its Dispose must not leave a dead timer pending.
    private void Track(TrackedTimer timer, DateTimeOffset? dueAt, TimeSpan? announce, bool dispose = false)
    {
        lock (_gate)
        {
            timer.Disposed |= dispose;
            _pending.Remove(timer);
            if (dueAt is { } at && !timer.Disposed)
            {
                timer.DueAt = at;
                _pending.Add(timer);
            }
            else
            {
                announce = null;
            }
        }

        if (announce is { } due)
        {
            _timers.Writer.TryWrite(due);
        }
    }

    private readonly struct DriveScope(ManualClock clock) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref clock._driving, 0);
    }

    // Knows when its timer is due, so the clock can advance to the earliest one; announces each (re)start.
    private sealed class TrackedTimer(ManualClock clock) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer? Inner { get; set; }

        public DateTimeOffset DueAt { get; set; }

        public bool Disposed { get; set; }

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            clock.Track(this, dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime, dueTime == Timeout.InfiniteTimeSpan ? null : dueTime);
        }

        public void Fired() => clock.Track(this, _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : clock.GetUtcNow() + _period, announce: null);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._timeGate)
            {
                Schedule(dueTime, period);
                return Inner?.Change(dueTime, period) ?? false;
            }
        }

        // Not under the time gate: a timer is disposed by whoever cancels a delay, perhaps holding locks of its own.
        public void Dispose()
        {
            clock.Track(this, null, null, dispose: true);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // Counts a request from its send until its answer was read and the code that awaited it ran up to its next wait
    // (the answer's continuation runs inline, before the hold ends), so the clock never moves between an answer and
    // what its reader makes of it (the next poll it schedules, say).
    private sealed class RequestHold(ManualClock clock, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            clock.RequestStarted();
            var answered = new TaskCompletionSource<HttpResponseMessage>(); // continuations inline: the reader runs first
            _ = ForwardAsync(request, answered, cancellationToken);
            return answered.Task;
        }

        private async Task ForwardAsync(HttpRequestMessage request, TaskCompletionSource<HttpResponseMessage> answered, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                answered.TrySetResult(response);
            }
            catch (OperationCanceledException e)
            {
                answered.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                answered.TrySetException(e);
            }
            finally
            {
                clock.RequestEnded();
            }
        }
    }
}
