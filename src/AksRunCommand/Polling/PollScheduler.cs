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
        lock (_gate)
        {
            operation.Changed ??= () =>
            {
                lock (_gate)
                {
                    Wake();
                }
            };
            operation.Waiters.Add(waiter);
            _operations.Add(operation);
            StartOrWakeLoop();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() => Leave(operation, waiter, operation.Canceled(maxWaitElapsed: false, cancellationToken)));
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

            Wake();
        }

        waiter.Fail(reason);
    }

    // Called under _gate.
    private void StartOrWakeLoop()
    {
        if (_running)
        {
            Wake();
            return;
        }

        _running = true;
        _ = RunLoopAsync();
    }

    // Called under _gate.
    private void Wake() => _wake?.Cancel();

    private async Task RunLoopAsync()
    {
        await Task.Yield(); // the loop runs apart from the caller that started it
        while (true)
        {
            TimeSpan? wait;
            CancellationTokenSource wake;
            List<(PollWaiter Waiter, ScheduledOperation Operation)> expired = [];
            List<ScheduledOperation> due = [];
            lock (_gate)
            {
                var now = _timeProvider.GetTimestamp();
                long? next = null;
                foreach (var operation in _operations.ToList())
                {
                    foreach (var waiter in operation.Waiters.Where(w => w.Deadline <= now && (!operation.InFlight || operation.InBackoff)).ToList())
                    {
                        operation.Waiters.Remove(waiter);
                        expired.Add((waiter, operation));
                    }

                    if (operation.Waiters.Count == 0 && !operation.InFlight)
                    {
                        operation.StopPolling();
                        _operations.Remove(operation);
                        continue;
                    }

                    if (operation.Waiters.Count == 0)
                    {
                        continue; // its poll finishes, then it leaves
                    }

                    if (!operation.InFlight && operation.NextPollAt <= now)
                    {
                        due.Add(operation);
                    }
                    else if (!operation.InFlight)
                    {
                        next = Min(next, operation.NextPollAt);
                    }

                }

                next = Min(next, Admit(due, now));
                foreach (var operation in _operations)
                {
                    // A deadline is kept between polls and during a retry's backoff; while a request is on the network
                    // it ends first (at most the HTTP timeout), so virtual time never runs past a poll still answering.
                    if (!operation.InFlight || operation.InBackoff)
                    {
                        foreach (var waiter in operation.Waiters)
                        {
                            next = Min(next, waiter.Deadline);
                        }
                    }
                }

                if (_operations.Count == 0)
                {
                    _running = false;
                    _wake = null;
                    wait = null;
                    wake = null!;
                }
                else
                {
                    _wake = wake = new CancellationTokenSource();
                    wait = next is { } at ? Until(at, now) : null;
                }
            }

            foreach (var (waiter, operation) in expired)
            {
                waiter.Fail(operation.Canceled(maxWaitElapsed: true, CancellationToken.None));
            }

            if (wake is null)
            {
                return;
            }

            try
            {
                await Task.Delay(wait ?? Timeout.InfiniteTimeSpan, _timeProvider, wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // woken: something changed; look again
            }
            finally
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_wake, wake))
                    {
                        _wake = null;
                    }
                }

                wake.Dispose();
            }
        }
    }

    private async Task PollAsync(ScheduledOperation operation)
    {
        await Task.Yield(); // polls of different operations run side by side, apart from the loop
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

        List<PollWaiter> done = [];
        lock (_gate)
        {
            operation.InFlight = false;
            if (step.Result is not null || step.Error is not null)
            {
                done.AddRange(operation.Waiters);
                operation.Waiters.Clear();
                _operations.Remove(operation);
            }
            else if (step.NextDelay is { } delay)
            {
                operation.NextPollAt = _timeProvider.GetTimestamp() + (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
            }

            Wake();
        }

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

    // Called under _gate. Starts the due polls the read budget allows, most likely finished first; the rest stay
    // due. Returns when the budget has a token again for a subscription that ran short.
    private long? Admit(List<ScheduledOperation> due, long now)
    {
        long? retry = null;
        var shortOf = new HashSet<Guid>();
        foreach (var operation in due.OrderByDescending(o => PollPriority.Score(Elapsed(o.StartedAt, now), Elapsed(o.StartedAt, o.LastPolledAt))))
        {
            if (shortOf.Contains(operation.Subscription))
            {
                continue;
            }

            if (!_budgets.Enabled && _budgets.For(operation.Subscription, write: false).PausedFor() is { } pause)
            {
                shortOf.Add(operation.Subscription); // the service said 429: even without a budget, wait it out
                retry = Min(retry, now + (long)(pause.TotalSeconds * _timeProvider.TimestampFrequency));
                continue;
            }

            if (_budgets.Enabled)
            {

                using var lease = _budgets.For(operation.Subscription, write: false).AttemptAcquire(1);
                if (!lease.IsAcquired)
                {
                    shortOf.Add(operation.Subscription);
                    var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMilliseconds(100);
                    retry = Min(retry, now + (long)(wait.TotalSeconds * _timeProvider.TimestampFrequency));
                    continue;
                }
            }

            operation.Paid = _budgets.Enabled;
            operation.InFlight = true;
            operation.LastPolledAt = now;
            _ = PollAsync(operation);
        }

        return retry;
    }

    private TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((to - from) / (double)_timeProvider.TimestampFrequency);

    // The loop wakes at least hourly, so no wait outgrows what a timer can hold (a deadline may be months away).
    private TimeSpan Until(long at, long now)
    {
        var seconds = Math.Clamp((at - now) / (double)_timeProvider.TimestampFrequency, 0, MaxSleep.TotalSeconds);
        return TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
