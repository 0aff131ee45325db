namespace AksRunCommand.Polling;

/// <summary>What one poll request gave, classified for the loop: the loop alone decides what happens next.</summary>
internal enum PollAnswerKind
{
    /// <summary>The command finished: <see cref="PollAnswer.Result"/>.</summary>
    Finished,

    /// <summary>Still running; poll again after <see cref="PollAnswer.Delay"/> (the schedule, with any Retry-After as a floor).</summary>
    Running,

    /// <summary>ARM answered 429: poll again after <see cref="PollAnswer.Delay"/> (its Retry-After); the subscription's reads are paused. Never a failure.</summary>
    Throttled,

    /// <summary>A fault worth a retry (5xx, 408, a timeout, a broken connection, an unreadable body): retried with backoff, at least <see cref="PollAnswer.Delay"/> (a Retry-After); <see cref="PollAnswer.Error"/> ends the wait once the retries run out.</summary>
    Transient,

    /// <summary>The wait ends with <see cref="PollAnswer.Error"/> (404: unknown or expired id; a strategy that broke; a credential that failed).</summary>
    Failed,
}

/// <summary>One poll's answer. <see cref="Progress"/> is what observers and <c>UpdateStatusAsync</c> see of it.</summary>
internal readonly record struct PollAnswer(PollAnswerKind Kind, CommandResult? Result, TimeSpan Delay, Exception? Error, RunCommandProgress? Progress, int? Status = null, string? State = null)
{
    /// <summary>What the poller reads of a 202: the state, and any Retry-After (the operation turns it into the next delay).</summary>
    public static PollAnswer RunningState(string state, TimeSpan? retryAfter) => new(PollAnswerKind.Running, null, retryAfter ?? TimeSpan.Zero, null, null, 202, state);

    public static PollAnswer Finished(CommandResult result, RunCommandProgress? progress = null) => new(PollAnswerKind.Finished, result, TimeSpan.Zero, null, progress);

    public static PollAnswer Running(TimeSpan next, RunCommandProgress progress) => new(PollAnswerKind.Running, null, next, null, progress);

    public static PollAnswer Throttled(TimeSpan retryAfter, RunCommandProgress? progress = null) => new(PollAnswerKind.Throttled, null, retryAfter, null, progress, 429);

    public static PollAnswer Transient(Exception ending, TimeSpan? retryAfter, int? status) => new(PollAnswerKind.Transient, null, retryAfter ?? TimeSpan.Zero, ending, null, status);

    public static PollAnswer Failed(Exception error) => new(PollAnswerKind.Failed, null, TimeSpan.Zero, error, null);
}
