namespace AksRunCommand.Polling;

/// <summary>What a waiter waits for: the command's end, or the next answer of a poll (<c>UpdateStatusAsync</c>).</summary>
internal enum PollWaiterKind
{
    UntilDone,
    NextAnswer,
}

/// <summary>
/// One caller waiting on an operation: a completion source that never runs its continuations inline (completing a
/// waiter never runs the caller's code on the loop's thread), its deadline if it set a maximum wait, and its
/// cancellation registration, released (never waited for) outside the loop's lock once the waiter completes.
/// </summary>
internal sealed class PollWaiter
{
    private readonly TaskCompletionSource<object> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _state; // 0 open, 1 registration attached, 2 completed

    public PollWaiter(PollWaiterKind kind, long? deadline)
    {
        Kind = kind;
        Deadline = deadline;
    }

    public PollWaiterKind Kind { get; }

    /// <summary>A timestamp of the loop's clock; null: no maximum wait.</summary>
    public long? Deadline { get; }

    /// <summary>The waiter's cancellation token, for the exception its cancellation gives.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>True once completed (decided under the loop's lock; the completion itself runs after it).</summary>
    public bool Completed { get; set; }

    /// <summary>A <see cref="CommandResult"/> (UntilDone), a <see cref="RunCommandProgress"/> (NextAnswer), or the exception.</summary>
    public Task<object> Task => _completion.Task;

    /// <summary>Keeps the registration made after the waiter was published; released at once if it completed meanwhile.</summary>
    public void Attach(CancellationTokenRegistration registration)
    {
        _registration = registration;
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            registration.Unregister(); // completed before the registration was kept
        }
    }

    /// <summary>Completes the waiter (outside the loop's lock) and lets its registration go, without waiting for a callback in progress.</summary>
    public void Complete(object? value, Exception? error)
    {
        if (Interlocked.Exchange(ref _state, 2) == 1)
        {
            _registration.Unregister();
        }

        if (error is not null)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult(value!);
        }
    }
}
