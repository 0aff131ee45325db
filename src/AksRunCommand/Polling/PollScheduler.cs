using AksRunCommand.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Polling;

/// <summary>
/// The one poll loop of a client: every operation somebody waits for is polled from here, on one timer, when
/// its next poll falls due; a waiter's maximum wait is a deadline on the same timer. An operation nobody waits
/// for is not polled. Polls of different operations run concurrently; one operation never has two in flight.
/// </summary>
internal sealed class PollScheduler
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);
    private readonly TimeProvider _timeProvider;
    private readonly RequestBudgets _budgets;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<ScheduledOperation> _operations = [];
    private CancellationTokenSource? _wake;
    private bool _running;

    public PollScheduler(TimeProvider timeProvider, RequestBudgets budgets, ILogger logger)
    {
        _timeProvider = timeProvider;
        _budgets = budgets;
        _logger = logger;
    }

    /// <summary>Waits for <paramref name="operation"/> with a deadline (a timestamp of the scheduler's clock) or none.</summary>
    public Task<CommandResult> WaitAsync(ScheduledOperation operation, long? deadline, CancellationToken cancellationToken)
    {
        var waiter = new PollWaiter(deadline);
        bool start;
        lock (_gate)
        {
            operation.Changed ??= WakeLoop;
            operation.Waiters.Add(waiter);
            if (_operations.Add(operation))
            {
                Telemetry.ActiveOperations.Add(1);
            }
            start = !_running;
            _running = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() => Leave(operation, waiter, operation.Canceled(maxWaitElapsed: false, cancellationToken)));
        }

        if (start)
        {
            _ = RunLoopAsync(); // its first look runs here, up to the first poll's first await
        }
        else
        {
            WakeLoop();
        }

        return waiter.Completion.Task;
    }

    private void Leave(ScheduledOperation operation, PollWaiter waiter, Exception reason)
    {
        lock (_gate)
        {
            if (!operation.Waiters.Remove(waiter))
            {
                return;
            }

            if (operation.Waiters.Count == 0)
            {
                operation.StopPolling(); // the last waiter left: nothing polls that nobody awaits
            }
        }

        WakeLoop();
        waiter.Fail(reason);
    }

    // Never called under _gate: a woken loop may go on running on the caller's thread, and it starts polls, which
    // must not run under the lock. Reading _wake under the lock after a change is what makes the change seen:
    // either the loop looked before the change (and sleeps on this _wake) or it looks after it.
    private void WakeLoop()
    {
        CancellationTokenSource? wake;
        lock (_gate)
        {
            wake = _wake;
        }

        wake?.Cancel();
    }

    private async Task RunLoopAsync()
    {
        List<(PollWaiter Waiter, ScheduledOperation Operation)> expired = [];
        List<ScheduledOperation> due = [];
        List<ScheduledOperation> leaving = [];
        List<ScheduledOperation> admitted = [];
        while (true)
        {
            TimeSpan? wait;
            CancellationTokenSource? wake;
            lock (_gate)
            {
                var now = _timeProvider.GetTimestamp();
                long? next = null;
                foreach (var operation in _operations)
                {
                    var waiters = operation.Waiters;
                    for (var i = waiters.Count - 1; i >= 0; i--)
                    {
                        if (waiters[i].Deadline <= now && (!operation.InFlight || operation.InBackoff))
                        {
                            expired.Add((waiters[i], operation));
                            waiters.RemoveAt(i);
                        }
                    }

                    if (waiters.Count == 0)
                    {
                        if (!operation.InFlight)
                        {
                            operation.StopPolling();
                            leaving.Add(operation);
                        }

                        continue; // an operation in flight leaves when its poll is done
                    }

                    if (operation.InFlight)
                    {
                        continue;
                    }

                    if (operation.NextPollAt <= now)
                    {
                        due.Add(operation);
                    }
                    else
                    {
                        next = Min(next, operation.NextPollAt);
                    }
                }

                foreach (var operation in leaving)
                {
                    if (_operations.Remove(operation))
                    {
                        Telemetry.ActiveOperations.Add(-1);
                    }
                }

                next = Min(next, Admit(due, now, admitted));
                foreach (var operation in _operations)
                {
                    // A deadline is kept between polls and during a retry's backoff; while a request is on the network
                    // it ends first (at most the HTTP timeout), so virtual time never runs past a poll still answering.
                    if (!operation.InFlight || operation.InBackoff)
                    {
                        next = MinDeadline(next, operation.Waiters);
                    }
                }

                if (_operations.Count == 0)
                {
                    _running = false;
                    _wake = null;
                    wait = null;
                    wake = null;
                }
                else
                {
                    // Not disposed: it has no timer, and a late Cancel from a poll that read it must not throw.
                    _wake = wake = new CancellationTokenSource();
                    wait = next is { } at ? Until(at, now) : null;
                }
            }

            foreach (var (waiter, operation) in expired)
            {
                waiter.Fail(operation.Canceled(maxWaitElapsed: true, CancellationToken.None));
            }

            foreach (var operation in admitted)
            {
                _ = PollAsync(operation); // runs here up to its first await: no thread hop per poll
            }

            expired.Clear();
            due.Clear();
            leaving.Clear();
            admitted.Clear();
            if (wake is null)
            {
                return;
            }

            // Woken (something changed) or due: look again. Waking is the common case (every poll's answer wakes the
            // loop), so it must not cost a thrown and caught exception.
            await Task.Delay(wait ?? Timeout.InfiniteTimeSpan, _timeProvider, wake.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_gate)
            {
                if (ReferenceEquals(_wake, wake))
                {
                    _wake = null;
                }
            }
        }
    }

    private async Task PollAsync(ScheduledOperation operation)
    {
        PollStep step;
        try
        {
            step = await operation.PollAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (operation.PollingStopped)
        {
            step = new PollStep(null, null, null); // its waiters left while it was in flight
        }
        catch (Exception e)
        {
            step = new PollStep(null, null, operation.Failure(e));
        }

        PollWaiter[] done = [];
        lock (_gate)
        {
            operation.InFlight = false;
            if (step.Result is not null || step.Error is not null)
            {
                done = [.. operation.Waiters];
                operation.Waiters.Clear();
                if (_operations.Remove(operation))
                {
                    Telemetry.ActiveOperations.Add(-1);
                }
            }
            else if (step.NextDelay is { } delay)
            {
                operation.NextPollAt = _timeProvider.GetTimestamp() + (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
            }
        }

        WakeLoop();
        foreach (var waiter in done)
        {
            if (step.Result is { } result)
            {
                waiter.Succeed(result);
            }
            else
            {
                waiter.Fail(step.Error!);
            }
        }

        if (step.Error is not null)
        {
            RunCommandLog.PollFailed(_logger, operation.CommandId, step.Error.GetType().Name);
        }
    }

    // Called under _gate. Picks the due polls the read budget allows, most likely finished first, into
    // <paramref name="admitted"/> (started once the lock is released); the rest stay due. Returns when the budget
    // has a token again for a subscription that ran short.
    private long? Admit(List<ScheduledOperation> due, long now, List<ScheduledOperation> admitted)
    {
        long? retry = null;
        HashSet<Guid>? shortOf = null;
        if (due.Count > 1 && _budgets.Enabled)
        {
            // Most likely finished first; ties keep their order, so a run is reproducible.
            var keyed = new (double Score, int Order, ScheduledOperation Operation)[due.Count];
            for (var i = 0; i < keyed.Length; i++)
            {
                keyed[i] = (Score(due[i], now), i, due[i]);
            }

            Array.Sort(keyed, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Order.CompareTo(b.Order));
            for (var i = 0; i < keyed.Length; i++)
            {
                due[i] = keyed[i].Operation;
            }
        }

        foreach (var operation in due)
        {
            if (shortOf?.Contains(operation.Subscription) == true)
            {
                continue;
            }

            if (!_budgets.Enabled && _budgets.For(operation.Subscription, write: false).PausedFor() is { } pause)
            {
                (shortOf ??= []).Add(operation.Subscription); // the service said 429: even without a budget, wait it out
                retry = Min(retry, now + Math.Max(1, (long)Math.Ceiling(pause.TotalSeconds * _timeProvider.TimestampFrequency)));
                continue;
            }

            if (_budgets.Enabled)
            {
                using var lease = _budgets.For(operation.Subscription, write: false).AttemptAcquire(1);
                if (!lease.IsAcquired)
                {
                    (shortOf ??= []).Add(operation.Subscription);
                    var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMilliseconds(100);
                    retry = Min(retry, now + Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds * _timeProvider.TimestampFrequency)));
                    continue;
                }
            }

            operation.Paid = _budgets.Enabled;
            operation.InFlight = true;
            operation.LastPolledAt = now;
            admitted.Add(operation);
        }

        return retry;
    }

    private double Score(ScheduledOperation operation, long now) =>
        PollPriority.Score(Elapsed(operation.StartedAt, now), Elapsed(operation.StartedAt, operation.LastPolledAt));

    private static long? MinDeadline(long? next, List<PollWaiter> waiters)
    {
        foreach (var waiter in waiters)
        {
            next = Min(next, waiter.Deadline);
        }

        return next;
    }

    private TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((to - from) / (double)_timeProvider.TimestampFrequency);

    // The loop wakes at least hourly, so no wait outgrows what a timer can hold (a deadline may be months away).
    private TimeSpan Until(long at, long now)
    {
        var seconds = Math.Clamp((at - now) / (double)_timeProvider.TimestampFrequency, 0, MaxSleep.TotalSeconds);
        // Whole milliseconds, rounded up: timers (the system's and the test clock's) count in milliseconds, and a
        // delay under one completes at once, which would make the loop look again without waiting.
        return TimeSpan.FromMilliseconds(Math.Ceiling(seconds * 1000));
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
