namespace AksRunCommand.Polling;

/// <summary>One caller waiting for an operation, with its deadline (a timestamp of the scheduler's clock) if it set a maximum wait.</summary>
internal sealed class PollWaiter
{
    public PollWaiter(long? deadline)
    {
        Deadline = deadline;
    }

    public long? Deadline { get; }

    public TaskCompletionSource<CommandResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenRegistration Registration { get; set; }

    public void Succeed(CommandResult result)
    {
        Registration.Dispose();
        Completion.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        Registration.Dispose();
        Completion.TrySetException(error);
    }
}
