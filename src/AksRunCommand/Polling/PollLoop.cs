using AksRunCommand.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Polling;

/// <summary>
/// The one poll loop of a client. Every operation somebody waits for is polled from here: one queue of due times
/// (polls, retries, waiters' deadlines), one timer on the injected clock re-armed only when the head moves
/// earlier, one lock under which <see cref="PollTransitions"/> decides; the effects run after the lock is released.
/// The read budget admits due polls here, most likely finished first; a refusal is a later turn. Polls start on
/// the loop's own threads (its timer, a poll's completion) or on the thread pool, never in a waiter's execution
/// context; an exception fails the operation it belongs to and is logged, and the loop goes on.
/// </summary>
internal sealed class PollLoop
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    // How deep this thread is in the loop's own work (its timer, a poll's completion): polls started at depth 0 (a
    // waiter's thread) or 1 run inline, a waiter's in the default execution context; deeper (a poll that answered at once
    // inside another's start) they go to the thread pool, so nothing recurses.
    [ThreadStatic]
    private static int t_depth;

    // The execution context of a thread nobody set anything in: no AsyncLocal, no logging scope, no Activity. Captured
    // once, on a thread started without the caller's context (a thread's first context is the default one).
    private static readonly Lazy<ExecutionContext> DefaultContext = new(CaptureDefaultContext);

    private readonly TimeProvider _clock;
    private readonly RequestBudgets _budgets;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly object _timerGate = new(); // whoever holds it issues the timer's changes, in order; never waited for
    private readonly DueQueue _queue = new();
    private readonly PollTransitions _transitions;
    private readonly ITimer _timer;
    private readonly List<PolledOperation> _due = [];
    private long? _armedAt; // under _gate
    private int _rearmRequested;

    public PollLoop(TimeProvider clock, RequestBudgets budgets, ArmRetryOptions retry, Func<double> randomizer, ILogger logger)
    {
        _clock = clock;
        _budgets = budgets;
        _logger = logger;
        _transitions = new PollTransitions(_queue, retry, randomizer, clock);
        using (ExecutionContext.SuppressFlow())
        {
            _timer = clock.CreateTimer(static s => ((PollLoop)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan); // no caller's context in it
        }
    }

    /// <summary>
    /// Waits until the command finishes (<see cref="PollWaiterKind.UntilDone"/>) or a poll answers
    /// (<see cref="PollWaiterKind.NextAnswer"/>); <c>deadline</c> is a timestamp of the loop's clock at which this waiter
    /// stops (null for none); cancelling ends this waiter only.
    /// </summary>
    public Task<object> WaitAsync(PolledOperation operation, PollWaiterKind kind, long? deadline, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromException<object>(operation.Command.Stopped(maxWaitElapsed: false, cancellationToken));
        }

        var waiter = new PollWaiter(kind, deadline) { CancellationToken = cancellationToken };
        Run(operation, PollEvent.Join(waiter));
        if (cancellationToken.CanBeCanceled)
        {
            // Registered after the waiter is published; Attach lets it go at once if the waiter completed meanwhile.
            waiter.Attach(cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (loop, operation, waiter) = ((PollLoop, PolledOperation, PollWaiter))state!;
                    loop.Run(operation, PollEvent.Leave(waiter, operation.Command.Stopped(maxWaitElapsed: false, token)));
                },
                (this, operation, waiter)));
        }

        return waiter.Task;
    }

    // One step: decide under the lock (the event, then whatever else came due), then act, then re-arm the timer.
    private void Run(PolledOperation? operation, in PollEvent e)
    {
        var effects = new List<PollEffect>();
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (operation is not null)
            {
                Apply(operation, e, now, effects);
            }

            Drain(now, effects);
        }

        Perform(effects);
        Rearm();
    }

    private void Apply(PolledOperation operation, in PollEvent e, long now, List<PollEffect> effects)
    {
        try
        {
            _transitions.Apply(operation, e, now, effects);
        }
        catch (Exception fault)
        {
            // A fault of the loop's own: it fails this operation's waiters, never the loop or the other operations.
            effects.Add(new PollEffect(PollEffectKind.LoopFault, operation, Error: fault));
            _transitions.Apply(operation, PollEvent.Faulted(fault), now, effects);
        }
    }

    // Under the lock: everything due by now. Deadlines end their waiter; due polls go to the read budget, most likely
    // finished first, per subscription; a refused one waits for the budget's retry time.
    private void Drain(long now, List<PollEffect> effects)
    {
        while (_queue.TryTakeDue(now, out var entry))
        {
            if (!entry.IsCurrent)
            {
                continue; // stale: the waiter completed, or the operation moved on
            }

            if (entry.Waiter is { } waiter)
            {
                Apply(entry.Operation, PollEvent.Deadline(waiter), now, effects); // on time, whatever the operation waits for
            }
            else
            {
                Apply(entry.Operation, PollEvent.Due, now, effects);
                if (entry.Operation.State == PollState.Due)
                {
                    _due.Add(entry.Operation);
                }
            }
        }

        if (_due.Count == 0)
        {
            return;
        }

        if (_due.Count > 1)
        {
            _due.Sort((a, b) => Order(a, b, now));
        }

        Dictionary<Guid, long>? shortOf = null;
        foreach (var operation in _due)
        {
            if (shortOf?.TryGetValue(operation.Subscription, out var until) == true)
            {
                Apply(operation, PollEvent.Refused(until), now, effects);
            }
            else if (_budgets.TryAdmit(operation.Subscription, RequestKind.Poll, out var retryAfter))
            {
                Apply(operation, PollEvent.Admitted, now, effects);
            }
            else
            {
                var at = now + Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds * _clock.TimestampFrequency));
                (shortOf ??= [])[operation.Subscription] = at;
                Apply(operation, PollEvent.Refused(at), now, effects);
            }
        }

        _due.Clear();
    }

    // Most likely finished first; then the earliest due; the queue's order breaks what is left.
    private int Order(PolledOperation a, PolledOperation b, long now)
    {
        var byScore = Score(b, now).CompareTo(Score(a, now));
        return byScore != 0 ? byScore : a.DueAt.CompareTo(b.DueAt);
    }

    // The prior, also for a fleet's commands: measured, the likelihood from the durations its run learned did not spend
    // the budget better (1,000 clusters at the resource provider's limit: p95 lag 404 s against 289 s; at ARM's budget,
    // mean lag 3.7 s against 3.2 s), so what a run learns goes into where its polls are aimed instead.
    private double Score(PolledOperation operation, long now) =>
        PollPriority.Score(Seconds(now - operation.StartedAt), Seconds(operation.LastPolledAt - operation.StartedAt));

    private TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / (double)_clock.TimestampFrequency);

    private void Perform(List<PollEffect> effects)
    {
        foreach (var effect in effects)
        {
            try
            {
                Perform(effect);
            }
            catch (Exception e)
            {
                RunCommandLog.LoopFault(_logger, effect.Operation.CommandId, effect.Kind.ToString(), e.GetType().Name);
            }
        }
    }

    private void Perform(in PollEffect effect)
    {
        switch (effect.Kind)
        {
            case PollEffectKind.StartPoll when t_depth == 1:
                t_depth++;
                try
                {
                    _ = PollAsync(effect.Operation, effect.Generation, effect.Retry, effect.Cancellation!); // inline up to its first await: no thread hop
                }
                finally
                {
                    t_depth--;
                }

                break;
            case PollEffectKind.StartPoll when t_depth == 0:
                // A waiter's thread (it joined, or its cancellation started someone else's due poll): the poll runs here,
                // up to its first await, but in the default execution context, never in the caller's (its AsyncLocals and
                // logging scopes stay its own).
                ExecutionContext.Run(DefaultContext.Value, static s => ((PollStart)s!).Run(), new PollStart(this, effect.Operation, effect.Generation, effect.Retry, effect.Cancellation!));
                break;
            case PollEffectKind.StartPoll:
                // A poll that answered at once, inside another poll's start: off to the thread pool, so nothing recurses.
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Run(), new PollStart(this, effect.Operation, effect.Generation, effect.Retry, effect.Cancellation!), preferLocal: false);
                break;
            case PollEffectKind.CancelPoll:
                _ = effect.Cancellation!.CancelAsync(); // its callbacks run on the thread pool, never here
                break;
            case PollEffectKind.Complete:
                effect.Waiter!.Complete(effect.Value, effect.Error);
                break;
            case PollEffectKind.Retrying:
                effect.Operation.Command.Retried();
                Telemetry.Retrying(effect.Operation.Command.TraceParent, Telemetry.PollRequest, effect.Status, effect.Status is null ? effect.Error?.InnerException?.GetType().FullName ?? effect.Error?.GetType().FullName : null, effect.Delay, effect.Retry);
                RunCommandLog.Retrying(_logger, "Poll", effect.Status is { } status ? $"HTTP {status}" : effect.Error?.InnerException?.GetType().Name ?? "a fault", effect.Retry, effect.Delay);
                break;
            case PollEffectKind.Failed:
                RunCommandLog.PollFailed(_logger, effect.Operation.CommandId, effect.Error!.GetType().Name);
                break;
            case PollEffectKind.LoopFault:
                RunCommandLog.LoopFault(_logger, effect.Operation.CommandId, "transition", $"{effect.Error!.GetType().Name}: {effect.Error.Message}");
                break;
            case PollEffectKind.Active:
                Telemetry.ActiveOperations.Add(effect.Retry);
                break;
        }
    }

    // One poll request; its answer goes back through the transition function. Runs in no waiter's context.
    private async Task PollAsync(PolledOperation operation, int generation, int retry, CancellationTokenSource cancellation)
    {
        PollAnswer answer;
        try
        {
            answer = await operation.Command.PollOnceAsync(retry, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Cancelled because nobody waits any more (its answer is stale anyway), or a fault: the operation's error.
            answer = PollAnswer.Failed(operation.Command.Failure(e));
        }

        t_depth++;
        try
        {
            Run(operation, PollEvent.Answered(generation, answer));
        }
        finally
        {
            t_depth--;
        }
    }

    // A poll started off the loop's own threads; runs once, as loop work.
    private sealed class PollStart(PollLoop loop, PolledOperation operation, int generation, int retry, CancellationTokenSource cancellation)
    {
        public void Run()
        {
            t_depth++;
            try
            {
                _ = loop.PollAsync(operation, generation, retry, cancellation);
            }
            finally
            {
                t_depth--;
            }
        }
    }

    private static ExecutionContext CaptureDefaultContext()
    {
        ExecutionContext? captured = null;
        var thread = new Thread(() => captured = ExecutionContext.Capture()) { IsBackground = true, Name = "AksRunCommand default context" };
        thread.UnsafeStart();
        thread.Join(); // once per process, for microseconds: the thread does nothing else
        return captured ?? throw new InvalidOperationException("No execution context to capture.");
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _armedAt = null; // this wake is spent; the step below re-arms from the head
        }

        t_depth++;
        try
        {
            Run(null, default);
        }
        catch (Exception e)
        {
            RunCommandLog.LoopFault(_logger, "(timer)", "Drain", e.GetType().Name); // the next step re-arms; nothing is lost
        }
        finally
        {
            t_depth--;
        }
    }

    // Re-armed only when the time to wake changed (a wake is a hint: the step it triggers always recomputes from the head
    // of the queue). One thread at a time changes the timer, so the
    // changes land in the order they were decided; a thread that finds another doing it leaves its request with it and
    // never waits (a clock may hold its own lock while it runs the loop's callback, and that callback re-arms too).
    private void Rearm()
    {
        Volatile.Write(ref _rearmRequested, 1);
        while (Volatile.Read(ref _rearmRequested) == 1 && Monitor.TryEnter(_timerGate))
        {
            try
            {
                while (Interlocked.Exchange(ref _rearmRequested, 0) == 1)
                {
                    TimeSpan? wait = null;
                    var change = false;
                    lock (_gate)
                    {
                        var at = _queue.WakeAt();
                        if (at != _armedAt)
                        {
                            // Earlier: wake sooner. Later or none (the head went stale): wake later, so no clock (a test's
                            // included) moves to a time nobody needs any more.
                            change = true;
                            _armedAt = at;
                            wait = at is { } due ? Until(due, _clock.GetTimestamp()) : null;
                        }
                    }

                    if (change)
                    {
                        _timer.Change(wait ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }
                }
            }
            finally
            {
                Monitor.Exit(_timerGate);
            }
        }
    }

    // Whole milliseconds, rounded up and at least one (a timer's unit: a shorter wait would fire at once and spin); at
    // most an hour, so no wait outgrows what a timer holds (a deadline may be months away).
    private TimeSpan Until(long at, long now)
    {
        var seconds = Math.Clamp((at - now) / (double)_clock.TimestampFrequency, 0, MaxSleep.TotalSeconds);
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(seconds * 1000)));
    }
}
