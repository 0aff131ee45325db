using System.Diagnostics;

namespace AksRunCommand.Polling;

/// <summary>
/// The one place an operation's <see cref="PollState"/> changes. <see cref="Apply"/> runs under the loop's lock: it
/// decides, updates the operation and the queue, and appends what to do to a list of effects; it performs none of
/// them (no request, no waiter's code, no log line, no telemetry listener runs under the lock). An event that does
/// not fit the operation's state (an answer of a generation it left, a due entry of one that moved on) changes nothing.
/// </summary>
internal sealed class PollTransitions
{
    private readonly DueQueue _queue;
    private readonly ArmRetryOptions _retry;
    private readonly Func<double> _randomizer;
    private readonly TimeProvider _clock;

    public PollTransitions(DueQueue queue, ArmRetryOptions retry, Func<double> randomizer, TimeProvider clock)
    {
        _queue = queue;
        _retry = retry;
        _randomizer = randomizer;
        _clock = clock;
    }

    public void Apply(PolledOperation operation, in PollEvent e, long now, List<PollEffect> effects)
    {
        switch (e.Kind)
        {
            case PollEventKind.Join:
                Join(operation, e.Waiter!, now, effects);
                break;
            case PollEventKind.Leave:
                Leave(operation, e.Waiter!, e.Error!, effects);
                break;
            case PollEventKind.Deadline:
                Leave(operation, e.Waiter!, operation.Command.Stopped(maxWaitElapsed: true, CancellationToken.None), effects);
                break;
            case PollEventKind.Due when operation.State is PollState.Waiting or PollState.BackingOff:
                operation.State = PollState.Due;
                break;
            case PollEventKind.Admitted when operation.State == PollState.Due:
                operation.State = PollState.Polling;
                operation.LastPolledAt = now;
                operation.InFlight = new CancellationTokenSource();
                effects.Add(new PollEffect(PollEffectKind.StartPoll, operation, operation.Generation, operation.Transients, operation.InFlight));
                break;
            case PollEventKind.Refused when operation.State == PollState.Due:
                Schedule(operation, operation.Transients > 0 ? PollState.BackingOff : PollState.Waiting, e.At); // a later turn, not a failure
                break;
            case PollEventKind.Answered when operation.State == PollState.Polling && e.Generation == operation.Generation:
                Answered(operation, e.Answer, now, effects);
                break;
            case PollEventKind.Faulted when operation.State != PollState.Done:
                if (operation.InFlight is { } inFlight)
                {
                    effects.Add(new PollEffect(PollEffectKind.CancelPoll, operation, Cancellation: inFlight));
                    operation.InFlight = null;
                        }

                Fail(operation, operation.Command.Failure(e.Error!), now, effects);
                break;
            default:
                break; // stale or does not apply: nothing changes
        }
    }

    private void Join(PolledOperation operation, PollWaiter waiter, long now, List<PollEffect> effects)
    {
        if (operation.State == PollState.Done)
        {
            waiter.Completed = true;
            effects.Add(new PollEffect(PollEffectKind.Complete, operation, Waiter: waiter, Value: operation.Result(waiter.Kind)));
            return;
        }

        operation.Waiters.Add(waiter);
        if (waiter.Deadline is not null)
        {
            _queue.Deadline(operation, waiter);
        }

        if (!operation.Active)
        {
            operation.Active = true;
            effects.Add(new PollEffect(PollEffectKind.Active, operation, Retry: +1));
        }

        var pollNow = waiter.Kind == PollWaiterKind.NextAnswer;
        switch (operation.State)
        {
            case PollState.Idle:
                Schedule(operation, operation.Transients > 0 ? PollState.BackingOff : PollState.Waiting, pollNow ? now : Math.Max(now, operation.DueAt));
                break;
            case PollState.Waiting or PollState.BackingOff when pollNow:
                Schedule(operation, operation.State, now); // asked for a poll now: the next one comes forward
                break;
            default:
                break; // already due, polling or scheduled: the waiter shares what comes
        }
    }

    private static void Leave(PolledOperation operation, PollWaiter waiter, Exception reason, List<PollEffect> effects)
    {
        if (waiter.Completed || !operation.Waiters.Remove(waiter))
        {
            return;
        }

        waiter.Completed = true;
        effects.Add(new PollEffect(PollEffectKind.Complete, operation, Waiter: waiter, Error: reason));
        if (operation.Waiters.Count == 0)
        {
            LastWaiterLeft(operation, effects);
        }
    }

    // A transition of its own: nothing is polled that nobody awaits. The schedule (DueAt) is kept for the next waiter.
    private static void LastWaiterLeft(PolledOperation operation, List<PollEffect> effects)
    {
        operation.Generation++; // its queue entries and the answer of a poll in flight are stale from here on
        if (operation.InFlight is { } inFlight)
        {
            effects.Add(new PollEffect(PollEffectKind.CancelPoll, operation, Cancellation: inFlight));
            operation.InFlight = null;
        }

        operation.State = PollState.Idle;
        Deactivate(operation, effects);
    }

    private void Answered(PolledOperation operation, in PollAnswer answer, long now, List<PollEffect> effects)
    {
        operation.InFlight = null;
        switch (answer.Kind)
        {
            case PollAnswerKind.Finished:
                operation.State = PollState.Done;
                operation.Finished = answer.Result;
                operation.FinalProgress = answer.Progress;
                operation.Generation++;
                foreach (var waiter in operation.Waiters)
                {
                    waiter.Completed = true;
                    effects.Add(new PollEffect(PollEffectKind.Complete, operation, Waiter: waiter, Value: operation.Result(waiter.Kind)));
                }

                operation.Waiters.Clear();
                Deactivate(operation, effects);
                break;

            case PollAnswerKind.Running or PollAnswerKind.Throttled:
                operation.Transients = 0;
                operation.BackoffSeries = 0;
                CompleteNextAnswerWaiters(operation, answer.Progress!, effects);
                if (operation.Waiters.Count > 0)
                {
                    Schedule(operation, PollState.Waiting, now + Ticks(answer.Delay));
                }
                else
                {
                    operation.DueAt = now + Ticks(answer.Delay); // kept for whoever waits next
                    LastWaiterLeft(operation, effects);
                }

                break;

            case PollAnswerKind.Transient when operation.Transients < _retry.MaxRetries:
                operation.Transients++;
                var series = operation.BackoffSeries;
                var delay = PollBackoff.Delay(operation.Transients, answer.Delay > TimeSpan.Zero ? answer.Delay : null, _retry, _randomizer, ref series);
                operation.BackoffSeries = series;
                Schedule(operation, PollState.BackingOff, now + Ticks(delay));
                effects.Add(new PollEffect(PollEffectKind.Retrying, operation, Retry: operation.Transients, Error: answer.Error, Delay: delay, Status: answer.Status));
                break;

            default: // failed, or transient with its retries spent
                Fail(operation, answer.Error!, now, effects);
                break;
        }
    }

    // Every waiter gets the error; the operation goes back to Idle, so a later wait polls again (a failure is not a result).
    private static void Fail(PolledOperation operation, Exception error, long now, List<PollEffect> effects)
    {
        foreach (var waiter in operation.Waiters)
        {
            waiter.Completed = true;
            effects.Add(new PollEffect(PollEffectKind.Complete, operation, Waiter: waiter, Error: error));
        }

        if (operation.Waiters.Count > 0)
        {
            effects.Add(new PollEffect(PollEffectKind.Failed, operation, Error: error));
        }

        operation.Waiters.Clear();
        operation.Generation++;
        operation.Transients = 0;
        operation.BackoffSeries = 0;
        operation.DueAt = now;
        operation.State = PollState.Idle;
        Deactivate(operation, effects);
    }

    private static void CompleteNextAnswerWaiters(PolledOperation operation, RunCommandProgress progress, List<PollEffect> effects)
    {
        for (var i = operation.Waiters.Count - 1; i >= 0; i--)
        {
            var waiter = operation.Waiters[i];
            if (waiter.Kind == PollWaiterKind.NextAnswer)
            {
                waiter.Completed = true;
                operation.Waiters.RemoveAt(i);
                effects.Add(new PollEffect(PollEffectKind.Complete, operation, Waiter: waiter, Value: progress));
            }
        }
    }

    private static void Deactivate(PolledOperation operation, List<PollEffect> effects)
    {
        if (operation.Active)
        {
            operation.Active = false;
            effects.Add(new PollEffect(PollEffectKind.Active, operation, Retry: -1));
        }
    }

    private void Schedule(PolledOperation operation, PollState state, long at)
    {
        Debug.Assert(state is PollState.Waiting or PollState.BackingOff, "only a waiting or backing-off operation is queued");
        operation.Generation++;
        operation.State = state;
        operation.DueAt = at;
        _queue.Schedule(operation, at);
    }

    private long Ticks(TimeSpan delay) => (long)Math.Min(delay.TotalSeconds * _clock.TimestampFrequency, long.MaxValue / 4);
}
