namespace AksRunCommand.Polling;

/// <summary>Where one operation stands in the poll loop. Changed only by <see cref="PollTransitions"/>, under the loop's lock.</summary>
internal enum PollState
{
    /// <summary>Nobody waits: nothing is scheduled or polled (a queue entry of it is stale).</summary>
    Idle,

    /// <summary>Somebody waits; its next poll is queued at <see cref="PolledOperation.DueAt"/>.</summary>
    Waiting,

    /// <summary>Its time came; it waits for the subscription's read budget (for the moment of one admission round).</summary>
    Due,

    /// <summary>A poll request is in flight.</summary>
    Polling,

    /// <summary>A poll failed transiently; its retry is queued at <see cref="PolledOperation.DueAt"/>.</summary>
    BackingOff,

    /// <summary>A poll found the command finished; every waiter got the result.</summary>
    Done,
}
