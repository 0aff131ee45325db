namespace AksRunCommand.Polling;

/// <summary>What happened to an operation, as the one transition function takes it.</summary>
internal enum PollEventKind
{
    /// <summary>A waiter arrived.</summary>
    Join,

    /// <summary>A waiter left: its caller cancelled (<see cref="PollEvent.Error"/> is what it gets).</summary>
    Leave,

    /// <summary>A waiter's maximum wait elapsed.</summary>
    Deadline,

    /// <summary>The operation's queue entry at its generation came due.</summary>
    Due,

    /// <summary>The read budget admitted its poll.</summary>
    Admitted,

    /// <summary>The read budget refused it until <see cref="PollEvent.At"/>: not a failure, a later turn.</summary>
    Refused,

    /// <summary>A poll at <see cref="PollEvent.Generation"/> answered <see cref="PollEvent.Answer"/>.</summary>
    Answered,

    /// <summary>The loop itself failed while handling the operation (<see cref="PollEvent.Error"/>): its waiters get the error.</summary>
    Faulted,
}

/// <summary>One event for <see cref="PollTransitions.Apply"/>.</summary>
internal readonly record struct PollEvent(PollEventKind Kind, PollWaiter? Waiter = null, Exception? Error = null, long At = 0, int Generation = 0, PollAnswer Answer = default)
{
    public static PollEvent Join(PollWaiter waiter) => new(PollEventKind.Join, waiter);

    public static PollEvent Leave(PollWaiter waiter, Exception reason) => new(PollEventKind.Leave, waiter, reason);

    public static PollEvent Deadline(PollWaiter waiter) => new(PollEventKind.Deadline, waiter);

    public static PollEvent Due { get; } = new(PollEventKind.Due);

    public static PollEvent Admitted { get; } = new(PollEventKind.Admitted);

    public static PollEvent Refused(long until) => new(PollEventKind.Refused, At: until);

    public static PollEvent Faulted(Exception fault) => new(PollEventKind.Faulted, Error: fault);

    public static PollEvent Answered(int generation, PollAnswer answer) => new(PollEventKind.Answered, Generation: generation, Answer: answer);
}
