namespace AksRunCommand.Polling;

/// <summary>What a transition decided to do, done by the loop after its lock is released.</summary>
internal enum PollEffectKind
{
    /// <summary>Send the operation's next poll (at <see cref="PollEffect.Generation"/>, retry <see cref="PollEffect.Retry"/>).</summary>
    StartPoll,

    /// <summary>Cancel the poll in flight: nobody waits for it any more.</summary>
    CancelPoll,

    /// <summary>Complete a waiter with a value or an error.</summary>
    Complete,

    /// <summary>A poll failed transiently and is retried after <see cref="PollEffect.Delay"/>: log, count, trace.</summary>
    Retrying,

    /// <summary>The wait of every waiter ended with an error: log it once.</summary>
    Failed,

    /// <summary>The loop itself failed while handling the operation (<see cref="PollEffect.Error"/>): log it.</summary>
    LoopFault,

    /// <summary>The count of active operations changes by <see cref="PollEffect.Retry"/> (+1 or -1).</summary>
    Active,
}

/// <summary>One effect of a transition; a value, so deciding allocates nothing but the list it goes into.</summary>
internal readonly record struct PollEffect(
    PollEffectKind Kind,
    PolledOperation Operation,
    int Generation = 0,
    int Retry = 0,
    CancellationTokenSource? Cancellation = null,
    PollWaiter? Waiter = null,
    object? Value = null,
    Exception? Error = null,
    TimeSpan Delay = default,
    int? Status = null);
